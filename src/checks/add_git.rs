//! The BuildKit cure (`--fix-strategy add-git`): a `RUN` that is nothing but `git clone [--depth N]
//! [-b REF] URL DEST` becomes `ADD URL#REF DEST`. BuildKit asks the remote for the ref on every build
//! and keys the cache on the commit, so the layer never goes stale and needs no bust. It needs the
//! Dockerfile frontend 1.6 or newer: a file with no `# syntax=` directive gets
//! `# syntax=docker/dockerfile:1`. Refused, with the reason, where it would change what the build does.
use super::analysis::{Analysis, Layer};
use crate::finding::{Applicability, Edit, Fix};
use crate::model::ItemKind;

/// The frontend the directive names when the file has none.
pub const SYNTAX: &str = "docker/dockerfile:1";

/// The fix that replaces the layer's `RUN git clone` with `ADD`, or why it cannot.
pub fn fix(analysis: &Analysis<'_>, layer: &Layer) -> Result<Fix, String> {
    let text = &analysis.file.text;
    let stage = &analysis.dockerfile.stages[layer.stage];
    let item = &stage.items[layer.item];
    let ItemKind::Run(run) = &item.kind else {
        return Err("not a `RUN`".into());
    };
    if item.onbuild {
        return Err("an `ONBUILD` trigger".into());
    }
    let flags = &text[item.span.start..run.text.start];
    if flags.contains("--") {
        return Err("the `RUN` has flags (`--mount`, `--network`, …) that `ADD` has not".into());
    }
    let [command] = run.commands.as_slice() else {
        return Err("the `RUN` runs more than the clone".into());
    };
    let clone = read_clone(command.words.iter().map(|w| w.text.as_str()))?;
    let frontend = frontend_edit(analysis)?;
    if let Some(user) = stage.items[..layer.item]
        .iter()
        .rev()
        .map(|i| text[i.span.clone()].trim_start())
        .find(|t| {
            t.get(..4).is_some_and(|k| k.eq_ignore_ascii_case("USER"))
                && t[4..].starts_with(char::is_whitespace)
        })
        .filter(|t| !matches!(t[4..].trim(), "root" | "0" | "root:root" | "0:0"))
    {
        return Err(format!(
            "`{}` runs the clone as that user; `ADD` writes files owned by root",
            user.lines().next().unwrap_or(user).trim()
        ));
    }
    let dest = clone
        .dest
        .map_or_else(|| repo_dir(clone.url), str::to_string);
    if dest.is_empty() {
        return Err("cannot tell where the clone lands".into());
    }
    let keep = stage.items[layer.item + 1..]
        .iter()
        .any(|i| uses_git(&text[i.span.clone()], &dest));
    let url = git_url(clone.url)?;
    let fragment = clone.branch.map(|b| format!("#{b}")).unwrap_or_default();
    let keep_flag = if keep { "--keep-git-dir=true " } else { "" };
    let mut edits = vec![Edit {
        range: item.span.clone(),
        content: format!("ADD {keep_flag}{url}{fragment} {dest}"),
    }];
    edits.extend(frontend);
    Ok(Fix {
        title: format!("Replace the clone by `ADD {url}{fragment} {dest}` (BuildKit resolves the ref on every build)"),
        applicability: Applicability::Unsafe,
        edits,
    })
}

/// A `git clone` with only the options `ADD` can express.
#[derive(Debug, PartialEq, Eq)]
struct Clone<'a> {
    url: &'a str,
    branch: Option<&'a str>,
    dest: Option<&'a str>,
}

/// The clone's URL, branch and directory; an error naming the first word `ADD` cannot express.
fn read_clone<'a>(mut words: impl Iterator<Item = &'a str>) -> Result<Clone<'a>, String> {
    if words.next() != Some("git") || words.next() != Some("clone") {
        return Err("not a plain `git clone`".into());
    }
    let mut positionals = Vec::new();
    let mut branch = None;
    while let Some(word) = words.next() {
        match word {
            "-b" | "--branch" => branch = Some(words.next().ok_or("`-b` without a branch")?),
            "--depth" => {
                words.next();
            }
            "-q" | "--quiet" | "--single-branch" | "--no-tags" => {}
            _ if word.starts_with("--branch=") => branch = Some(&word["--branch=".len()..]),
            _ if word.starts_with("--depth=") => {}
            _ if word.starts_with("--recurse-submodules") || word.starts_with("--recursive") => {
                return Err(
                    "`--recurse-submodules`: the clone's submodules are its author's call".into(),
                )
            }
            _ if word.starts_with('-') => {
                return Err(format!("`{word}` has no `ADD` spelling"));
            }
            _ => positionals.push(word),
        }
    }
    let (url, dest) = match positionals.as_slice() {
        [url] => (*url, None),
        [url, dest] => (*url, Some(*dest)),
        _ => return Err("not `git clone URL [DIR]`".into()),
    };
    let plain = |w: &str| !w.is_empty() && !w.contains(|c: char| c.is_whitespace() || c == '#');
    if !plain(url) || !dest.is_none_or(plain) || !branch.is_none_or(plain) {
        return Err("a word `ADD` would read differently (spaces or `#`)".into());
    }
    Ok(Clone { url, branch, dest })
}

