//! Pins in the build-context files a RUN installs from (`pip install -r requirements.txt`, a COPY'd
//! `pyproject.toml`): the line that names the remote is rewritten in that file, not the Dockerfile,
//! with the tracking comment on its own line above it, as in a Dockerfile. A `package.json` has no
//! comments to keep the tracked ref in, so its git dependencies are listed, not pinned.
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use super::edit::ref_in_word;
use super::{is_sha, tracked_ref, unpin_sha, DEFAULT_REF, TRACK};
use crate::checks::Analysis;
use crate::detect::RemoteSource;
use crate::finding::Edit;
use crate::fix::apply_edits;

/// A build-context file a Dockerfile's sources come from, as read from disk.
#[derive(Debug, Clone)]
pub struct ContextFile {
    pub path: PathBuf,
    pub text: String,
}

/// A tracked pin in a context file.
#[derive(Debug, Clone)]
pub struct ContextPin {
    pub path: PathBuf,
    pub sha: Range<usize>,
    pub comment: Range<usize>,
    pub tracked: String,
    pub source: RemoteSource,
}

/// The context files the analysis' sources come from (`via`), read once each; a file that cannot be
/// read is left out (the sources in it are then listed as not pinned).
pub fn context_files(analysis: &Analysis<'_>) -> BTreeMap<PathBuf, ContextFile> {
    let mut files = BTreeMap::new();
    let Some(dir) = analysis.file.path.parent() else {
        return files;
    };
    for source in analysis.layers.iter().flat_map(|l| &l.sources) {
        let Some(via) = &source.via else { continue };
        let path = dir.join(&via.file);
        if files.contains_key(&path) {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(&path) {
            files.insert(path.clone(), ContextFile { path, text });
        }
    }
    files
}

/// The edits that pin `source` (named in a context file) to `sha` there, and the ref it tracks; or why
/// it cannot be pinned.
pub fn pin_in_file(
    file: &ContextFile,
    source: &RemoteSource,
    sha: &str,
) -> Result<(Vec<Edit>, String), String> {
    let via = source.via.as_ref().ok_or("not from a context file")?;
    if file.path.extension().is_some_and(|e| e == "json") {
        return Err(format!(
            "`{}` has no comments to keep the tracked ref in: pin it in the file by hand",
            via.file
        ));
    }
    let line = line_range(&file.text, via.line).ok_or("the line is gone")?;
    let written = &file.text[line.clone()];
    let (edit, tracked) = match &source.reference {
        Some(reference) if reference == DEFAULT_REF => {
            return Err("`HEAD` written as a ref: write the branch name to pin it".into())
        }
        Some(reference) => {
            let (range, replaced) = ref_in_word(written, reference)
                .ok_or("the ref is not written in the file's line")?;
            let range = line.start + range.start..line.start + range.end;
            (
                Edit {
                    range,
                    content: sha.to_string(),
                },
                replaced,
            )
        }
        None => {
            let at = url_end(written, &source.url).ok_or("the URL is not written in the line")?;
            (
                Edit::insert(line.start + at, format!("@{sha}")),
                DEFAULT_REF.to_string(),
            )
        }
    };
    let indent: String = written
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let newline = if file.text[line.end..].starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let comment = Edit::insert(line.start, format!("{indent}{TRACK}{tracked}{newline}"));
    Ok((vec![comment, edit], tracked))
}

/// The tracked pins of the context files: each source whose commit is written on a line with
/// `# cachebust: track REF` lines right above it, paired in order.
pub fn context_pins(
    analysis: &Analysis<'_>,
    files: &BTreeMap<PathBuf, ContextFile>,
) -> Vec<ContextPin> {
    let Some(dir) = analysis.file.path.parent() else {
        return Vec::new();
    };
    // The pinned sources of each line of each file, in the order of the line.
    let mut lines: BTreeMap<(PathBuf, usize), Vec<&RemoteSource>> = BTreeMap::new();
    for source in analysis.layers.iter().flat_map(|l| &l.sources) {
        let (Some(via), Some(reference)) = (&source.via, &source.reference) else {
            continue;
        };
        if is_sha(reference) {
            let key = (dir.join(&via.file), via.line);
            let found = lines.entry(key).or_default();
            if !found.iter().any(|s| s.reference == source.reference) {
                found.push(source);
            }
        }
    }
    let mut pins = Vec::new();
    for ((path, number), sources) in lines {
        let Some(file) = files.get(&path) else {
            continue;
        };
        let Some(line) = line_range(&file.text, number) else {
            continue;
        };
        let comments = comments_above(&file.text, line.start);
        let mut from = line.start;
        let mut shas = Vec::new();
        for source in sources {
            let sha = source.reference.as_deref().unwrap_or_default();
            if let Some(at) = file.text[from..line.end].find(sha) {
                shas.push((from + at..from + at + sha.len(), source));
                from += at + sha.len();
            }
        }
        let skip = comments.len().saturating_sub(shas.len());
        for ((comment, tracked), (sha, source)) in comments.into_iter().skip(skip).zip(shas) {
            pins.push(ContextPin {
                path: path.clone(),
                sha,
                comment,
                tracked,
                source: source.clone(),
            });
        }
    }
    pins
}

/// The file's text with its pins back at their refs and their comments removed.
pub fn unpin_file_text(text: &str, pins: &[&ContextPin]) -> String {
    let edits: Vec<Edit> = pins
        .iter()
        .flat_map(|pin| {
            [
                Edit {
                    range: pin.comment.clone(),
                    content: String::new(),
                },
                unpin_sha(text, pin.sha.clone(), &pin.tracked),
            ]
        })
        .collect();
    apply_edits(text, &edits)
}

/// The byte range of 1-based line `number` (its newline excluded).
fn line_range(text: &str, number: usize) -> Option<Range<usize>> {
    let mut start = 0;
    for _ in 1..number {
        start += text[start..].find('\n')? + 1;
    }
    if start > text.len() {
        return None;
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = if text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    Some(start..end)
}

/// The `# cachebust: track REF` lines right above the line at `start`, in order, each with its newline.
fn comments_above(text: &str, start: usize) -> Vec<(Range<usize>, String)> {
    let mut found = Vec::new();
    let mut at = start;
    while at > 0 {
        let prev = text[..at - 1].rfind('\n').map_or(0, |i| i + 1);
        let Some(tracked) = tracked_ref(&text[prev..at]) else {
            break;
        };
        found.push((prev..at, tracked.to_string()));
        at = prev;
    }
    found.reverse();
    found
}

/// Where the remote's URL ends in a line that names it (before a `#egg=` fragment or a closing
/// quote), so `@<sha>` can follow it.
fn url_end(line: &str, url: &str) -> Option<usize> {
    let bare = url.strip_prefix("git+").unwrap_or(url);
    let bare = bare.trim_end_matches('/');
    let at = line.find(bare)?;
    Some(at + bare.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_comments_are_found() {
        let text = "a\r\n# cachebust: track main\r\n# cachebust: track dev\r\nb @ x\r\nc";
        let b = line_range(text, 4).unwrap();
        assert_eq!(&text[b.clone()], "b @ x");
        assert_eq!(&text[line_range(text, 5).unwrap()], "c");
        assert_eq!(line_range(text, 7), None);
        let found = comments_above(text, b.start);
        let tracked: Vec<_> = found.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(tracked, ["main", "dev"]);
        assert_eq!(&text[found[0].0.clone()], "# cachebust: track main\r\n");
        assert_eq!(
            url_end(
                "lib @ git+https://h/o/lib.git#egg=lib",
                "https://h/o/lib.git"
            ),
            Some(29)
        );
    }
}
