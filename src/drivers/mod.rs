//! Build drivers: the files that start a build (shell scripts, Makefiles) and what they pass it.
//!
//! Each driver turns one file into [`Invocation`]s of one shared shape; the rules about passing the
//! cache-bust arg (`check`) are written once, over invocations, whatever the driver. A new driver is a
//! parser plus a mapping into [`Invocation`], never a new rule.
mod bake;
mod build_args;
mod check;
mod ci;
mod command;
mod just;
mod make;
mod messages;
mod script;
mod value;

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::compose::dockerfiles::Dockerfiles;
use crate::lint::FileReport;
use crate::settings::Settings;
use crate::source::{display_path, SourceFile};

pub use check::check_invocations;
pub use value::{classify, ValueKind};

/// Which kind of file an invocation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverKind {
    Script,
    Makefile,
    GitLab,
    Just,
    Actions,
    Bake,
}

/// Where the build's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// A directory on disk (resolved against the driver's directory).
    Dir(PathBuf),
    /// A git or HTTP URL: Docker fetches it on every build, so it is skipped.
    Remote,
    /// A path that depends on a value not known here (a CI matrix, an unset variable).
    Unknown,
}

impl Context {
    /// The context a driver names: `written` as in the file (`.` when it names none), `value` that
    /// text with the driver's variables in place (`None`: not known here).
    pub fn named(dir: &Path, written: &str, value: Option<String>) -> Context {
        if written.contains("://") || written.starts_with("git@") {
            return Context::Remote;
        }
        value.map_or(Context::Unknown, |v| Context::Dir(dir.join(v)))
    }

    /// The directory, when it is one on disk.
    pub fn dir(&self) -> Option<&Path> {
        match self {
            Context::Dir(dir) => Some(dir),
            Context::Remote | Context::Unknown => None,
        }
    }
}

/// The Dockerfile a build reads: `file` (`None`: not given; `Some(None)`: given, not known here) joined
/// to `base`, else `Dockerfile` in the context. `None` when it is not known here.
pub fn dockerfile_of(
    base: Option<&Path>,
    file: Option<Option<String>>,
    context: &Context,
) -> Option<PathBuf> {
    match file {
        Some(file) => Some(base.or(context.dir())?.join(file?)),
        None => Some(context.dir()?.join("Dockerfile")),
    }
}

/// One build arg as the driver passes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassedArg {
    pub name: String,
    pub value: ValueKind,
    /// The value as written in the driver (a variable's assignment when it names one).
    pub text: String,
    /// The `--build-arg` word.
    pub span: Range<usize>,
    /// Where the value was set, when an earlier assignment of the driver set it (`export X=$(date)`).
    pub origin: Option<Range<usize>>,
}

/// One build a driver starts: `docker build`, `podman build`, `buildah bud`, ….
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub kind: DriverKind,
    /// The command in the driver's file.
    pub span: Range<usize>,
    /// The command as a user would type it (for `cachebust exec -- …` in a help).
    pub command: String,
    /// The Dockerfile (`-f`, else `Dockerfile` in the context), resolved against the driver's directory;
    /// `None` when its path, its context or the target stage depends on a value not known here (a CI
    /// matrix, an unset variable): such a build is not checked, as no finding beats a false one.
    pub dockerfile: Option<PathBuf>,
    /// The `-f` word, when given: a missing Dockerfile is reported there.
    pub dockerfile_span: Option<Range<usize>>,
    pub context: Context,
    pub target: Option<String>,
    pub args: Vec<PassedArg>,
    /// A `docker compose build`: `args` are then the bust-named variables the driver set before it,
    /// which compose's `${VAR}` interpolation reads, and `dockerfile` is unused.
    pub compose: bool,
    /// Where a fix adds a bust arg (`None`: no such fix).
    pub add_arg: Option<AddArg>,
}

/// Where and how a fix adds the bust arg to a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddArg {
    /// Just past the `build` word: ` --build-arg NAME` (the value from the environment).
    Flag(usize),
    /// A bake target: an `args` entry, and a `variable` block when the file has none of that name.
    Bake(bake::BakeFix),
    /// A `docker/build-push-action` step: a `build-args` line from the job's environment.
    BuildArgs(build_args::BuildArgsFix),
}

impl AddArg {
    /// The edits that pass `name`, keeping `default` (the fix's default value) where the driver can.
    pub fn edits(&self, name: &str, default: &str) -> Vec<crate::finding::Edit> {
        match self {
            AddArg::Flag(at) => vec![crate::finding::Edit::insert(
                *at,
                format!(" --build-arg {name}"),
            )],
            AddArg::Bake(fix) => fix.edits(name),
            AddArg::BuildArgs(fix) => fix.edits(name, default),
        }
    }
}

/// Whether a file name is a build driver's by its name alone: `*.sh`, `Makefile`, `makefile`,
/// `GNUmakefile`, `*.mk`.
pub fn is_driver_name(name: &str) -> bool {
    is_bake_name(name)
        || name == ".gitlab-ci.yml"
        || name.eq_ignore_ascii_case("justfile")
        || name == ".justfile"
        || name.ends_with(".sh")
        || name.ends_with(".mk")
        || matches!(name, "Makefile" | "makefile" | "GNUmakefile")
}

/// Whether a file name is a bake file's that bake reads by default (`docker-bake.hcl`,
/// `docker-bake.json` and their `.override` twins); other `*.hcl` files are bake files only when named
/// explicitly.
pub fn is_bake_name(name: &str) -> bool {
    matches!(
        name,
        "docker-bake.hcl"
            | "docker-bake.override.hcl"
            | "docker-bake.json"
            | "docker-bake.override.json"
    )
}

