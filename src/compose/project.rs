//! A whole run: discovery, the Dockerfiles, the compose files with the Dockerfiles they build, and one
//! report per file.
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cb000;
use super::dockerfiles::{Dockerfiles, Pending};
use super::files::{compose_sets, is_compose_text};
use super::interpolate::Env;
use super::merge::merge_services;
use super::model::services;
use super::service::{check_service, ReadFile, Run, SetFindings};
use super::suppress::apply_compose_suppressions;
use super::yaml::{parse_yaml, YamlError};
use crate::discover::{discover_all, is_dockerfile_name};
use crate::lint::{lint_bytes, FileReport};
use crate::settings::Settings;
use crate::source::{display_path, FileId, SourceFile};

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

/// What a run reports besides the files' reports.
#[derive(Debug, Default)]
pub struct Problems {
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
    let mut reports = Vec::new();
    let problems = lint_project_each(paths, cwd, settings, env, |r| r, |r| reports.push(r));
    ProjectReport {
        reports,
        errors: problems.errors,
        skipped: problems.skipped,
    }
}

/// A file of the run, with its display path, in the order of the output.
enum Job {
    /// A Dockerfile found by the walk or named on the command line: read and lint it.
    Lint(PathBuf),
    /// A report the compose files' pass made (a compose file, or a Dockerfile a service builds).
    Ready(usize),
}

/// What a worker made of a job.
enum Done<R> {
    Linted(FileId, R),
    /// A file the compose pass linted already (its report's index), found under this display path.
    Known(usize, String),
    Ready(usize),
    Failed(String),
}

/// Lints the run's files and hands each report, through `work` (run on any core), to `sink` in the order
/// of their display paths, as soon as it and those before it are done: a run holds a window of reports in
/// memory, not all of them. Compose files go first (they are few, and their services need the models of
/// the Dockerfiles they build); the other Dockerfiles are linted on all cores. A file reached by two
/// paths (a symlink) is reported once, under the path that sorts first.
pub fn lint_project_each<R: Send>(
    paths: &[PathBuf],
    cwd: &Path,
    settings: &Settings,
    env: Env<'_>,
    work: impl Fn(FileReport) -> R + Sync,
    mut sink: impl FnMut(R),
) -> Problems {
    let found = discover_all(paths);
    let walk_errors: Vec<String> = found
        .errors
        .iter()
        .map(|e| format!("{}: {}", e.path.display(), e.message))
        .collect();
    let mut compose = found.compose_files;
    let mut jobs = Vec::with_capacity(found.dockerfiles.len());
    for path in found.dockerfiles {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        // An explicit file of another name is a compose file when its content says so.
        if !is_dockerfile_name(&name) {
            let bytes = crate::source::read_file(&path).unwrap_or_default();
            let text = String::from_utf8(bytes).unwrap_or_default();
            if is_compose_text(&path, &text) {
                compose.push(path);
                continue;
            }
        }
        jobs.push((display_path(&path, cwd), Job::Lint(path)));
    }
    // The compose sets, on all cores too: each with its own Dockerfiles, merged after (a Dockerfile
    // that sets in two directories build is linted by each, and reported once).
    let mut ready = Vec::new();
    let mut built = Vec::new();
    let lint_one_set = |set: &Vec<PathBuf>| {
        let mut run = Run {
            cwd,
            settings,
            env,
            read: &crate::source::read_file,
            dockerfiles: Dockerfiles::default(),
            errors: Vec::new(),
        };
        let mut reports = lint_set(&mut run, set, None);
        for report in &mut reports {
            report.findings =
                settings.filter(&report.file.path, std::mem::take(&mut report.findings));
        }
        (reports, run.dockerfiles, run.errors)
    };
    let mut errors = walk_errors;
    crate::parallel::map_in_order(
        &compose_sets(&compose),
        lint_one_set,
        |(reports, dockerfiles, e)| {
            ready.extend(reports.into_iter().map(|r| (None, r)));
            built.push(dockerfiles);
            errors.extend(e);
        },
    );
    // The build drivers (scripts, Makefiles): their own reports, and the Dockerfiles they build.
    let mut driven = Dockerfiles::default();
    for path in &found.drivers {
        match crate::drivers::lint_driver(path, cwd, settings, &mut driven) {
            Ok(Some(report)) => ready.push((None, report)),
            Ok(None) => {}
            Err(e) => errors.push(format!("{}: cannot read: {e}", display_path(path, cwd))),
        }
    }
    built.push(driven);
    let mut ids: HashMap<FileId, usize> = HashMap::new();
    for (id, report) in built.into_iter().flat_map(Dockerfiles::into_reports) {
        if let std::collections::hash_map::Entry::Vacant(entry) = ids.entry(id.clone()) {
            entry.insert(ready.len());
            ready.push((Some(id), report));
        }
    }
    jobs.extend(
        ready
            .iter()
            .enumerate()
            .map(|(i, (_, r))| (r.file.display.clone(), Job::Ready(i))),
    );
    // Stable: a Dockerfile found by the walk comes before the same path built by compose.
    jobs.sort_by(|a, b| a.0.cmp(&b.0));
    let lint_one = |(display, job): &(String, Job)| match job {
        Job::Ready(i) => Done::Ready(*i),
        Job::Lint(path) => match crate::source::read_file_with_id(path) {
            Err(e) => Done::Failed(format!("{display}: cannot read: {e}")),
            Ok((_, id)) if let Some(&i) = ids.get(&id) => Done::Known(i, display.clone()),
            Ok((bytes, id)) => {
                let report = lint_bytes(path, display.clone(), bytes, settings);
                Done::Linted(id, work(report))
            }
        },
    };
    let mut ready: Vec<Option<(Option<FileId>, FileReport)>> =
        ready.into_iter().map(Some).collect();
    let mut seen: HashSet<FileId> = HashSet::new();
    crate::parallel::map_in_order(&jobs, lint_one, |done| match done {
        Done::Linted(id, result) => {
            if seen.insert(id) {
                sink(result);
            }
        }
        Done::Known(i, display) => {
            if let Some((id, mut report)) = ready[i].take() {
                seen.extend(id);
                report.file.display = display;
                sink(work(report));
            }
        }
        Done::Ready(i) => {
            if let Some((id, report)) = ready[i].take() {
                if id.is_none_or(|id| seen.insert(id)) {
                    sink(work(report));
                }
            }
        }
        Done::Failed(error) => errors.push(error),
    });
    let skipped = found
        .skipped
        .iter()
        .map(|e| format!("{}: {}", display_path(&e.path, cwd), e.message))
        .collect();
    Problems { errors, skipped }
}

