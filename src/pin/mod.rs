//! `cachebust pin`, `update` and `unpin`: the reproducible cure. A mutable remote of a RUN layer is
//! rewritten to the commit its ref points at now, and the ref it tracks is kept on a comment line above
//! the instruction, `# cachebust: track <ref>` (one line per pin, in the order of the pins in the
//! instruction). A Dockerfile comment line, not a trailing shell comment: Docker and hadolint ignore it,
//! and a `#` after a continued line would swallow the rest of the RUN.
//!
//! Pinned spellings: a clone gets `&& git -C DIR checkout <sha>` appended, or, when it is shallow
//! (`--depth`), `&& git -C DIR fetch --depth 1 origin <sha> && git -C DIR checkout FETCH_HEAD`, which
//! every git has (`clone --revision` needs git 2.49, newer than the git of Debian bookworm or Ubuntu
//! 24.04); a URL's ref (`@main`, `#main`, `/archive/refs/heads/main`, `/o/r/main/x`) is replaced by the
//! commit, and a URL without one gets `@<sha>` (pip) or `#<sha>` (npm); `cargo install --branch B` becomes
//! `--rev <sha>`; a ref held by an `ARG` default is pinned in the default (see [`default`]).
use crate::checks::Analysis;
use crate::detect::RemoteSource;
use crate::finding::Edit;
use crate::fix::apply_edits;

pub mod context;
mod default;
mod edit;
mod renovate;
pub mod run;

pub use edit::{pin_source, unpin_sha};

/// The start of every tracking comment.
pub const TRACK: &str = "# cachebust: track ";

/// A commit-shaped stand-in, to ask whether a source has a pinned spelling before asking its remote.
pub(crate) const NO_COMMIT: &str = "0000000000000000000000000000000000000000";

/// The ref a pin tracks when the source names none: the remote's default branch.
pub const DEFAULT_REF: &str = "HEAD";

/// A pin found in a file: the commit written, the ref it tracks, and the comment that says so.
#[derive(Debug, Clone)]
pub struct TrackedPin {
    pub sha: std::ops::Range<usize>,
    pub tracked: String,
    /// The whole comment line, its newline included.
    pub comment: std::ops::Range<usize>,
    /// The source as the analysis sees it now (pinned to the commit).
    pub source: RemoteSource,
}

/// What `pin` would do to one file.
#[derive(Debug, Default)]
pub struct Pinning {
    pub edits: Vec<Edit>,
    /// Each pinned source with the ref it tracks and the commit it gets.
    pub pinned: Vec<(RemoteSource, String, String)>,
    /// Each source that cannot be pinned, and why.
    pub skipped: Vec<(RemoteSource, String)>,
}

/// Why a source's commit is not known.
#[derive(Debug, Clone)]
pub enum Unresolved {
    /// Git cannot name its state (`@latest`, a Go module): listed, not pinned.
    Cannot(String),
    /// The remote could not be asked: the plan stops.
    Failed(String),
}

