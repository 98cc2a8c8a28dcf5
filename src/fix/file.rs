//! Fixing one file on disk: read, fix, and write back (`--fix`) or only compute the result (`--diff`).
use std::path::Path;
use std::sync::Arc;

use super::{fix_from, write_atomically, WriteError};
use crate::checks::check_dockerfile;
use crate::compose::files::is_compose_text;
use crate::compose::{lint_compose_over, Pending};
use crate::discover::{is_compose_name, is_dockerfile_name};
use crate::finding::Finding;
use crate::lint::{lint_bytes, FileReport};
use crate::settings::Settings;
use crate::source::SourceFile;

/// Whether fixed files are written back or only compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// `--fix`: write the fixed text over the file.
    Write,
    /// `--diff`: write nothing; the caller shows the difference.
    Diff,
}

/// What fixing did (or, for `--diff`, would do) to one file.
#[derive(Debug)]
pub struct FileFix {
    /// The text as read.
    pub before: String,
    /// The file as it is after fixing (as it would be, for `--diff`) with its findings. When writing
    /// failed, the file as read.
    pub after: FileReport,
    /// Code and fix title of every finding resolved; empty when writing failed.
    pub fixed: Vec<(&'static str, String)>,
    /// Why fixing stopped early, naming the file and the fix.
    pub refused: Option<String>,
    /// Why the fixed text could not be written; the file is intact.
    pub error: Option<WriteError>,
}

impl FileFix {
    /// Whether fixing changed (or would change) the text.
    pub fn changed(&self) -> bool {
        self.before != self.after.file.text
    }
}

/// Reads, lints and fixes the file at `path` (shown as `display`), then writes it in [`FixMode::Write`].
/// A file that is not UTF-8 is never fixed: its text is only an approximation of its bytes. When the
/// text is still `linted`'s, its findings are used (a compose-built Dockerfile's were made with the
/// service's build context, which a lint of the file alone does not know).
pub fn fix_file(
    path: &Path,
    display: String,
    settings: &Settings,
    mode: FixMode,
    unsafe_fixes: bool,
    linted: Option<&FileReport>,
) -> std::io::Result<FileFix> {
    let bytes = crate::source::read_file(path)?;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        let after = lint_bytes(path, display, bytes, settings);
        return Ok(unchanged(after));
    };
    let mut file = SourceFile::new(path.to_path_buf(), display, text.to_string());
    file.context = linted.and_then(|r| r.file.context.clone());
    let lint = linter(&file, settings, None);
    let findings = match linted {
        Some(report) if report.file.text == file.text => report.findings.clone(),
        _ => lint(&file),
    };
    let linted = FileReport { findings, file };
    let mut result = fix_linted(&linted, unsafe_fixes, &lint);
    if mode == FixMode::Write && result.changed() {
        if let Err(error) = write_atomically(path, &bytes, &result.after.file.text) {
            result = FileFix {
                error: Some(error),
                ..unchanged(linted)
            };
        }
    }
    Ok(result)
}

/// What `--diff` shows for a file already linted: its fixed text, computed in memory from the report's
/// findings (the file is neither read nor linted again).
pub fn fix_report(report: &FileReport, settings: &Settings, unsafe_fixes: bool) -> FileFix {
    fix_linted(report, unsafe_fixes, &linter(&report.file, settings, None))
}

/// What `--diff` shows for a compose file when the run's Dockerfiles would be fixed first (`pending`,
/// their fixed texts): it is linted again against those, as `--fix` lints it after writing them.
pub fn fix_report_after(
    report: &FileReport,
    settings: &Settings,
    unsafe_fixes: bool,
    pending: Arc<Pending>,
) -> FileFix {
    let lint = linter(&report.file, settings, Some(pending));
    let linted = FileReport {
        findings: lint(&report.file),
        file: report.file.clone(),
    };
    fix_linted(&linted, unsafe_fixes, &lint)
}

/// Fixes a linted file's text in memory, from its findings, re-linting with `lint`.
fn fix_linted(
    linted: &FileReport,
    unsafe_fixes: bool,
    lint: &impl Fn(&SourceFile) -> Vec<Finding>,
) -> FileFix {
    let file = &linted.file;
    let outcome = fix_from(file, linted.findings.clone(), unsafe_fixes, lint);
    FileFix {
        before: file.text.clone(),
        after: report(file, outcome.text, outcome.remaining),
        fixed: outcome.fixed,
        refused: outcome.refused,
        error: None,
    }
}

/// How a fixed text is linted again: compose files as compose files (their fixes add `build.args`
/// entries), anything else as a Dockerfile.
fn linter<'a>(
    file: &SourceFile,
    settings: &'a Settings,
    pending: Option<Arc<Pending>>,
) -> impl Fn(&SourceFile) -> Vec<Finding> + 'a {
    let pending = pending.unwrap_or_default();
    let name = file.path.file_name().unwrap_or_default().to_string_lossy();
    let compose = is_compose_name(&name)
        || (!is_dockerfile_name(&name) && is_compose_text(&file.path, &file.text));
    let driver = !compose && crate::drivers::is_driver(&file.path, &file.text);
    let cwd = std::env::current_dir().unwrap_or_default();
    move |f: &SourceFile| -> Vec<Finding> {
        if driver {
            crate::drivers::lint_driver_text(f.clone(), &cwd, settings).findings
        } else if compose {
            let findings = lint_compose_over(f.clone(), &cwd, settings, pending.clone()).findings;
            settings.filter(&f.path, findings)
        } else {
            check_dockerfile(f, settings)
        }
    }
}

fn report(file: &SourceFile, text: String, findings: Vec<Finding>) -> FileReport {
    FileReport {
        file: file.with_text(text),
        findings,
    }
}

fn unchanged(after: FileReport) -> FileFix {
    FileFix {
        before: after.file.text.clone(),
        after,
        fixed: Vec::new(),
        refused: None,
        error: None,
    }
}
