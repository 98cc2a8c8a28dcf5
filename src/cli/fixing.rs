//! `--fix` and `--diff` over a run's files: Dockerfiles first (their fixes add the cache-bust args that
//! compose files must then pass), compose files after; and standard input.
use std::path::{Path, PathBuf};

use crate::checks::check_dockerfile;
use crate::compose::lint_compose_text;
use crate::discover::is_compose_name;
use crate::finding::{Applicability, Finding};
use crate::fix::{fix_file, fix_with, FileFix, FixMode};
use crate::lint::FileReport;
use crate::report::render_diff;
use crate::settings::Settings;
use crate::source::SourceFile;

use super::check::write_stdout;

/// What `--fix`/`--diff` were asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixRun {
    /// `--diff`: show, write nothing (it wins over `--fix`, as in ruff).
    pub diff: bool,
    pub unsafe_fixes: bool,
}

impl FixRun {
    pub fn from_flags(fix: bool, diff: bool, unsafe_fixes: bool) -> Option<FixRun> {
        (fix || diff).then_some(FixRun { diff, unsafe_fixes })
    }

    fn wants(&self, finding: &Finding) -> bool {
        finding
            .fix
            .as_ref()
            .is_some_and(|f| self.unsafe_fixes || f.applicability == Applicability::Safe)
    }
}

/// What fixing the files of a run did.
#[derive(Debug, Default)]
pub struct Fixed {
    pub errors: Vec<String>,
    /// Whether any file changed (or, with `--diff`, would change).
    pub changed: bool,
    /// Whether any file was written.
    pub wrote: bool,
}

fn is_compose(report: &FileReport) -> bool {
    let name = report
        .file
        .path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy();
    is_compose_name(&name) || name.ends_with(".yml") || name.ends_with(".yaml")
}

/// Fixes (or diffs) every file with a wanted fix, and every compose file (a Dockerfile's fix can give it
/// one). Prints the diffs or the `Fixed …` lines.
pub fn fix_reports(
    reports: &[FileReport],
    paths: &[PathBuf],
    settings: &Settings,
    run: FixRun,
    color: bool,
    quiet: bool,
) -> Fixed {
    let mode = if run.diff {
        FixMode::Diff
    } else {
        FixMode::Write
    };
    let mut outcome = Fixed::default();
    let mut fixes: Vec<FileFix> = Vec::new();
    let dockerfiles = reports
        .iter()
        .filter(|r| !is_compose(r) && r.findings.iter().any(|f| run.wants(f)));
    let compose = reports.iter().filter(|r| is_compose(r));
    let roots = writable_roots(paths);
    for report in dockerfiles.chain(compose) {
        let display = report.file.display.clone();
        if mode == FixMode::Write {
            if let Some(why) = outside(&report.file.path, &roots) {
                outcome.errors.push(format!("{display}: not fixed: {why}"));
                continue;
            }
        }
        match fix_file(
            &report.file.path,
            display.clone(),
            settings,
            mode,
            run.unsafe_fixes,
        ) {
            Ok(fix) => {
                if let Some(error) = &fix.error {
                    outcome.errors.push(format!("{display}: {error}"));
                }
                fixes.push(fix);
            }
            Err(e) => outcome.errors.push(format!("{display}: cannot read: {e}")),
        }
    }
    outcome.changed = fixes.iter().any(FileFix::changed);
    outcome.wrote = !run.diff && fixes.iter().any(|f| f.changed() && f.error.is_none());
    if run.diff {
        let diffs: String = fixes
            .iter()
            .filter(|f| f.changed())
            .map(|f| render_diff(&f.after.file.display, &f.before, &f.after.file.text, color))
            .collect();
        write_stdout(&diffs);
    }
    for fix in &fixes {
        if let Some(why) = &fix.refused {
            eprintln!("warning: {why}");
        }
        let verb = if run.diff { "Would fix" } else { "Fixed" };
        if fix.changed() && fix.error.is_none() && !quiet {
            eprintln!(
                "{verb} {} in {}",
                findings(fix.fixed.len()),
                fix.after.file.display
            );
        }
    }
    outcome
}

/// `--fix`/`--diff` on standard input: the fixed text (or its diff) on stdout. Returns whether anything
/// changed or remains, and the remaining findings.
pub fn fix_stdin(
    report: FileReport,
    settings: &Settings,
    run: FixRun,
    cwd: &Path,
    color: bool,
) -> (bool, FileReport) {
    let file = report.file;
    let compose = is_compose_name(&file.path.file_name().unwrap_or_default().to_string_lossy());
    let lint = |f: &SourceFile| -> Vec<Finding> {
        if compose {
            settings.filter(
                &f.path,
                lint_compose_text(f.clone(), cwd, settings).findings,
            )
        } else {
            check_dockerfile(f, settings)
        }
    };
    let outcome = fix_with(&file, run.unsafe_fixes, lint);
    if let Some(why) = &outcome.refused {
        eprintln!("warning: {why}");
    }
    let changed = outcome.text != file.text;
    if run.diff {
        write_stdout(&render_diff(
            &file.display,
            &file.text,
            &outcome.text,
            color,
        ));
    } else {
        write_stdout(&outcome.text);
    }
    let failing = if run.diff {
        changed
    } else {
        outcome
            .remaining
            .iter()
            .any(|f| f.severity >= settings.fail_level)
    };
    let remaining = FileReport {
        file: SourceFile::new(file.path, file.display, outcome.text),
        findings: outcome.remaining,
    };
    (failing, remaining)
}

/// Where `--fix` may write: under the working directory and the directories being checked (for a file
/// named on the command line, its directory), as canonical paths.
fn writable_roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    let dirs = paths.iter().map(|p| match p.parent() {
        _ if p.is_dir() => p.as_path(),
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    });
    std::iter::once(Path::new("."))
        .chain(dirs)
        .filter_map(|dir| dir.canonicalize().ok())
        .collect()
}

/// Why a file must not be written: it is (or a symlink leads) outside those roots, such as a Dockerfile
/// that a compose file builds from elsewhere.
fn outside(path: &Path, roots: &[PathBuf]) -> Option<String> {
    let target = path.canonicalize().ok()?;
    if roots.iter().any(|root| target.starts_with(root)) {
        return None;
    }
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    Some(if link {
        format!(
            "it is a symlink to `{}`, outside the working directory and the paths checked",
            target.display()
        )
    } else {
        "it is outside the working directory and the paths checked".to_string()
    })
}

fn findings(n: usize) -> String {
    if n == 1 {
        "1 finding".into()
    } else {
        format!("{n} findings")
    }
}