/// Plans the pins of every mutable remote of the file's RUN layers. `resolve` names a source's
/// current commit; a [`Unresolved::Failed`] stops the plan (nothing is written when a remote cannot
/// be asked).
pub fn plan_pins(
    analysis: &Analysis<'_>,
    resolve: &mut dyn FnMut(&RemoteSource) -> Result<String, Unresolved>,
) -> Result<Pinning, String> {
    let text = &analysis.file.text;
    let newline = analysis.file.newline();
    let mut out = Pinning::default();
    // Pinned `ARG` defaults: each default once, its comment above its `ARG` in the order of its names.
    let mut defaults: Vec<(default::ArgRef, String)> = Vec::new();
    for layer in &analysis.layers {
        let mut comments = String::new();
        let indent = indent_of(text, layer.span.start);
        for source in analysis.mutable_sources(layer) {
            let arg = match default::arg_ref(analysis, layer, source) {
                Some(Ok(arg)) if defaults.iter().any(|(a, _)| a.value == arg.value) => continue,
                Some(Ok(arg)) => Some(arg),
                Some(Err(why)) => {
                    out.skipped.push((source.clone(), why));
                    continue;
                }
                None => None,
            };
            // A form with no pinned spelling is listed before any remote is asked.
            if arg.is_none() {
                if let Err(why) = pin_source(text, source, NO_COMMIT) {
                    out.skipped.push((source.clone(), why));
                    continue;
                }
            }
            let sha = match resolve(source) {
                Ok(sha) => sha,
                Err(Unresolved::Cannot(why)) => {
                    out.skipped.push((source.clone(), why));
                    continue;
                }
                Err(Unresolved::Failed(e)) => return Err(e),
            };
            let tracked = match arg {
                Some(arg) => {
                    let tracked = text[arg.value.clone()].to_string();
                    out.edits.push(Edit {
                        range: arg.value.clone(),
                        content: sha.clone(),
                    });
                    defaults.push((arg, tracked.clone()));
                    tracked
                }
                None => match pin_source(text, source, &sha) {
                    Ok((edits, tracked)) => {
                        comments.push_str(&format!("{indent}{TRACK}{tracked}{newline}"));
                        out.edits.extend(edits);
                        tracked
                    }
                    Err(why) => {
                        out.skipped.push((source.clone(), why));
                        continue;
                    }
                },
            };
            out.pinned.push((source.clone(), tracked, sha));
        }
        if !comments.is_empty() {
            out.edits.push(Edit::insert(
                comment_block_start(text, layer.span.start),
                comments,
            ));
        }
    }
    defaults.sort_by_key(|(arg, _)| arg.value.start);
    let mut above_args: Vec<Edit> = Vec::new();
    for (arg, tracked) in &defaults {
        let at = comment_block_start(text, arg.instruction.start);
        let line = format!(
            "{}{TRACK}{tracked}{newline}",
            indent_of(text, arg.instruction.start)
        );
        match above_args.last_mut() {
            Some(edit) if edit.range.start == at => edit.content.push_str(&line),
            _ => above_args.push(Edit::insert(at, line)),
        }
    }
    out.edits.extend(above_args);
    Ok(out)
}

/// The tracked pins of the file's RUN layers: the comment lines above each instruction, paired in
/// order with the commits of its pinned sources. A layer whose comments and pins do not pair up is
/// reported by its line.
pub fn tracked_pins(analysis: &Analysis<'_>) -> (Vec<TrackedPin>, Vec<String>) {
    let text = &analysis.file.text;
    let mut pins = Vec::new();
    let mut problems = Vec::new();
    for layer in &analysis.layers {
        let comments = track_comments(text, layer.span.start);
        if comments.is_empty() {
            continue;
        }
        let mut shas = Vec::new();
        let mut from = layer.span.start;
        for source in layer.sources.iter().filter(|s| {
            s.reference
                .as_deref()
                .is_some_and(|r| is_sha(r) && !s.ref_from_variable)
        }) {
            let sha = source.reference.as_deref().unwrap_or_default();
            let Some(at) = text[from..layer.span.end].find(sha) else {
                continue;
            };
            let range = from + at..from + at + sha.len();
            from = range.end;
            shas.push((range, source));
        }
        if shas.len() != comments.len() {
            let line = analysis.file.position(layer.span.start).line;
            problems.push(format!(
                "{}:{line}: {} tracking comment(s) but {} pinned remote(s): fix the comments by hand",
                analysis.file.display,
                comments.len(),
                shas.len()
            ));
            continue;
        }
        for ((comment, tracked), (sha, source)) in comments.into_iter().zip(shas) {
            pins.push(TrackedPin {
                sha,
                tracked,
                comment,
                source: source.clone(),
            });
        }
    }
    for (span, decls) in default::arg_instructions(analysis) {
        let comments = track_comments(text, span.start);
        if comments.is_empty() {
            continue;
        }
        let shas: Vec<_> = decls
            .iter()
            .filter(|d| d.default.as_deref().is_some_and(is_sha))
            .filter_map(|d| Some((default::default_range(text, d)?, &d.name)))
            .collect();
        let line = analysis.file.position(span.start).line;
        if shas.len() != comments.len() {
            problems.push(format!(
                "{}:{line}: {} tracking comment(s) but {} pinned default(s): fix the comments by hand",
                analysis.file.display,
                comments.len(),
                shas.len()
            ));
            continue;
        }
        for ((comment, tracked), (sha, name)) in comments.into_iter().zip(shas) {
            let commit = &text[sha.clone()];
            let reader = analysis
                .layers
                .iter()
                .filter(|l| {
                    l.span.start > span.start && default::reads(&text[l.span.clone()], name)
                })
                .flat_map(|l| &l.sources)
                .find(|s| s.reference.as_deref() == Some(commit));
            let Some(source) = reader else {
                problems.push(format!(
                    "{}:{line}: the pinned default {} is read by no remote: fix the comment by hand",
                    analysis.file.display,
                    &commit[..12]
                ));
                continue;
            };
            pins.push(TrackedPin {
                sha,
                tracked,
                comment,
                source: source.clone(),
            });
        }
    }
    (pins, problems)
}

