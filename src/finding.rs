//! What a check reports: a finding with one primary span, optional related labels and an optional fix.
use std::ops::Range;

use serde::Serialize;

/// How serious a finding is; `--fail-level` compares against it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A byte range of the file with a short text shown beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Range<usize>,
    pub text: String,
}

/// Whether a fix may be applied without review (`--fix`) or only on request (`--unsafe-fixes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// Replace `range` of the original text with `content` (an insertion when the range is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub content: String,
}

impl Edit {
    pub fn insert(at: usize, content: impl Into<String>) -> Edit {
        Edit {
            range: at..at,
            content: content.into(),
        }
    }
    pub fn delete(range: Range<usize>) -> Edit {
        Edit {
            range,
            content: String::new(),
        }
    }
}

/// A set of edits that together resolve one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// One problem in one file. `span` is the primary location; `related` adds context in the same file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Range<usize>,
    pub label: String,
    pub related: Vec<Label>,
    pub help: String,
    pub fix: Option<Fix>,
}