/// Lints one compose file's text as if it were at `file.path` (with its `.override` twin or base read
/// from disk), for a fixer that re-lints text it has not written yet. Dockerfile findings are not in it.
pub fn lint_compose_text(file: SourceFile, cwd: &Path, settings: &Settings) -> FileReport {
    lint_compose_over(file, cwd, settings, Arc::default())
}

/// [`lint_compose_text`] with the Dockerfiles in `pending` read as their fixed, unwritten texts.
pub fn lint_compose_over(
    file: SourceFile,
    cwd: &Path,
    settings: &Settings,
    pending: Arc<Pending>,
) -> FileReport {
    let env = |name: &str| std::env::var(name).ok();
    let mut run = Run {
        cwd,
        settings,
        env: &env,
        read: &crate::source::read_file,
        dockerfiles: Dockerfiles::over(pending),
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

/// What linting one compose set gave: a report for each of its compose files, then one for each
/// Dockerfile its services build, with the settings' selection applied; and the files it could not read.
#[derive(Debug)]
pub struct SetReport {
    pub compose: Vec<FileReport>,
    pub dockerfiles: Vec<FileReport>,
    pub errors: Vec<String>,
}

/// Lints the compose set that `path` belongs to (a default file with its `.override` twin) with every
/// file read through `read`: the language server passes its unsaved buffers over the disk, so a
/// Dockerfile and the compose file that builds it are judged as they are in the editor.
pub fn lint_compose_set(
    path: &Path,
    cwd: &Path,
    settings: &Settings,
    env: Env<'_>,
    read: ReadFile<'_>,
) -> SetReport {
    let mut run = Run {
        cwd,
        settings,
        env,
        read,
        dockerfiles: Dockerfiles::default(),
        errors: Vec::new(),
    };
    let set = compose_sets(&[path.to_path_buf()]).remove(0);
    let filter = |mut report: FileReport| {
        report.findings = settings.filter(&report.file.path, std::mem::take(&mut report.findings));
        report
    };
    let compose = lint_set(&mut run, &set, None)
        .into_iter()
        .map(filter)
        .collect();
    let dockerfiles = std::mem::take(&mut run.dockerfiles)
        .into_reports()
        .map(|(_, r)| r)
        .collect();
    SetReport {
        compose,
        dockerfiles,
        errors: run.errors,
    }
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
            None => read(run.read, path, display),
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
            // A fragment with no services (included elsewhere) was checked: it holds nothing to report.
            Ok(_) => reports.push(FileReport {
                file,
                findings: Vec::new(),
            }),
        }
    }
    let per_file: Vec<_> = roots.iter().filter_map(|r| services(r)).collect();
    let merged_services = merge_services(&per_file);
    let mut set = SetFindings {
        files: &files,
        findings: vec![Vec::new(); files.len()],
        inlined: HashSet::new(),
        services: merged_services.iter().map(|m| m.name.clone()).collect(),
        shared: Vec::new(),
    };
    if reports.is_empty() {
        for merged in merged_services {
            check_service(run, &mut set, &merged);
        }
        super::shared::check(set.files, &set.shared, &mut set.findings);
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
fn read(
    read: ReadFile<'_>,
    path: &Path,
    display: String,
) -> std::io::Result<Result<SourceFile, FileReport>> {
    let bytes = read(path)?;
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
