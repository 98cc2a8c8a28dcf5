//! Finds remote sources in RUN commands, using the detector data of `rules/detectors.toml`.
use std::borrow::Cow;
use std::ops::Range;

pub mod checkout;
pub mod credentials;
pub mod interpret;
pub mod manifests;
pub mod pattern;
pub mod refs;
pub mod spec;

pub use checkout::{apply_checkout, Checkout};
use refs::{classify, RefKind};
use spec::{Detector, Detectors, Form, RefOption, UrlFrom};

use crate::context::join;
use crate::model::scope::Scope;
use crate::parse::shell::{ShellKind, SimpleCommand, Word};

/// A fetch of code from a remote at build time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSource {
    /// The detector's tool name, e.g. `git clone`.
    pub tool: String,
    /// The repository or file URL, with build args expanded where their values are known.
    pub url: String,
    /// The ref as written after expansion (`None`: the remote's default).
    pub reference: Option<String>,
    pub kind: RefKind,
    /// The simple command that fetches it.
    pub command: Range<usize>,
    /// The word that names the remote (the command's span when the URL is implied, as for `git pull`).
    pub url_span: Range<usize>,
    /// Variables that had no value in the URL or ref.
    pub unresolved: Vec<String>,
    /// Whether a later `git checkout <sha>` can pin it.
    pub pinnable: bool,
    /// The command that pinned it, when a later checkout did.
    pub pinned_by: Option<Range<usize>>,
    /// The build-context file that names it, when the command reads one.
    pub via: Option<Via>,
    /// Where a clone puts the repository (its directory argument, or the URL's last segment).
    pub dest: Option<String>,
    /// Whether the ref comes from a variable (a build arg can be overridden at build time).
    pub ref_from_variable: bool,
}

/// What one RUN fetches, and the checkouts it makes.
#[derive(Debug, Clone, Default)]
pub struct Detection {
    pub sources: Vec<RemoteSource>,
    pub checkouts: Vec<Checkout>,
    pub file_installs: Vec<FileInstall>,
    /// Scripts of the build context the RUN executes (`bash /scripts/setup.sh`).
    pub scripts: Vec<ScriptRun>,
    /// The absolute directory of the last `cd` seen so far in the RUN.
    cwd: Option<String>,
    /// The remotes `git remote add NAME URL` named so far, by name.
    remotes: Vec<(String, String)>,
    /// The stage's `WORKDIR` when the RUN starts.
    workdir: String,
}

impl Detection {
    /// The directory the current command runs in.
    fn here(&self) -> &str {
        self.cwd.as_deref().unwrap_or(&self.workdir)
    }
}

/// A RUN that executes a script file; the analysis reads it through the stage's `COPY`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptRun {
    pub command: Range<usize>,
    /// The word naming the script.
    pub word: Range<usize>,
    /// The script's path in the image, as written (after build-arg expansion).
    pub path: String,
    /// The words it is run with, its `$1`… (`None`: a value the RUN computes or does not know).
    pub args: Vec<Option<String>>,
    /// The shell variables the RUN assigned before it (`. ./x.sh` and `export` share them).
    pub env: Vec<(String, Option<String>)>,
}

/// An install that reads files the build context provides (`pip install -r requirements.txt`); the
/// analysis, which knows the stage's `COPY`s, finds and reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInstall {
    /// Index into [`Detectors::manifests`].
    pub manifest: usize,
    /// The install command as matched (`pip install`, `poetry install`).
    pub tool: String,
    pub command: Range<usize>,
    /// The word naming the file or directory (the command itself for a bare `npm install`).
    pub word: Range<usize>,
    /// Paths in the image as written (relative to the working directory unless absolute).
    pub paths: Vec<InstallPath>,
}

/// A file an install reads, or a directory whose manifest files it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstallPath {
    File(String),
    Dir(String),
}

/// Where a remote source named in a file of the build context is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    /// The file, relative to the build context.
    pub file: String,
    /// Its 1-based line.
    pub line: usize,
}

