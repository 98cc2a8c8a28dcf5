//! Checkouts that fix what an earlier clone holds (`git checkout <sha>`, `git reset --hard <sha>`,
//! `git switch --detach <sha>`, `git checkout FETCH_HEAD` after `git fetch origin <sha>`), and which
//! clone each concerns: the one whose directory is the checkout's, compared as full normalised paths.
use std::ops::Range;

use super::refs::{classify, RefKind};
use super::RemoteSource;
use crate::context::join;
use crate::model::scope::Scope;
use crate::parse::shell::{SimpleCommand, Word};

/// A `git checkout <ref>` / `git reset --hard <ref>` that fixes what an earlier clone holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    pub command: Range<usize>,
    pub reference: String,
    pub kind: RefKind,
    /// The absolute directory it runs in (`git -C DIR`, or the last `cd DIR` of the RUN), if known.
    pub dir: Option<String>,
    /// Whether the ref comes from a variable (a build arg can be overridden at build time).
    pub from_variable: bool,
}

/// The directory a `git` command works in: `git -C DIR …` (relative to `here`), else `None`.
pub fn git_dir_option(args: &[Word], scope: &Scope, here: &str) -> Option<String> {
    let mut dir = None;
    let mut i = 0;
    while let Some(word) = args.get(i) {
        match word.text.as_str() {
            "-C" => {
                let d = args.get(i + 1)?;
                dir = Some(join(
                    dir.as_deref().unwrap_or(here),
                    &scope.expand(&d.text).text,
                ));
                i += 2;
            }
            "-c" | "--git-dir" | "--work-tree" | "--namespace" => i += 2,
            w if w.starts_with('-') => i += 1,
            _ => break,
        }
    }
    dir
}

/// `git checkout <ref>`, `git reset --hard <ref>`, `git switch --detach <ref>` in `dir` (`None`: the
/// RUN's starting directory). `FETCH_HEAD` is the ref of the last `git fetch`/`git pull` of that
/// directory among `fetched`.
pub fn checkout(
    command: &SimpleCommand,
    args: &[Word],
    scope: &Scope,
    dir: Option<String>,
    fetched: &[RemoteSource],
) -> Option<Checkout> {
    let mut rest = args.iter().map(|w| w.text.as_str()).peekable();
    while let Some(&word) = rest.peek() {
        match word {
            "-C" | "-c" | "--git-dir" | "--work-tree" | "--namespace" => {
                rest.next();
                rest.next();
            }
            w if w.starts_with('-') => {
                rest.next();
            }
            _ => break,
        }
    }
    let sub = rest.next()?;
    let mut operands = Vec::new();
    let mut hard = false;
    while let Some(word) = rest.next() {
        match word {
            // `git checkout <ref> -- <paths>` restores files; HEAD does not move.
            "--" => return None,
            // The new branch's name; the start point is the other operand.
            "-b" | "-B" | "-c" | "-C" | "--orphan" => {
                rest.next();
            }
            "--hard" => hard = true,
            w if w.starts_with('-') => {}
            w => operands.push(w),
        }
    }
    let target = match sub {
        "checkout" | "switch" => *operands.first()?,
        "reset" if hard => *operands.first()?,
        _ => return None,
    };
    if target == "FETCH_HEAD" {
        return fetch_head(command, fetched, dir);
    }
    // `git checkout .` and `./path` are pathspecs; HEAD and ORIG_HEAD name what is already there.
    if matches!(target, "HEAD" | "ORIG_HEAD" | ".")
        || target.starts_with("./")
        || target.starts_with('/')
    {
        return None;
    }
    let expanded = scope.expand(target);
    let computed = expanded.text.contains("$(") || expanded.text.contains('`');
    let kind = if expanded.unresolved.is_empty() && !computed {
        classify(&expanded.text)
    } else {
        RefKind::Unresolved
    };
    Some(Checkout {
        command: command.span.clone(),
        reference: expanded.text,
        kind,
        dir,
        from_variable: target.contains('$'),
    })
}

/// `git fetch origin <sha> && git checkout FETCH_HEAD`: the checkout takes the fetch's ref.
fn fetch_head(
    command: &SimpleCommand,
    fetched: &[RemoteSource],
    dir: Option<String>,
) -> Option<Checkout> {
    let fetch = fetched
        .iter()
        .rev()
        .find(|s| s.tool == "git pull" && (dir.is_none() || s.dest.as_deref() == dir.as_deref()))?;
    Some(Checkout {
        command: command.span.clone(),
        reference: fetch.reference.clone().unwrap_or_else(|| "HEAD".into()),
        kind: fetch.kind,
        dir,
        from_variable: fetch.ref_from_variable,
    })
}

/// Whether a checkout run in `dir` works on the repository cloned into `dest`: the same directory or
/// one inside it (git finds the repository from a subdirectory).
fn inside(dir: &str, dest: &str) -> bool {
    let dest = dest.trim_end_matches('/');
    let dir = dir.trim_end_matches('/');
    dir == dest || dir.strip_prefix(dest).is_some_and(|r| r.starts_with('/'))
}

/// Applies a checkout to the repository it concerns among the pinnable sources fetched before it: every
/// clone, fetch and pull of the innermost directory that holds `dir`, or (with `fallback`, when `dir` is
/// unknown) the latest one and those of its directory. True when it applied.
pub fn apply_checkout(
    sources: &mut [RemoteSource],
    checkout: &Checkout,
    dir: Option<&str>,
    fallback: bool,
) -> bool {
    let before = |s: &RemoteSource| s.pinnable && s.command.start < checkout.command.start;
    let repo: Option<String> = match dir {
        Some(dir) => sources
            .iter()
            .filter(|s| before(s))
            .filter_map(|s| s.dest.as_deref())
            .filter(|dest| inside(dir, dest))
            .max_by_key(|dest| dest.len())
            .map(str::to_string),
        None if fallback => sources
            .iter()
            .rev()
            .find(|s| before(s))
            .map(|s| s.dest.clone().unwrap_or_default()),
        None => None,
    };
    let Some(repo) = repo else { return false };
    let mut applied = false;
    for source in sources
        .iter_mut()
        .filter(|s| before(s) && s.dest.as_deref().unwrap_or_default() == repo)
    {
        source.reference = Some(checkout.reference.clone());
        source.kind = checkout.kind;
        source.ref_from_variable = checkout.from_variable;
        source.pinned_by = Some(checkout.command.clone());
        applied = true;
    }
    applied
}
