//! `cachebust pin|update|unpin [PATH…]` over files: read, plan, resolve with the resolver `bust`
//! uses (one timeout, credentials from the environment, never printed), write atomically.
use std::path::PathBuf;
use std::time::Duration;

use super::{context, plan_pins, tracked_pins, unpin_text, Unresolved, DEFAULT_REF};
use crate::bust::redact::{redact_text, redact_url};
use crate::bust::resolve::ls_remote;
use crate::bust::target::{plan, Plan};
use crate::checks::Analysis;
use crate::detect::refs::classify;
use crate::detect::RemoteSource;
use crate::discover::discover;
use crate::finding::Edit;
use crate::fix::{apply_edits, write_atomically};
use crate::model::build_dockerfile;
use crate::parse::dockerfile::parse_dockerfile;
use crate::report::render_diff;
use crate::settings::Settings;
use crate::source::{display_path, SourceFile};

/// What to do to the pins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Pin,
    Update,
    Unpin,
}

/// How a run writes.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub action: Action,
    /// Write nothing; print what is behind (update) and exit 1 when anything would change.
    pub check: bool,
    /// Write nothing; print the diff.
    pub diff: bool,
    /// Exit 1 when a remote cannot be pinned.
    pub strict: bool,
    pub timeout: Duration,
    /// Print the Renovate config that keeps the tracked pins fresh (after the action).
    pub renovate: bool,
}

/// Runs the action over `paths`; exit 0, 1 (`--check` with pins behind, `--strict` with remotes left
/// unpinned) or 2 (a file or a remote could not be read: nothing is written then).
pub fn run(paths: &[PathBuf], options: &Options) -> u8 {
    let settings = Settings::default();
    let cwd = std::env::current_dir().unwrap_or_default();
    let (files, walk_errors) = discover(paths);
    let mut failed = !walk_errors.is_empty();
    for e in &walk_errors {
        eprintln!("error: {}: {}", e.path.display(), e.message);
    }
    let mut writes = Vec::new();
    let mut results = Vec::new();
    let mut behind = false;
    let mut skipped = false;
    for path in files {
        let display = display_path(&path, &cwd);
        let Ok(text) = crate::source::read_file(&path).map(String::from_utf8) else {
            eprintln!("error: {display}: cannot read");
            failed = true;
            continue;
        };
        let Ok(text) = text else {
            eprintln!("error: {display}: not UTF-8, left alone");
            failed = true;
            continue;
        };
        let file = SourceFile::new(path.clone(), display.clone(), text);
        let Ok(ast) = parse_dockerfile(&file) else {
            eprintln!("error: {display}: does not parse (`cachebust check` shows why)");
            failed = true;
            continue;
        };
        let analysis = Analysis::new(&file, build_dockerfile(&file, &ast), &settings);
        let mut others = Vec::new();
        let result = match options.action {
            Action::Pin => pin_file(&analysis, options, &mut skipped, &mut others),
            Action::Update => update_file(&analysis, options, &mut behind, &mut others),
            Action::Unpin => unpin_file(&analysis, &mut others),
        };
        for (other, new) in others {
            if !writes
                .iter()
                .any(|(f, _): &(SourceFile, String)| f.path == other.path)
            {
                writes.push((other, new));
            }
        }
        match result {
            Ok(new) => {
                if options.renovate {
                    results.push((file.clone(), new.clone()));
                }
                if new != file.text {
                    writes.push((file.clone(), new));
                }
            }
            Err(e) => {
                eprintln!("error: {}", redact_text(&e, &[]));
                failed = true;
            }
        }
    }
    if failed {
        eprintln!("cachebust: nothing written");
        return 2;
    }
    for (file, new) in &writes {
        if options.diff {
            print!(
                "{}",
                redact_text(&render_diff(&file.display, &file.text, new, false), &[])
            );
        } else if !options.check {
            if let Err(e) = write_atomically(&file.path, file.text.as_bytes(), new) {
                eprintln!("error: {}: cannot write: {e}", file.display);
                return 2;
            }
        }
    }
    if options.renovate {
        print_renovate(&results, &settings);
    }
    let changed = !writes.is_empty() && (options.check || options.diff);
    u8::from((options.check && changed) || behind || (options.strict && skipped))
}