/// The upper-snake-case name of a remote's repository: `https://h/acme/tool-kit.git` → `TOOL_KIT`.
pub fn repo_stem(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path
        .trim_end_matches('/')
        .rsplit(['/', ':'])
        .find(|s| !s.is_empty() && *s != "...")
        .unwrap_or("");
    let last = last.strip_suffix(".git").unwrap_or(last);
    let mut stem = String::new();
    for c in last.chars() {
        if c.is_ascii_alphanumeric() {
            stem.push(c.to_ascii_uppercase());
        } else if !stem.is_empty() && !stem.ends_with('_') {
            stem.push('_');
        }
    }
    let stem = stem.trim_end_matches('_');
    if stem.is_empty() {
        "REMOTE".into()
    } else {
        stem.into()
    }
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

/// Finds the remote sources in a RUN's commands, run from `workdir`. Checkouts later in the same RUN pin
/// earlier clones.
pub fn detect(
    detectors: &Detectors,
    commands: &[SimpleCommand],
    shell: ShellKind,
    scope: &Scope,
    workdir: &str,
) -> Detection {
    detect_with_args(detectors, commands, shell, scope, workdir, None)
}

/// [`detect`] for a script run with words (`. /clone.sh NAME URL SHA`): `$1`… are bound to `args`.
pub fn detect_with_args(
    detectors: &Detectors,
    commands: &[SimpleCommand],
    shell: ShellKind,
    scope: &Scope,
    workdir: &str,
    args: interpret::Positionals,
) -> Detection {
    let mut detection = Detection {
        workdir: workdir.to_string(),
        ..Detection::default()
    };
    let mut scope = scope.clone();
    interpret::Shell::new(detectors, shell).run(commands, &mut scope, args, &mut detection);
    let checkouts = detection.checkouts.clone();
    for checkout in &checkouts {
        apply_checkout(
            &mut detection.sources,
            checkout,
            checkout.dir.as_deref(),
            true,
        );
    }
    detection
}

/// `https://h/o/tool.git/` → `tool.git`: the directory `git clone URL` creates, before `.git` is dropped.
fn last_segment(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

/// One simple command, its words as the shell would pass them (`sh -c` strings, functions and
/// variables are the interpreter's).
fn detect_command(
    detectors: &Detectors,
    command: &SimpleCommand,
    scope: &Scope,
    out: &mut Detection,
) {
    let (program, args) = program_and_args(detectors, &command.words);
    let Some(program) = program else { return };
    let program = program.as_ref();
    if let Some(script) = script_run(program, &command.words, args, scope) {
        out.scripts.push(ScriptRun {
            command: command.span.clone(),
            ..script
        });
        return;
    }
    if SHELLS.contains(&program) || program == "su" {
        return;
    }
    if program == "cd" {
        // `cd` alone, `cd -` and `cd ~…` go where the Dockerfile does not say: back to "unknown".
        let target = args
            .iter()
            .find(|w| !w.text.starts_with('-') || w.text == "-")
            .map(|w| scope.expand(&w.text).text);
        out.cwd = target
            .filter(|t| t != "-" && !t.starts_with('~'))
            .map(|t| join(out.here(), &t));
    }
    let git_dir = (program == "git")
        .then(|| checkout::git_dir_option(args, scope, out.here()))
        .flatten();
    if program == "git" {
        // `git remote add origin URL`: a later `git fetch origin` fetches URL.
        let words: Vec<&str> = args
            .iter()
            .map(|w| w.text.as_str())
            .filter(|w| !w.starts_with('-'))
            .collect();
        if let ["remote", "add", name, url, ..] = words.as_slice() {
            let url = scope.expand(url);
            if url.unresolved.is_empty() {
                out.remotes.retain(|(n, _)| n != name);
                out.remotes.push((name.to_string(), url.text));
            }
        }
        let dir = git_dir.clone().or_else(|| out.cwd.clone());
        if let Some(checkout) = checkout::checkout(command, args, scope, dir, &out.sources) {
            out.checkouts.push(checkout);
        }
    }
    for &(d, c) in detectors.detector_commands(program) {
        let detector = &detectors.detectors[d];
        let skips = |o: &str| takes_value(detector, o);
        if let Some(rest) = match_subcommands(&skips, &detector.commands[c][1..], args) {
            let first = out.sources.len();
            extract(detectors, detector, rest, command, scope, &mut out.sources);
            let base = git_dir.clone().unwrap_or_else(|| out.here().to_string());
            for source in out.sources[first..].iter_mut().filter(|s| s.pinnable) {
                source.dest = Some(clone_dir(detector, source, &base, scope));
                if let Some((_, url)) = out.remotes.iter().find(|(n, _)| *n == source.url) {
                    source.url = url.clone();
                }
            }
        }
    }
    for &(index, c) in detectors.manifest_commands(program) {
        let manifest = &detectors.manifests[index];
        let pattern = &manifest.commands[c];
        let skips = |o: &str| !o.contains('=') && manifest.file_options.iter().any(|f| f == o);
        if let Some(rest) = match_subcommands(&skips, &pattern[1..], args) {
            if let Some(mut install) = file_install(index, manifest, rest, command, scope) {
                install.tool = pattern.join(" ");
                // After a `cd`, relative paths are the new directory's (`cd /app && npm install`).
                if let Some(dir) = &out.cwd {
                    for path in &mut install.paths {
                        let (InstallPath::File(p) | InstallPath::Dir(p)) = path;
                        if !p.starts_with('/') {
                            *p = crate::context::join(dir, p);
                        }
                    }
                }
                out.file_installs.push(install);
            }
        }
    }
}

/// The files a manifest-reading install names in its arguments.
fn file_install(
    index: usize,
    manifest: &spec::Manifest,
    args: &[Word],
    command: &SimpleCommand,
    scope: &Scope,
) -> Option<FileInstall> {
    let mut paths = Vec::new();
    let mut word = command.span.clone();
    let mut positionals = 0;
    let mut i = 0;
    while i < args.len() {
        let by_option = manifest
            .file_options
            .iter()
            .find_map(|o| option_value(args, i, o));
        if let Some((value, holder, used)) = by_option {
            paths.push(InstallPath::File(scope.expand(value).text));
            word = holder.span.clone();
            i += used;
            continue;
        }
        let text = &args[i].text;
        let editable = matches!(text.as_str(), "-e" | "--editable");
        if text.starts_with('-') && !editable {
            i += 1;
            continue;
        }
        let arg = if editable {
            args.get(i + 1)
        } else {
            Some(&args[i])
        };
        i += if editable { 2 } else { 1 };
        let Some(arg) = arg else { break };
        positionals += 1;
        let path = scope.expand(&arg.text).text;
        let local = path == "." || path == ".." || path.starts_with(['.', '/']);
        if manifest.path_args && local && !path.contains("://") {
            paths.push(InstallPath::Dir(path));
            word = arg.span.clone();
        }
    }
    if manifest.no_args && positionals == 0 {
        paths.push(InstallPath::Dir(".".into()));
    }
    (!paths.is_empty()).then(|| FileInstall {
        manifest: index,
        tool: String::new(),
        command: command.span.clone(),
        word,
        paths,
    })
}

/// Reads one entry of a manifest (`git+https://…@main`, `github:o/r`) with a detector's URL forms:
/// the repository URL, the ref, and its class.
pub fn match_source(
    detectors: &Detectors,
    detector: usize,
    entry: &str,
) -> Option<(String, Option<String>, RefKind)> {
    let detector = &detectors.detectors[detector];
    let (url, reference, form) = match_forms(detectors, detector, entry)?;
    let kind = match (&reference, form.ref_kind) {
        (_, Some(forced)) => forced,
        (Some(r), None) => classify(r),
        (None, None) => classify(
            form.default_ref
                .as_deref()
                .or(detector.default_ref.as_deref())?,
        ),
    };
    Some((url, reference, kind))
}

/// `bash /scripts/setup.sh`, `sh -e ./x.sh`, `. ./env.sh`, `source x.sh`, or `./x.sh` run directly.
fn script_run(program: &str, words: &[Word], args: &[Word], scope: &Scope) -> Option<ScriptRun> {
    let word = if SHELLS.contains(&program) || matches!(program, "." | "source") {
        if args
            .iter()
            .any(|w| w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains('c'))
        {
            return None;
        }
        args.iter().find(|w| !w.text.starts_with('-'))?
    } else {
        let first = words.iter().find(|w| !is_assignment(&w.text))?;
        if !(first.text.ends_with(".sh") && first.text.contains('/')) {
            return None;
        }
        first
    };
    let path = scope.expand(&word.text).text;
    let looks_like_file = path.contains('/') || path.ends_with(".sh");
    let at = words.iter().position(|w| std::ptr::eq(w, word))?;
    let args = words[at + 1..]
        .iter()
        .map(|w| interpret::value_of(scope, &w.text))
        .collect();
    looks_like_file.then(|| ScriptRun {
        command: 0..0,
        word: word.span.clone(),
        path,
        args,
        env: Vec::new(),
    })
}

/// Keeps the spans of a re-split string inside the word they came from (escapes can shift them).
fn clamp(mut command: SimpleCommand, within: &Range<usize>) -> SimpleCommand {
    let fit = |r: &Range<usize>| {
        r.start.clamp(within.start, within.end)..r.end.clamp(within.start, within.end)
    };
    for word in &mut command.words {
        word.span = fit(&word.span);
    }
    command.span = fit(&command.span);
    command
}

/// The program name (basename, version suffix dropped, `python -m pip` read as `pip`) and its arguments,
/// after leading assignments and the wrappers of the detector data (`sudo -u x`, `conda run -n env`).
fn program_and_args<'w>(
    detectors: &Detectors,
    words: &'w [Word],
) -> (Option<Cow<'w, str>>, &'w [Word]) {
    let mut i = 0;
    while i < words.len() {
        let text = words[i].text.as_str();
        if is_assignment(text) {
            i += 1;
            continue;
        }
        let name = base_name(text);
        let next: Vec<&str> = words[i + 1..]
            .iter()
            .take(2)
            .map(|w| w.text.as_str())
            .collect();
        if let Some((wrapper, len)) = detectors.wrapper(&name, &next) {
            i += len;
            let mut positionals = wrapper.positionals;
            while let Some(word) = words.get(i) {
                let text = word.text.as_str();
                if text == "--" {
                    i += 1;
                    break;
                }
                if text.starts_with('-') && text.len() > 1 {
                    i += 1 + usize::from(wrapper.value_options.iter().any(|o| o == text));
                } else if is_assignment(text) {
                    i += 1;
                } else if positionals > 0 {
                    positionals -= 1;
                    i += 1;
                } else {
                    break;
                }
            }
            continue;
        }
        if name == "python" && words.get(i + 1).is_some_and(|w| w.text == "-m") {
            let module = words.get(i + 2).map(|w| base_name(&w.text));
            return (module, words.get(i + 3..).unwrap_or(&[]));
        }
        return (Some(name), &words[i + 1..]);
    }
    (None, &[])
}

/// `NAME=value`, with a name that does not start with a digit.
fn is_assignment(text: &str) -> bool {
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'=' => return i > 0,
            b'0'..=b'9' if i == 0 => return false,
            b if b.is_ascii_alphanumeric() || b == b'_' => {}
            _ => return false,
        }
    }
    false
}

