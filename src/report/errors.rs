//! Errors a user sees that are not findings: a config file that cannot be used.
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};

use crate::config::ConfigError;

/// The error with the config file's text and the offending key or value labelled.
pub fn render_config_error(error: &ConfigError, shown: &str) -> String {
    let shown = shown.to_string();
    let mut diagnostic =
        MietteDiagnostic::new(format!("invalid config file {shown}: {}", error.message)).with_help(
            "Fix the file, or run with --isolated to ignore it. The README lists every key.",
        );
    if let Some(span) = &error.span {
        diagnostic = diagnostic.with_label(LabeledSpan::new_primary_with_span(
            Some(error.message.clone()),
            span.clone(),
        ));
    }
    let report = miette::Report::new(diagnostic)
        .with_source_code(NamedSource::new(shown, error.text.clone()));
    let mut out = String::from("error: ");
    let handler =
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
    let _ = handler.render_report(&mut out, report.as_ref());
    out
}