/// The current commit of `source`'s ref (`tracked` in its place, when given).
fn resolve(
    source: &RemoteSource,
    tracked: Option<&str>,
    timeout: Duration,
) -> Result<String, String> {
    let mut source = source.clone();
    if let Some(tracked) = tracked {
        source.kind = classify(tracked);
        source.reference = (tracked != DEFAULT_REF).then(|| tracked.to_string());
        if source.reference.is_none() {
            source.kind = crate::detect::refs::RefKind::Default;
        }
    }
    let env = |name: &str| std::env::var(name).ok();
    let shown = redact_url(&source.url);
    let planned = plan(&source, &env)
        .map_err(|missing| format!("{shown}: needs {} from the environment", missing.join(", ")))?;
    match planned.plan {
        Plan::Ask(target) => ls_remote(&target, timeout)
            .map(|r| r.commit)
            .map_err(|why| redact_text(&format!("{shown}: {why}"), &planned.secrets)),
        Plan::Pinned(sha) => Ok(sha),
        Plan::Cannot(why) => Err(format!("{shown}: {why}")),
    }
}

fn pin_file(
    analysis: &Analysis<'_>,
    options: &Options,
    skipped: &mut bool,
    others: &mut Vec<(SourceFile, String)>,
) -> Result<String, String> {
    let file = analysis.file;
    let resolver = |source: &RemoteSource| {
        resolve(source, None, options.timeout).map_err(|e| {
            let line = file.position(source.command.start).line;
            format!("{}:{line}: cannot resolve {e}", file.display)
        })
    };
    // A remote git cannot name (`@latest`, a Go module) is listed, not an error.
    let mut pinning = plan_pins(analysis, &mut |s| match resolver(s) {
        Ok(sha) => Ok(sha),
        Err(e) if cannot_plan(s) => Err(Unresolved::Cannot(e)),
        Err(e) => Err(Unresolved::Failed(e)),
    })?;
    pin_context_files(analysis, options, &mut pinning, others)?;
    for (source, tracked, sha) in &pinning.pinned {
        let line = file.position(source.command.start).line;
        eprintln!(
            "{}:{line}: pinned {}{} {tracked} -> {}",
            file.display,
            redact_url(&source.url),
            via_place(source),
            &sha[..12]
        );
    }
    for (source, why) in &pinning.skipped {
        *skipped = true;
        let line = file.position(source.command.start).line;
        eprintln!(
            "{}:{line}: not pinned {}{}: {why}",
            file.display,
            redact_url(&source.url),
            via_place(source)
        );
    }
    Ok(apply_edits(&file.text, &pinning.edits))
}

/// ` (requirements.txt:2)` for a source named in a build-context file, else nothing.
fn via_place(source: &RemoteSource) -> String {
    source
        .via
        .as_ref()
        .map_or(String::new(), |v| format!(" (in {}:{})", v.file, v.line))
}

/// Pins the sources that come from build-context files (`requirements.txt`) in those files: each
/// line once, however many layers install it.
fn pin_context_files(
    analysis: &Analysis<'_>,
    options: &Options,
    pinning: &mut super::Pinning,
    others: &mut Vec<(SourceFile, String)>,
) -> Result<(), String> {
    let files = context::context_files(analysis);
    let mut edits: std::collections::BTreeMap<PathBuf, Vec<Edit>> = Default::default();
    let mut done: Vec<(PathBuf, usize, String)> = Vec::new();
    let mut left = Vec::new();
    for (source, why) in std::mem::take(&mut pinning.skipped) {
        let Some(via) = source.via.clone() else {
            left.push((source, why));
            continue;
        };
        let Some(dir) = analysis.file.path.parent() else {
            left.push((source, why));
            continue;
        };
        let path = dir.join(&via.file);
        let key = (path.clone(), via.line, source.url.clone());
        if done.contains(&key) {
            continue;
        }
        let Some(file) = files.get(&path) else {
            left.push((source, format!("`{}` cannot be read", via.file)));
            continue;
        };
        if let Err(why) = context::pin_in_file(file, &source, super::NO_COMMIT) {
            left.push((source, why));
            continue;
        }
        let sha = match resolve(&source, None, options.timeout) {
            Ok(sha) => sha,
            Err(e) if cannot_plan(&source) => {
                left.push((source, e));
                continue;
            }
            Err(e) => {
                return Err(format!("{}:{}: cannot resolve {e}", via.file, via.line));
            }
        };
        let (new, tracked) = context::pin_in_file(file, &source, &sha)?;
        edits.entry(path).or_default().extend(new);
        done.push(key);
        pinning.pinned.push((source, tracked, sha));
    }
    pinning.skipped = left;
    for (path, edits) in edits {
        let text = &files[&path].text;
        others.push(rewritten(path, text, apply_edits(text, &edits)));
    }
    Ok(())
}