/// `/usr/bin/pip3.11` → `pip`; `python3` → `python`.
fn base_name(text: &str) -> Cow<'_, str> {
    let start = text
        .bytes()
        .rposition(|b| b == b'/' || b == b'\\')
        .map_or(0, |i| i + 1);
    let name = &text[start..];
    let name = name.strip_suffix(".exe").unwrap_or(name);
    let trimmed = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let name = if trimmed.is_empty() { name } else { trimmed };
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// `scope.expand(text).text`, without copying a text that names no variable.
fn expand_text<'t>(scope: &Scope, text: &'t str) -> Cow<'t, str> {
    if text.contains('$') {
        Cow::Owned(scope.expand(text).text)
    } else {
        Cow::Borrowed(text)
    }
}

/// The script of `sh -c "…"` (also `-ec`, `-lc`, `-xec`).
fn shell_c_script(args: &[Word]) -> Option<&Word> {
    let flag = args.iter().position(|w| {
        w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains('c')
    })?;
    args.get(flag + 1)
}

/// Matches the subcommand words in order, skipping options; returns the arguments after them.
fn match_subcommands<'w>(
    takes_value: &dyn Fn(&str) -> bool,
    subcommands: &[String],
    args: &'w [Word],
) -> Option<&'w [Word]> {
    let mut i = 0;
    for expected in subcommands {
        loop {
            let word = args.get(i)?;
            if word.text.starts_with('-') {
                i += 1 + usize::from(takes_value(&word.text));
                continue;
            }
            if &word.text != expected {
                return None;
            }
            i += 1;
            break;
        }
    }
    Some(args.get(i..).unwrap_or(&[]))
}