/// Whether a path is a GitHub Actions workflow's: `.github/workflows/*.yml` or `*.yaml`.
pub fn is_workflow_path(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let dir = path.parent().unwrap_or(Path::new(""));
    (name.ends_with(".yml") || name.ends_with(".yaml"))
        && dir.file_name().is_some_and(|d| d == "workflows")
        && dir
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == ".github")
}

/// Whether the text is a shell script by its shebang (`#!/bin/sh`, `#!/usr/bin/env bash`, …).
pub fn has_shell_shebang(text: &str) -> bool {
    let Some(line) = text.strip_prefix("#!").and_then(|t| t.lines().next()) else {
        return false;
    };
    let mut words = line.split_whitespace();
    let program = words.next().unwrap_or("");
    let program = match program.rsplit('/').next() {
        Some("env") => words.find(|w| !w.starts_with('-')).unwrap_or(""),
        Some(p) => p,
        None => "",
    };
    matches!(program, "sh" | "bash" | "dash" | "zsh" | "ksh")
}

/// Lints the driver at `path`: a report when it starts at least one build, `None` when it starts none
/// (most scripts build nothing). The Dockerfiles it builds are linted into `dockerfiles`.
pub fn lint_driver(
    path: &Path,
    cwd: &Path,
    settings: &Settings,
    dockerfiles: &mut Dockerfiles,
) -> std::io::Result<Option<FileReport>> {
    let bytes = crate::source::read_file(path)?;
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(None);
    };
    let found = invocations(path, &text);
    let file = SourceFile::new(path.to_path_buf(), display_path(path, cwd), text);
    if let Some(error) = bake_error(&file) {
        return Ok(Some(FileReport {
            file,
            findings: vec![error],
        }));
    }
    if found.is_empty() {
        return Ok(None);
    }
    let mut errors = Vec::new();
    let findings = check_invocations(&file, &found, dockerfiles, cwd, settings, &mut errors);
    if let Some(error) = errors.into_iter().next() {
        return Err(std::io::Error::other(error));
    }
    let findings = settings.filter(&file.path, findings);
    Ok(Some(FileReport { file, findings }))
}

/// A CB000 for a bake file or a CI file that does not parse.
fn bake_error(file: &SourceFile) -> Option<crate::finding::Finding> {
    let name = file.path.file_name().unwrap_or_default();
    if is_workflow_path(&file.path) || name == ".gitlab-ci.yml" {
        let error = crate::compose::yaml::parse_yaml(file).err()?;
        return Some(messages::ci_syntax(error.span, &error.message));
    }
    if file.path.extension().is_none_or(|e| e != "hcl") && !is_bake_name(&name.to_string_lossy()) {
        return None;
    }
    let (message, at) = bake::syntax_error(&file.path, &file.text)?;
    let end = file.text[at..]
        .chars()
        .next()
        .map_or(at, |c| at + c.len_utf8());
    Some(messages::syntax(at..end, &message))
}

/// Lints a driver's text as if it were at `file.path`, for a fixer that re-lints text it has not
/// written yet (a Dockerfile that cannot be read is then simply not checked).
pub fn lint_driver_text(file: SourceFile, cwd: &Path, settings: &Settings) -> FileReport {
    if let Some(error) = bake_error(&file) {
        return FileReport {
            file,
            findings: vec![error],
        };
    }
    let found = invocations(&file.path, &file.text);
    let mut dockerfiles = Dockerfiles::default();
    let findings = check_invocations(
        &file,
        &found,
        &mut dockerfiles,
        cwd,
        settings,
        &mut Vec::new(),
    );
    let findings = settings.filter(&file.path, findings);
    FileReport { file, findings }
}

/// The environment variables the driver at `path` passes as build args under another name
/// (`--build-arg CACHE_BUST=$(BUST)`, bake's `CACHE_BUST = "${BUST}"`): `(variable, arg)` pairs, for
/// `cachebust exec` to set each variable to its arg's value. A file that cannot be read yields none.
pub fn environment_names(path: &Path) -> Vec<(String, String)> {
    let Ok(text) = crate::source::read_file(path).map(String::from_utf8) else {
        return Vec::new();
    };
    let Ok(text) = text else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = invocations(path, &text)
        .iter()
        .filter(|build| !build.compose)
        .flat_map(|build| &build.args)
        .filter_map(|arg| match &arg.value {
            ValueKind::Environment(var)
                if *var != arg.name
                    && !var.is_empty()
                    && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                Some((var.clone(), arg.name.clone()))
            }
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether a file is a build driver: by its name, or (for a name that is no Dockerfile's) its shebang.
pub fn is_driver(path: &Path, text: &str) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    is_driver_name(&name)
        || name.ends_with(".hcl")
        || is_workflow_path(path)
        || (!crate::discover::is_dockerfile_name(&name) && has_shell_shebang(text))
}

/// The builds the driver at `path` starts, read from its text.
pub fn invocations(path: &Path, text: &str) -> Vec<Invocation> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let dir = path.parent().unwrap_or(Path::new(""));
    if is_workflow_path(path) {
        let root = dir.parent().and_then(Path::parent).unwrap_or(Path::new(""));
        ci::invocations(DriverKind::Actions, root, path, text)
    } else if name.ends_with(".hcl") || is_bake_name(&name) {
        bake::invocations(path, text)
    } else if name.eq_ignore_ascii_case("justfile") || name == ".justfile" {
        just::invocations(dir, text)
    } else if name == ".gitlab-ci.yml" {
        ci::invocations(DriverKind::GitLab, dir, path, text)
    } else if name.ends_with(".mk") || matches!(&*name, "Makefile" | "makefile" | "GNUmakefile") {
        make::invocations(dir, text)
    } else {
        script::invocations(dir, text)
    }
}
