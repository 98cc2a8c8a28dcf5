//! `--fix` and `--diff` over a run's files: Dockerfiles first (their fixes add the cache-bust args that
//! compose files must then pass), compose files after; and standard input.
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::checks::check_dockerfile;
use crate::compose::{lint_compose_text, lint_project_each, Pending, Problems};
use crate::discover::is_compose_name;
use crate::finding::{Applicability, Finding};
use crate::fix::{fix_file, fix_report, fix_report_after, fix_with, FileFix, FixMode};
use crate::lint::FileReport;
use crate::report::render_diff;
use crate::settings::Settings;
use crate::source::{FileId, SourceFile};

use crate::console;

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
    /// Whether a file is no longer what was linted: this run wrote it, or another process changed it
    /// between the lint and the fix (a second `--fix` run). The reports must then be made again.
    pub stale: bool,
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

/// `--fix`: fixes and writes every file with a wanted fix, then every compose file (a Dockerfile's
/// fix can give it one, once written). Prints the `Fixed …` lines.
pub fn fix_reports(
    reports: &[FileReport],
    paths: &[PathBuf],
    settings: &Settings,
    run: FixRun,
    quiet: bool,
) -> Fixed {
    let mut outcome = Fixed::default();
    let mut fixes: Vec<FileFix> = Vec::new();
    let dockerfiles = reports
        .iter()
        .filter(|r| !is_compose(r) && r.findings.iter().any(|f| run.wants(f)));
    let compose = reports.iter().filter(|r| is_compose(r));
    let roots = writable_roots(paths);
    for report in dockerfiles.chain(compose) {
        let display = report.file.display.clone();
        if let Some(why) = outside(&report.file.path, &roots) {
            outcome.errors.push(format!("{display}: not fixed: {why}"));
            continue;
        }
        let path = &report.file.path;
        match fix_file(
            path,
            display.clone(),
            settings,
            FixMode::Write,
            run.unsafe_fixes,
            // A compose file is linted again: the Dockerfiles fixed before it change its findings.
            (!is_compose(report)).then_some(report),
        ) {
            Ok(fix) => {
                outcome.stale |= fix.before != report.file.text;
                if let Some(error) = &fix.error {
                    outcome.errors.push(format!("{display}: {error}"));
                }
                fixes.push(fix);
            }
            Err(e) => outcome.errors.push(format!("{display}: cannot read: {e}")),
        }
    }
    outcome.stale |= fixes.iter().any(|f| f.changed() && f.error.is_none());
    for fix in &fixes {
        if let Some(why) = &fix.refused {
            console::errln(&format!("warning: {why}"));
        }
        if fix.changed() && fix.error.is_none() && !quiet {
            let (n, display) = (findings(fix.fixed.len()), &fix.after.file.display);
            console::errln(&format!("Fixed {n} in {display}"));
        }
    }
    outcome
}

