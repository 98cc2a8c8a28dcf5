//! GitHub Actions workflow commands: one `::warning file=…::…` annotation per finding.
use std::fmt::Write;

use crate::catalogue::known;
use crate::finding::Severity;
use crate::lint::FileReport;
use crate::redact::{escape_controls, escape_line};

pub fn render_github(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for f in &report.findings {
            let start = report.file.position(f.span.start);
            let end = report.file.position(f.span.end.max(f.span.start));
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let title = format!("{} {}", f.code, known(f.code).name);
            let _ = writeln!(
                out,
                "::{command} file={},line={},endLine={},col={},endColumn={},title={}::{}",
                property(&escape_line(&report.file.display)),
                start.line,
                end.line,
                start.column,
                end.column,
                property(&title),
                data(&escape_controls(&format!("{}\n{}", f.message, f.help))),
            );
        }
    }
    out
}

/// The toolkit's escaping of a command's message (control characters other than line breaks were
/// escaped before: the runner's log would interpret them).
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The toolkit's escaping of a property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
