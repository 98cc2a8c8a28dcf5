//! Findings as LSP diagnostics, as `report/` renders them as text: the code with a link to the rule's
//! docs (the SARIF `helpUri`), the severity as SARIF maps it, the help, and the secondary labels as
//! related information.
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Range, Uri,
};

use super::position::{Encoding, LineIndex};
use crate::config::ConfigError;
use crate::finding::{Finding, Severity};
use crate::source::SourceFile;

/// A file's text with its line index, to convert its spans.
pub struct Text<'a> {
    pub text: &'a str,
    pub index: LineIndex,
    pub encoding: Encoding,
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Text<'a> {
        Text {
            text,
            index: LineIndex::new(text),
            encoding,
        }
    }

    pub fn range(&self, span: &std::ops::Range<usize>) -> Range {
        let start = self.index.position(self.text, span.start, self.encoding);
        let end = self
            .index
            .position(self.text, span.end.max(span.start), self.encoding);
        Range::new(start, end)
    }
}

/// SARIF's levels: error, warning, note (an LSP information).
fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// The diagnostic of one finding of `file` (at `uri`).
pub fn to_diagnostic(
    finding: &Finding,
    file: &SourceFile,
    uri: &Uri,
    text: &Text<'_>,
) -> Diagnostic {
    debug_assert!(std::ptr::eq(file.text.as_str(), text.text));
    let href = crate::catalogue::docs_url(finding.code).parse().ok();
    let mut related = vec![DiagnosticRelatedInformation {
        location: Location::new(uri.clone(), text.range(&finding.span)),
        message: finding.label.clone(),
    }];
    related.extend(
        finding
            .related
            .iter()
            .map(|label| DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), text.range(&label.span)),
                message: label.text.clone(),
            }),
    );
    let message = if finding.help.is_empty() {
        finding.message.clone()
    } else {
        format!("{}\nhelp: {}", finding.message, finding.help)
    };
    Diagnostic {
        range: text.range(&finding.span),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.code.to_string())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some("cachebust".into()),
        message,
        related_information: Some(related).filter(|r| !r.is_empty()),
        tags: None,
        data: None,
    }
}

/// A config file that cannot be used, as a diagnostic on that file.
pub fn config_diagnostic(error: &ConfigError, encoding: Encoding) -> Diagnostic {
    let text = Text::new(&error.text, encoding);
    let range = error
        .span
        .as_ref()
        .map_or_else(Range::default, |s| text.range(s));
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("cachebust".into()),
        message: format!(
            "invalid config file: {}; files are linted with the default settings until it is fixed",
            error.message
        ),
        ..Diagnostic::default()
    }
}