/// `--diff` over a run, streamed like `check`: each Dockerfile's diff is computed by the worker that
/// linted it, from the findings it has (nothing is read or linted twice), and printed in order. Compose
/// files come last, as with `--fix`, fixed against the Dockerfiles' fixed texts so that the follow-up
/// fixes (passing an arg a Dockerfile fix declared) show too. Returns what the run reports besides, and
/// whether any file would change.
pub fn diff_project(
    paths: &[PathBuf],
    cwd: &Path,
    settings: &Settings,
    run: FixRun,
    color: bool,
    quiet: bool,
) -> (Problems, bool) {
    let show = |fix: FileFix| -> Shown {
        let mut notes: Vec<String> = fix
            .refused
            .iter()
            .map(|why| format!("warning: {why}"))
            .collect();
        if !fix.changed() {
            return Shown::Done(String::new(), notes, None);
        }
        let display = &fix.after.file.display;
        if !quiet {
            notes.push(format!(
                "Would fix {} in {display}",
                findings(fix.fixed.len())
            ));
        }
        let diff = render_diff(display, &fix.before, &fix.after.file.text, color);
        let id = FileId::of(&fix.after.file.path).ok();
        let pending = id.map(|id| (id, fix.after.file.text));
        Shown::Done(diff, notes, pending)
    };
    let work = |report: FileReport| -> Shown {
        if is_compose(&report) {
            return Shown::Compose(report);
        }
        if !report.findings.iter().any(|f| run.wants(f)) {
            return Shown::Done(String::new(), Vec::new(), None);
        }
        show(fix_report(&report, settings, run.unsafe_fixes))
    };
    let mut changed = false;
    let mut pending = Pending::new();
    let mut compose = Vec::new();
    let mut print = |shown: Shown, pending: &mut Pending, compose: &mut Vec<FileReport>| match shown
    {
        Shown::Compose(report) => compose.push(report),
        Shown::Done(diff, notes, fixed) => {
            changed |= !diff.is_empty();
            console::out(&diff);
            for note in notes {
                console::errln(&note);
            }
            pending.extend(fixed);
        }
    };
    let env = |name: &str| std::env::var(name).ok();
    let problems = lint_project_each(paths, cwd, settings, &env, work, |shown| {
        print(shown, &mut pending, &mut compose)
    });
    let pending = Arc::new(pending);
    for report in compose {
        let shown = if pending.is_empty() {
            if !report.findings.iter().any(|f| run.wants(f)) {
                continue;
            }
            show(fix_report(&report, settings, run.unsafe_fixes))
        } else {
            show(fix_report_after(
                &report,
                settings,
                run.unsafe_fixes,
                pending.clone(),
            ))
        };
        print(shown, &mut Pending::new(), &mut Vec::new());
    }
    console::flush();
    (problems, changed)
}

/// How many findings `--fix` would fix in these reports (the run's Dockerfiles with a wanted fix and its
/// compose files), follow-up fixes included: computed in memory, as `--diff` does, so that the summary
/// of a plain `check` can say what `--fix` will do.
pub fn count_fixes(reports: &[FileReport], settings: &Settings, unsafe_fixes: bool) -> usize {
    let run = FixRun {
        diff: true,
        unsafe_fixes,
    };
    let mut pending = Pending::new();
    let mut total = 0;
    for report in reports
        .iter()
        .filter(|r| !is_compose(r) && r.findings.iter().any(|f| run.wants(f)))
    {
        let fix = fix_report(report, settings, unsafe_fixes);
        total += fix.fixed.len();
        if fix.changed() {
            if let Ok(id) = FileId::of(&fix.after.file.path) {
                pending.insert(id, fix.after.file.text);
            }
        }
    }
    let pending = Arc::new(pending);
    for report in reports.iter().filter(|r| is_compose(r)) {
        let fix = if pending.is_empty() {
            if !report.findings.iter().any(|f| run.wants(f)) {
                continue;
            }
            fix_report(report, settings, unsafe_fixes)
        } else {
            fix_report_after(report, settings, unsafe_fixes, pending.clone())
        };
        total += fix.fixed.len();
    }
    total
}

/// Whether `count_fixes` needs this report: a compose file, or a file with a fix `--fix` would apply.
pub fn counts_for_fixes(report: &FileReport, unsafe_fixes: bool) -> bool {
    let run = FixRun {
        diff: true,
        unsafe_fixes,
    };
    is_compose(report) || report.findings.iter().any(|f| run.wants(f))
}

/// One file's part of a `--diff` run.
enum Shown {
    /// Its diff, its notes for stderr and its fixed text (when it changed).
    Done(String, Vec<String>, Option<(FileId, String)>),
    /// A compose file, fixed once every Dockerfile is.
    Compose(FileReport),
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
        console::errln(&format!("warning: {why}"));
    }
    let changed = outcome.text != file.text;
    if run.diff {
        console::out(&render_diff(
            &file.display,
            &file.text,
            &outcome.text,
            color,
        ));
    } else {
        // The user's own file, fixed: byte for byte, never masked.
        console::out_verbatim(&outcome.text);
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
