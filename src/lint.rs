//! Reads one file and runs the checks on it.
use std::path::Path;

use crate::checks::check_dockerfile_and_model;
use crate::finding::{Finding, Severity};
use crate::model::Dockerfile;
use crate::settings::Settings;
use crate::source::SourceFile;

/// A linted file and what was found in it.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub file: SourceFile,
    pub findings: Vec<Finding>,
}

/// Reads and lints a Dockerfile. Unreadable files are an error; text that is not UTF-8 is a CB000 finding.
pub fn lint_path(path: &Path, display: String, settings: &Settings) -> std::io::Result<FileReport> {
    let bytes = crate::source::read_file(path)?;
    Ok(lint_bytes(path, display, bytes, settings))
}

/// Lints a Dockerfile's bytes.
pub fn lint_bytes(path: &Path, display: String, bytes: Vec<u8>, settings: &Settings) -> FileReport {
    lint_bytes_and_model(path, display, bytes, settings, None).0
}

/// [`lint_bytes`], and the model of the file when it parses.
pub fn lint_bytes_and_model(
    path: &Path,
    display: String,
    bytes: Vec<u8>,
    settings: &Settings,
    context: Option<&Path>,
) -> (FileReport, Option<Dockerfile>) {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let mut file = SourceFile::new(path.to_path_buf(), display, text);
            file.context = context
                .filter(|c| Some(*c) != path.parent())
                .map(Path::to_path_buf);
            let (findings, model) = check_dockerfile_and_model(&file, settings, context);
            (FileReport { file, findings }, model)
        }
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            // The lossy text has the same bytes up to the first invalid sequence.
            let file = SourceFile::new(path.to_path_buf(), display, text);
            let end = file.text[at..]
                .chars()
                .next()
                .map_or(at, |c| at + c.len_utf8());
            let message = match utf16(error.as_bytes()) {
                Some(order) => format!(
                    "cannot parse this file: it is UTF-16 text ({order} byte order mark), which \
                     cachebust does not read"
                ),
                None => format!(
                    "cannot parse this file: it is not UTF-8 text (invalid byte at offset {at})"
                ),
            };
            let finding = Finding {
                code: "CB000",
                severity: Severity::Error,
                message,
                span: at..end,
                label: "not UTF-8".into(),
                related: Vec::new(),
                help: "Save the file as UTF-8; Docker reads Dockerfiles as UTF-8.".into(),
                fix: None,
            };
            let report = FileReport {
                file,
                findings: vec![finding],
            };
            (report, None)
        }
    }
}

/// Which UTF-16 the bytes are, by their byte order mark (`None` when they have none).
///
/// UTF-16 is reported, not decoded: Docker reads Dockerfiles as UTF-8 only, and every span and fix is a
/// byte range of the file as it is.
pub fn utf16(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xff, 0xfe, ..] => Some("a little-endian"),
        [0xfe, 0xff, ..] => Some("a big-endian"),
        _ => None,
    }
}