/// Whether git cannot name this source's state at all (so `pin` lists it instead of failing).
fn cannot_plan(source: &RemoteSource) -> bool {
    matches!(
        plan(source, &|_| None),
        Ok(crate::bust::target::Planned {
            plan: Plan::Cannot(_),
            ..
        })
    )
}

fn update_file(
    analysis: &Analysis<'_>,
    options: &Options,
    behind: &mut bool,
    others: &mut Vec<(SourceFile, String)>,
) -> Result<String, String> {
    let file = analysis.file;
    let (pins, problems) = tracked_pins(analysis);
    if let Some(problem) = problems.first() {
        return Err(problem.clone());
    }
    let mut edits = Vec::new();
    for pin in &pins {
        let shown = &file.display;
        edits.extend(moved(
            shown,
            &file.text,
            pin.sha.clone(),
            &pin.source,
            &pin.tracked,
            options,
            behind,
        )?);
    }
    let files = context::context_files(analysis);
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut in_files: std::collections::BTreeMap<PathBuf, Vec<Edit>> = Default::default();
    for pin in context::context_pins(analysis, &files) {
        let shown = display_path(&pin.path, &cwd);
        let text = &files[&pin.path].text;
        if let Some(edit) = moved(
            &shown,
            text,
            pin.sha,
            &pin.source,
            &pin.tracked,
            options,
            behind,
        )? {
            in_files.entry(pin.path).or_default().push(edit);
        }
    }
    for (path, edits) in in_files {
        let text = &files[&path].text;
        others.push(rewritten(path, text, apply_edits(text, &edits)));
    }
    Ok(apply_edits(&file.text, &edits))
}

fn unpin_file(
    analysis: &Analysis<'_>,
    others: &mut Vec<(SourceFile, String)>,
) -> Result<String, String> {
    let (pins, problems) = tracked_pins(analysis);
    if let Some(problem) = problems.first() {
        return Err(problem.clone());
    }
    let files = context::context_files(analysis);
    let in_files = context::context_pins(analysis, &files);
    for (path, file) in &files {
        let mine: Vec<_> = in_files.iter().filter(|p| &p.path == path).collect();
        if !mine.is_empty() {
            let new = context::unpin_file_text(&file.text, &mine);
            others.push(rewritten(path.clone(), &file.text, new));
        }
    }
    Ok(unpin_text(&analysis.file.text, &pins))
}

/// Prints the Renovate config for the tracked pins of each file's text as the action left it; a pin
/// Renovate cannot follow is named on stderr.
fn print_renovate(results: &[(SourceFile, String)], settings: &Settings) {
    let mut files = Vec::new();
    for (file, text) in results {
        let file = SourceFile::new(file.path.clone(), file.display.clone(), text.clone());
        let Ok(ast) = parse_dockerfile(&file) else {
            continue;
        };
        let analysis = Analysis::new(&file, build_dockerfile(&file, &ast), settings);
        let (pins, _) = tracked_pins(&analysis);
        files.push((file.display.clone(), text.clone(), pins));
    }
    let (config, skipped) = super::renovate::config(&files);
    for why in skipped {
        eprintln!("not followed by Renovate: {}", redact_text(&why, &[]));
    }
    let json = serde_json::to_string_pretty(&config).unwrap_or_default();
    println!("{}", redact_text(&json, &[]));
}

/// The edit that moves the pin at `sha` (in `text`, the file shown as `shown`) to its tracked ref's
/// current commit, printing the move; `None` when it is current.
fn moved(
    shown: &str,
    text: &str,
    sha: std::ops::Range<usize>,
    source: &RemoteSource,
    tracked: &str,
    options: &Options,
    behind: &mut bool,
) -> Result<Option<Edit>, String> {
    let line = text[..sha.start].matches('\n').count() + 1;
    let new = resolve(source, Some(tracked), options.timeout)
        .map_err(|e| format!("{shown}:{line}: cannot resolve {e}"))?;
    let old = &text[sha.clone()];
    if new == old {
        return Ok(None);
    }
    eprintln!(
        "{shown}:{line}: {} {tracked}: {} -> {}",
        redact_url(&source.url),
        &old[..12],
        &new[..12]
    );
    *behind |= options.check;
    Ok(Some(Edit {
        range: sha,
        content: new,
    }))
}

/// A build-context file with its new text, as the run writes it (shown relative to the working
/// directory).
fn rewritten(path: PathBuf, old: &str, new: String) -> (SourceFile, String) {
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = display_path(&path, &cwd);
    (SourceFile::new(path, shown, old.to_string()), new)
}
