//! The pinned spelling of each form, and the way back.
use std::ops::Range;

use super::DEFAULT_REF;
use crate::detect::RemoteSource;
use crate::finding::Edit;

/// The edits that pin `source` to `sha`, and the ref the pin tracks; or why it cannot be pinned.
pub fn pin_source(
    text: &str,
    source: &RemoteSource,
    sha: &str,
) -> Result<(Vec<Edit>, String), String> {
    if source.via.is_some() {
        return Err("the URL is in a build-context file; pin that file's line by hand".into());
    }
    if source.ref_from_variable {
        return Err("the ref comes from a variable with no `ARG` default that holds it alone: pin it by hand".into());
    }
    if source.reference.as_deref() == Some(DEFAULT_REF) {
        return Err("`HEAD` written as a ref: write the branch name to pin it".into());
    }
    let tracked = source
        .reference
        .clone()
        .unwrap_or_else(|| DEFAULT_REF.into());
    if source.tool == "git clone" {
        let dir = source
            .dest
            .as_deref()
            .filter(|d| d.starts_with('/') && !d.contains(char::is_whitespace) && !d.contains('$'))
            .ok_or("cannot tell where the clone lands")?;
        let shallow = text[source.command.clone()].contains("--depth");
        let edit = Edit::insert(source.command.end, clone_suffix(dir, sha, shallow));
        return Ok((vec![edit], tracked));
    }
    if let Some(option) = commit_option(&source.tool) {
        return pin_by_option(text, source, option, sha).map(|edit| (vec![edit], tracked));
    }
    let word = source.url_span.clone();
    let written = &text[word.clone()];
    if let Some(reference) = &source.reference {
        let (range, replaced) =
            ref_in_word(written, reference).ok_or("the ref is not written in the URL")?;
        let range = word.start + range.start..word.start + range.end;
        return Ok((vec![edit(range, sha)], replaced));
    }
    let sep = match source.tool.as_str() {
        "pip install" | "poetry add" if written.contains("git+") => '@',
        "npm install" => '#',
        _ => return Err(format!("`{}` has no place for a commit here", source.tool)),
    };
    let end = written
        .find('#')
        .filter(|_| sep == '@')
        .unwrap_or_else(|| written.trim_end_matches(['"', '\'']).len());
    Ok((
        vec![Edit::insert(word.start + end, format!("{sep}{sha}"))],
        tracked,
    ))
}

/// The option that names a commit, for tools whose ref is an option's value rather than part of the
/// URL (`cargo install --git URL --branch main` pins as `--rev <sha>`).
fn commit_option(tool: &str) -> Option<&'static str> {
    (tool == "cargo install").then_some("--rev")
}

/// `--branch REF` (or `--branch=REF`) becomes `--rev <sha>` with the same separator; with no ref
/// option, ` --rev <sha>` follows the URL. A tag is left alone: unpin could not tell it from a branch.
fn pin_by_option(
    text: &str,
    source: &RemoteSource,
    option: &str,
    sha: &str,
) -> Result<Edit, String> {
    let Some(reference) = &source.reference else {
        let mut end = source.url_span.end;
        while text[end..].starts_with(['"', '\'']) {
            end += 1;
        }
        return Ok(Edit::insert(end, format!(" {option} {sha}")));
    };
    let command = &text[source.command.clone()];
    for (at, _) in command.match_indices("--branch") {
        let rest = &command[at + "--branch".len()..];
        let Some(sep) = rest.chars().next().filter(|c| *c == ' ' || *c == '=') else {
            continue;
        };
        if at > 0 && !command[..at].ends_with(char::is_whitespace) {
            continue;
        }
        let value = rest[1..]
            .split(char::is_whitespace)
            .next()
            .unwrap_or_default();
        if value != reference {
            continue;
        }
        let start = source.command.start + at;
        let end = start + "--branch".len() + 1 + value.len();
        return Ok(edit(start..end, &format!("{option}{sep}{sha}")));
    }
    Err("the ref is not a `--branch` written in the command; pin it by hand".into())
}

/// The edit that puts the ref `tracked` back where the pin at `sha` is.
pub fn unpin_sha(text: &str, sha: Range<usize>, tracked: &str) -> Edit {
    let before = &text[..sha.start];
    if let Some(start) = ["--rev ", "--rev="]
        .iter()
        .find_map(|o| before.strip_suffix(o).map(str::len))
    {
        let sep = &text[sha.start - 1..sha.start];
        return if tracked == DEFAULT_REF && before[..start].ends_with(' ') {
            edit(start - 1..sha.end, "")
        } else {
            edit(start..sha.end, &format!("--branch{sep}{tracked}"))
        };
    }
    if let Some(start) = before.rfind(" && git -C ") {
        let dir = text[start + 11..].split(' ').next().unwrap_or_default();
        let written = &text[sha.clone()];
        for shallow in [false, true] {
            let suffix = clone_suffix(dir, written, shallow);
            if text[start..].starts_with(&suffix) && start + suffix.len() >= sha.end {
                return edit(start..start + suffix.len(), "");
            }
        }
    }
    if tracked == DEFAULT_REF && (before.ends_with('@') || before.ends_with('#')) {
        return edit(sha.start - 1..sha.end, "");
    }
    edit(sha, tracked)
}

/// What a clone into `dir` gets appended to check out `sha`.
fn clone_suffix(dir: &str, sha: &str, shallow: bool) -> String {
    if shallow {
        format!(" && git -C {dir} fetch --depth 1 origin {sha} && git -C {dir} checkout FETCH_HEAD")
    } else {
        format!(" && git -C {dir} checkout {sha}")
    }
}

/// Where `reference` is written in a URL word, with the text to replace (`refs/heads/main` in a
/// branch archive, else the ref itself at a boundary: after `@`, `#` or `/`).
pub(super) fn ref_in_word(word: &str, reference: &str) -> Option<(Range<usize>, String)> {
    let heads = format!("refs/heads/{reference}");
    if let Some(at) = word.rfind(&heads) {
        return Some((at..at + heads.len(), heads));
    }
    let bytes = word.as_bytes();
    let mut search = word.len();
    while let Some(at) = word[..search].rfind(reference) {
        let end = at + reference.len();
        let open = at > 0 && matches!(bytes[at - 1], b'@' | b'#' | b'/' | b'=');
        let close =
            end == word.len() || matches!(bytes[end], b'/' | b'.' | b'#' | b'"' | b'\'' | b'&');
        if open && close {
            return Some((at..end, reference.to_string()));
        }
        search = at;
    }
    None
}

fn edit(range: Range<usize>, content: &str) -> Edit {
    Edit {
        range,
        content: content.to_string(),
    }
}