/// The URL as BuildKit reads a git remote: `https://` needs `.git` (else `ADD` downloads a file), which
/// the forges that serve both get; another host without it is refused.
fn git_url(url: &str) -> Result<String, String> {
    if url.starts_with("git@") || url.starts_with("git://") || url.starts_with("ssh://") {
        return Ok(url.to_string());
    }
    let Some(rest) = url.strip_prefix("https://") else {
        return Err(format!(
            "`{}`: `ADD` reads only https, ssh and git remotes",
            crate::bust::redact::redact_url(url)
        ));
    };
    if url.ends_with(".git") {
        return Ok(url.to_string());
    }
    let forge = [
        "github.com/",
        "gitlab.com/",
        "bitbucket.org/",
        "codeberg.org/",
    ]
    .iter()
    .any(|f| rest.starts_with(f));
    if forge {
        Ok(format!("{}.git", url.trim_end_matches('/')))
    } else {
        Err("the URL has no `.git`, so `ADD` would download it as a file".into())
    }
}

/// The directory `git clone URL` makes: the URL's last segment without `.git`.
fn repo_dir(url: &str) -> String {
    let last = url
        .trim_end_matches('/')
        .rsplit(['/', ':'])
        .next()
        .unwrap_or_default();
    last.strip_suffix(".git").unwrap_or(last).to_string()
}

/// Whether a later instruction reads the clone's `.git`: names `DEST/.git`, or names the directory and
/// runs git.
fn uses_git(instruction: &str, dest: &str) -> bool {
    let dest = dest.trim_end_matches('/');
    let words: Vec<&str> = instruction
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '"' | '\''))
        .collect();
    let names_dest = words
        .iter()
        .any(|w| w.trim_end_matches('/') == dest || w.starts_with(&format!("{dest}/")));
    instruction.contains(&format!("{dest}/.git")) || (names_dest && words.contains(&"git"))
}

/// The `# syntax=` directive to insert when the file has none; an error when the file names a
/// frontend older than 1.6, where `ADD` does not read git remotes.
fn frontend_edit(analysis: &Analysis<'_>) -> Result<Option<Edit>, String> {
    let Some(syntax) = &analysis.dockerfile.syntax else {
        let text = &analysis.file.text;
        let at = usize::from(text.starts_with('\u{feff}')) * 3;
        let newline = analysis.file.newline();
        return Ok(Some(Edit::insert(
            at,
            format!("# syntax={SYNTAX}{newline}"),
        )));
    };
    let tag = syntax.rsplit_once(':').map_or("latest", |(_, t)| t);
    let version = tag.trim_end_matches("-labs");
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    let old = match (parts.next().flatten(), parts.next().flatten()) {
        (Some(1), Some(minor)) => minor < 6 && !(tag.ends_with("-labs") && minor >= 4),
        (Some(0), _) => true,
        _ => false,
    };
    if old {
        return Err(format!("`# syntax={syntax}` is a frontend older than 1.6, whose `ADD` does not read git remotes"));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clone(cmd: &str) -> Result<Clone<'_>, String> {
        read_clone(cmd.split_whitespace())
    }

    #[test]
    fn plain_clones_are_read_and_others_refused() {
        assert_eq!(
            clone("git clone --depth 1 -b v2 https://h/o/r.git /src"),
            Ok(Clone {
                url: "https://h/o/r.git",
                branch: Some("v2"),
                dest: Some("/src")
            })
        );
        assert_eq!(
            clone("git clone --branch=main -q https://h/o/r.git"),
            Ok(Clone {
                url: "https://h/o/r.git",
                branch: Some("main"),
                dest: None
            })
        );
        assert!(clone("git clone --recurse-submodules https://h/o/r.git /s")
            .unwrap_err()
            .contains("submodules"));
        assert!(clone("git clone --filter=blob:none https://h/o/r.git /s")
            .unwrap_err()
            .contains("--filter"));
        assert!(clone("git clone https://h/o/r.git /s extra").is_err());
        assert!(clone("git pull").is_err());
    }

    #[test]
    fn urls_and_dirs_follow_buildkit() {
        assert_eq!(
            git_url("https://github.com/o/r").unwrap(),
            "https://github.com/o/r.git"
        );
        assert_eq!(git_url("https://h/o/r.git").unwrap(), "https://h/o/r.git");
        assert!(git_url("https://h/o/r").is_err());
        assert!(git_url("http://h/o/r.git").is_err());
        assert_eq!(
            git_url("git@github.com:o/r.git").unwrap(),
            "git@github.com:o/r.git"
        );
        assert_eq!(repo_dir("https://h/o/tool.git"), "tool");
        assert_eq!(repo_dir("git@h:o/tool"), "tool");
        assert!(uses_git("RUN git -C /src describe", "/src"));
        assert!(uses_git("RUN cd /src/ && git log -1", "/src"));
        assert!(uses_git("COPY --from=x /src/.git /g", "/src"));
        assert!(!uses_git("RUN make -C /src", "/src"));
        assert!(!uses_git("RUN git clone https://h/o/other.git /o", "/src"));
    }
}
