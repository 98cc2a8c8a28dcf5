//! A whole run: discovery, the Dockerfiles, the compose files with the Dockerfiles they build, and one
//! report per file.
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::cb000;
use super::dockerfiles::Dockerfiles;
use super::files::{compose_sets, is_compose_text};
use super::interpolate::Env;
use super::merge::merge_services;
use super::model::services;
use super::service::{check_service, Run, SetFindings};
use super::suppress::apply_compose_suppressions;
use super::yaml::{parse_yaml, YamlError};
use crate::discover::{discover_all, is_dockerfile_name};
use crate::lint::FileReport;
use crate::settings::Settings;
use crate::source::{display_path, SourceFile};

/// Everything a run found.
#[derive(Debug)]
pub struct ProjectReport {
    /// One report per file checked (Dockerfiles and compose files), sorted by display path.
    pub reports: Vec<FileReport>,
    /// Paths that could not be walked or read, as `path: reason`.
    pub errors: Vec<String>,
    /// Files the walk left out on purpose (a symlink out of the tree), as `path: reason`.
    pub skipped: Vec<String>,
}

/// Lints the Dockerfiles and compose files under `paths`, with `${VAR}` taken from the process
/// environment. Paths are shown relative to `cwd`.
pub fn lint_project(paths: &[PathBuf], cwd: &Path, settings: &Settings) -> ProjectReport {
    lint_project_with_env(paths, cwd, settings, &|name| std::env::var(name).ok())
}

/// [`lint_project`] with the variables that compose interpolation sees given by `env`.
pub fn lint_project_with_env(
    paths: &[PathBuf],
    cwd: &Path,
    settings: &Settings,
    env: Env<'_>,
) -> ProjectReport {
    let found = discover_all(paths);
    let mut run = Run {
        cwd,
        settings,
        env,
        dockerfiles: Dockerfiles::default(),
        errors: found
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.path.display(), e.message))
            .collect(),
    };
    let mut compose = found.compose_files;
    let mut dockerfiles = Vec::with_capacity(found.dockerfiles.len());
    for path in &found.dockerfiles {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        // An explicit file of another name is a compose file when its content says so.
        if !is_dockerfile_name(&name) {
            let bytes = crate::source::read_file(path).unwrap_or_default();
            let text = String::from_utf8(bytes).unwrap_or_default();
            if is_compose_text(path, &text) {
                compose.push(path.clone());
                continue;
            }
        }
        dockerfiles.push((path.clone(), display_path(path, cwd)));
    }
    // Linting is per file and CPU-bound: spread it over the cores; compose sets reuse the results.
    for (display, e) in run.dockerfiles.load_all(dockerfiles, settings) {
        run.errors.push(format!("{display}: cannot read: {e}"));
    }
    let mut reports = Vec::new();
    for set in compose_sets(&compose) {
        reports.extend(lint_set(&mut run, &set, None));
    }
    let errors = std::mem::take(&mut run.errors);
    reports.extend(run.dockerfiles.into_reports());
    reports.sort_by(|a, b| a.file.display.cmp(&b.file.display));
    let skipped = found
        .skipped
        .iter()
        .map(|e| format!("{}: {}", display_path(&e.path, cwd), e.message))
        .collect();
    ProjectReport {
        reports,
        errors,
        skipped,
    }
}

/// Lints one compose file's text as if it were at `file.path` (with its `.override` twin or base read
/// from disk), for a fixer that re-lints text it has not written yet. Dockerfile findings are not in it.
pub fn lint_compose_text(file: SourceFile, cwd: &Path, settings: &Settings) -> FileReport {
    let mut run = Run {
        cwd,
        settings,
        env: &|name| std::env::var(name).ok(),
        dockerfiles: Dockerfiles::default(),
        errors: Vec::new(),
    };
    let path = file.path.clone();
    let set = compose_sets(std::slice::from_ref(&path)).remove(0);
    let report = lint_set(&mut run, &set, Some(&file))
        .into_iter()
        .find(|r| r.file.path == path);
    report.unwrap_or(FileReport {
        file,
        findings: Vec::new(),
    })
}

/// Lints a set of compose files read together: a report for each file that is not valid YAML or has
/// `services`. Services are checked only when every file of the set parses, since the merge is
/// unknown otherwise.
fn lint_set(run: &mut Run<'_>, paths: &[PathBuf], given: Option<&SourceFile>) -> Vec<FileReport> {
    let mut reports = Vec::new();
    let (mut files, mut roots) = (Vec::new(), Vec::new());
    for path in paths {
        let display = display_path(path, run.cwd);
        let read = match given.filter(|g| &g.path == path) {
            Some(file) => Ok(Ok(file.clone())),
            None => read(path, display),
        };
        let file = match read {
            Ok(Ok(file)) => file,
            Ok(Err(report)) => {
                reports.push(report);
                continue;
            }
            Err(e) => {
                run.errors
                    .push(format!("{}: cannot read: {e}", display_path(path, run.cwd)));
                continue;
            }
        };
        match parse_yaml(&file) {
            Err(error) => reports.push(FileReport {
                file,
                findings: vec![cb000::invalid_yaml(&error)],
            }),
            Ok(root) if services(&root).is_some() => {
                files.push(file);
                roots.push(root);
            }
            Ok(_) => {}
        }
    }
    let per_file: Vec<_> = roots.iter().filter_map(|r| services(r)).collect();
    let mut set = SetFindings {
        files: &files,
        findings: vec![Vec::new(); files.len()],
        inlined: HashSet::new(),
    };
    if reports.is_empty() {
        for merged in merge_services(&per_file) {
            check_service(run, &mut set, &merged);
        }
    }
    // Suppressions are judged only when the services were checked.
    let checked = reports.is_empty();
    let findings = set.findings;
    for ((file, root), mut findings) in files.iter().cloned().zip(&roots).zip(findings) {
        if checked {
            let enabled = |code: &str| run.settings.reports(code, &file.path);
            findings = apply_compose_suppressions(&file, root, findings, &enabled);
        }
        findings.sort_by(|a, b| (a.span.start, a.code).cmp(&(b.span.start, b.code)));
        reports.push(FileReport { file, findings });
    }
    reports
}

/// The compose file as text, or a report with CB000 when it is not UTF-8.
fn read(path: &Path, display: String) -> std::io::Result<Result<SourceFile, FileReport>> {
    let bytes = crate::source::read_file(path)?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(path.to_path_buf(), display, text)),
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let file = SourceFile::new(path.to_path_buf(), display, text);
            let message = match crate::lint::utf16(error.as_bytes()) {
                Some(order) => format!(
                    "it is UTF-16 text ({order} byte order mark), which cachebust does not read; \
                     save it as UTF-8"
                ),
                None => format!("it is not UTF-8 text (invalid byte at offset {at})"),
            };
            let error = YamlError {
                span: at..at,
                message,
            };
            Err(FileReport {
                findings: vec![cb000::invalid_yaml(&error)],
                file,
            })
        }
    })
}
