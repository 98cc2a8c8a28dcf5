//! `path:line:col: CODE [severity] message`, one line per finding: control characters and line
//! breaks from the file (a constant holding a newline) are shown escaped.
use std::fmt::Write;

use crate::redact::escape_line;

use crate::lint::FileReport;

pub fn render_concise(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for f in &report.findings {
            let at = report.file.position(f.span.start);
            let _ = writeln!(
                out,
                "{}:{}:{}: {} [{}] {}",
                escape_line(&report.file.display),
                at.line,
                at.column,
                f.code,
                f.severity.as_str(),
                escape_line(&f.message)
            );
        }
    }
    out
}