fn takes_value(detector: &Detector, option: &str) -> bool {
    !option.contains('=')
        && (detector.value_options.iter().any(|o| o == option)
            || detector.ref_options.contains_key(option))
}

/// The value of `--opt VALUE` or `--opt=VALUE` at `args[i]`, the word holding it, and how many words
/// it used.
fn option_value<'w>(args: &'w [Word], i: usize, name: &str) -> Option<(&'w str, &'w Word, usize)> {
    let word = &args[i];
    if word.text == name {
        return args.get(i + 1).map(|w| (w.text.as_str(), w, 2));
    }
    word.text
        .strip_prefix(name)
        .and_then(|rest| rest.strip_prefix('='))
        .map(|v| (v, word, 1))
}

fn extract(
    detectors: &Detectors,
    detector: &Detector,
    args: &[Word],
    command: &SimpleCommand,
    scope: &Scope,
    out: &mut Vec<RemoteSource>,
) {
    let has = |option: &String| {
        args.iter().any(|w| {
            w.text == *option
                || w.text
                    .strip_prefix(option.as_str())
                    .is_some_and(|r| r.starts_with('='))
        })
    };
    if !detector.require_options.is_empty() && !detector.require_options.iter().any(has) {
        return;
    }
    let mut ref_option: Option<(&str, RefOption)> = None;
    let mut option_url = None;
    let mut positionals = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let word = &args[i].text;
        let by_ref = detector.ref_options.iter().find_map(|(name, kind)| {
            option_value(args, i, name).map(|(v, _, used)| (v, *kind, used))
        });
        if let Some((value, kind, used)) = by_ref {
            ref_option = Some((value, kind));
            i += used;
            continue;
        }
        if let UrlFrom::Option(name) = &detector.url {
            if let Some((value, holder, used)) = option_value(args, i, name) {
                option_url = Some((value, holder.span.clone()));
                i += used;
                continue;
            }
        }
        if word.starts_with('-') && word.len() > 1 {
            i += 1 + usize::from(takes_value(detector, word));
            continue;
        }
        positionals.push(&args[i]);
        i += 1;
    }
    let mut push = |url: &str,
                    span: Range<usize>,
                    reference: Option<&str>,
                    forced: RefOption,
                    default: Option<&str>| {
        let url = scope.expand(url);
        if url.text.starts_with("file://") {
            return;
        }
        let ref_from_variable = reference.is_some_and(|r| r.contains('$'));
        let reference = reference.map(|r| scope.expand(r));
        let mut unresolved = url.unresolved.clone();
        let (reference, kind) = match (&reference, default) {
            (Some(r), _) if !r.unresolved.is_empty() => {
                unresolved.extend(r.unresolved.iter().cloned());
                // `--tag ${V}` is a tag whatever V holds; `--branch ${B}` says what is unknown.
                let kind = match forced.kind.or(forced.unknown) {
                    Some(kind @ (RefKind::Tag | RefKind::Commit)) => kind,
                    _ => RefKind::Unresolved,
                };
                (Some(r.text.clone()), kind)
            }
            (Some(r), _) => (
                Some(r.text.clone()),
                forced.kind.unwrap_or_else(|| classify(&r.text)),
            ),
            (None, _) if forced.kind.is_some() => (None, forced.kind.unwrap_or(RefKind::Default)),
            (None, Some(d)) => (None, classify(d)),
            (None, None) => return,
        };
        out.push(RemoteSource {
            tool: detector.tool.clone(),
            url: url.text,
            reference,
            kind,
            command: command.span.clone(),
            url_span: span,
            unresolved,
            pinnable: detector.pinnable,
            pinned_by: None,
            via: None,
            dest: None,
            ref_from_variable,
        });
    };
    let (option_ref, option_kind) =
        ref_option.map_or((None, RefOption::default()), |(v, k)| (Some(v), k));
    match &detector.url {
        UrlFrom::Positional => {
            let (url, span) = match (positionals.first(), &detector.default_url) {
                (Some(word), _) => (word.text.as_str(), word.span.clone()),
                (None, Some(default)) => (default.as_str(), command.span.clone()),
                (None, None) => return,
            };
            let expanded = scope.expand(url).text;
            if let Some(pattern) = &detector.positional_pattern {
                // A value the shell knows is judged as it is; an unknown one by how it is written.
                let shown = if expanded.contains('$') {
                    url
                } else {
                    &expanded
                };
                if !pattern.is_match(shown) {
                    return;
                }
            }
            let positional_ref = detector
                .ref_positional
                .and_then(|n| positionals.get(n - 1))
                .map(|w| w.text.as_str());
            let reference = option_ref.or(positional_ref);
            push(
                url,
                span,
                reference,
                option_kind,
                detector.default_ref.as_deref(),
            );
            // `git clone URL [DIR]`: the directory a later checkout is matched against.
            if let Some(n) = detector.dir_positional {
                let expanded_url = scope.expand(url).text;
                let dir = n
                    .checked_sub(1)
                    .and_then(|i| positionals.get(i))
                    .map(|w| scope.expand(&w.text).text);
                let dest = dir.unwrap_or_else(|| {
                    last_segment(&expanded_url)
                        .trim_end_matches(".git")
                        .to_string()
                });
                if let Some(source) = out.last_mut().filter(|s| s.command == command.span) {
                    source.dest = Some(dest);
                }
            }
        }
        UrlFrom::Default => {
            if let Some(url) = &detector.default_url {
                push(
                    url,
                    command.span.clone(),
                    option_ref,
                    option_kind,
                    detector.default_ref.as_deref(),
                );
            }
        }
        UrlFrom::Option(_) => {
            if let Some((url, span)) = option_url {
                push(
                    url,
                    span,
                    option_ref,
                    option_kind,
                    detector.default_ref.as_deref(),
                );
            }
        }
        UrlFrom::Forms => {
            for word in args {
                let expanded = expand_text(scope, &word.text);
                if let Some((url, reference, form)) = match_forms(detectors, detector, &expanded) {
                    let (reference, forced) = match reference {
                        Some(r) => (Some(r), RefOption::forced(form.ref_kind)),
                        None if option_kind.kind.is_some() || form.ref_kind.is_none() => {
                            (option_ref.map(str::to_string), option_kind)
                        }
                        None => (
                            option_ref.map(str::to_string),
                            RefOption::forced(form.ref_kind),
                        ),
                    };
                    let default = form
                        .default_ref
                        .as_deref()
                        .or(detector.default_ref.as_deref());
                    push(
                        &url,
                        word.span.clone(),
                        reference.as_deref(),
                        forced,
                        default,
                    );
                }
            }
        }
    }
}

