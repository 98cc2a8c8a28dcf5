//! `path:line:col: CODE [severity] message`, one line per finding.
use std::fmt::Write;

use crate::lint::FileReport;

pub fn render_concise(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for f in &report.findings {
            let at = report.file.position(f.span.start);
            let _ = writeln!(
                out,
                "{}:{}:{}: {} [{}] {}",
                report.file.display,
                at.line,
                at.column,
                f.code,
                f.severity.as_str(),
                f.message
            );
        }
    }
    out
}