/// The text with every tracked pin back at the ref it tracks, the comments removed.
pub fn unpin_text(text: &str, pins: &[TrackedPin]) -> String {
    let mut edits = Vec::new();
    for pin in pins {
        edits.push(Edit {
            range: pin.comment.clone(),
            content: String::new(),
        });
        edits.push(unpin_sha(text, pin.sha.clone(), &pin.tracked));
    }
    apply_edits(text, &edits)
}

/// Whether `s` is a full commit id.
pub fn is_sha(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The start of the run of comment lines directly above the instruction at `start` (the instruction's
/// line start when there is none), so that `# hadolint ignore=` and suppressions stay next to it.
fn comment_block_start(text: &str, start: usize) -> usize {
    let floor = directives_end(text);
    let mut at = line_start(text, start);
    while at > floor {
        let prev = line_start(text, at - 1);
        if !text[prev..at].trim_start().starts_with('#') {
            break;
        }
        at = prev;
    }
    at
}

/// The end of the parser directives (`# syntax=…`, `# escape=…`, `# check=…`) that open the file:
/// nothing may be inserted above them, or they stop being directives.
fn directives_end(text: &str) -> usize {
    let mut at = usize::from(text.starts_with('\u{feff}')) * 3;
    while at < text.len() {
        let next = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let line = text[at..next].trim();
        let Some((key, _)) = line.strip_prefix('#').and_then(|l| l.split_once('=')) else {
            break;
        };
        let key = key.trim().to_ascii_lowercase();
        if !matches!(key.as_str(), "syntax" | "escape" | "check") {
            break;
        }
        at = next;
    }
    at
}

/// The tracking comments above the instruction at `start`, in order: each line's range and its ref.
fn track_comments(text: &str, start: usize) -> Vec<(std::ops::Range<usize>, String)> {
    let first = comment_block_start(text, start);
    let end = line_start(text, start);
    let mut found = Vec::new();
    let mut at = first;
    while at < end {
        let next = text[at..end].find('\n').map_or(end, |i| at + i + 1);
        if let Some(tracked) = tracked_ref(&text[at..next]) {
            found.push((at..next, tracked.to_string()));
        }
        at = next;
    }
    found
}

/// The ref a `# cachebust: track REF` line names (one word), if the line is one.
fn tracked_ref(line: &str) -> Option<&str> {
    let tracked = line.trim().strip_prefix(TRACK.trim_end())?.trim();
    (!tracked.is_empty() && !tracked.contains(char::is_whitespace)).then_some(tracked)
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn indent_of(text: &str, at: usize) -> String {
    let start = line_start(text, at);
    text[start..at]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

#[cfg(test)]
mod tests;