/// The first of the detector's forms that matches `word`: the repository URL, the ref, and the form.
fn match_forms<'d>(
    detectors: &'d Detectors,
    detector: &Detector,
    word: &str,
) -> Option<(String, Option<String>, &'d Form)> {
    detector
        .forms
        .iter()
        .map(|&f| &detectors.forms[f])
        .find_map(|form| {
            // `is_match` first: most words match no form, and it allocates no capture slots.
            if !form.pattern.is_match(word)
                || form.require.as_ref().is_some_and(|r| !r.is_match(word))
                || form.exclude.as_ref().is_some_and(|r| r.is_match(word))
            {
                return None;
            }
            let caps = form.pattern.captures(word)?;
            let url = match (&form.template, caps.name("url")) {
                (Some(template), _) => {
                    let mut url = template.clone();
                    for name in form.pattern.capture_names().flatten() {
                        let value = caps.name(name).map_or("", |m| m.as_str());
                        url = url.replace(&format!("{{{name}}}"), value);
                    }
                    url
                }
                (None, Some(url)) => url.as_str().to_string(),
                (None, None) => return None,
            };
            let reference = caps
                .name("ref")
                .map(|m| m.as_str().to_string())
                .filter(|r| !r.is_empty());
            Some((url, reference, form))
        })
}

/// The absolute directory a pinnable source's repository is in: `git clone URL [DIR]` relative to
/// `base`, the detector's `checkout-dir` (`go get` in GOPATH mode), or `base` itself (`git fetch`).
fn clone_dir(detector: &Detector, source: &RemoteSource, base: &str, scope: &Scope) -> String {
    if let Some(template) = &detector.checkout_dir {
        let repo: Vec<&str> = source
            .url
            .trim_end_matches("/...")
            .split('/')
            .take(3)
            .collect();
        return join(
            base,
            &scope
                .expand(&template.replace("{repo}", &repo.join("/")))
                .text,
        );
    }
    match &source.dest {
        Some(dest) => join(base, dest),
        None => base.to_string(),
    }
}

#[cfg(test)]
mod tests;
