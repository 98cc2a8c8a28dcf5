//! The Dockerfile as the checks see it: stages, ARG and ENV declarations, RUN commands as argv words.
//! Every span is a byte range of the original file (byte order mark included).
use std::ops::Range;

use crate::parse::shell::{ShellKind, SimpleCommand};

mod build;
pub mod scope;

pub use build::build_dockerfile;

/// A parsed Dockerfile.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// `ARG`s before the first `FROM`: visible to `FROM` lines, and to a stage only when it re-declares them.
    pub global_args: Vec<ArgDecl>,
    pub stages: Vec<Stage>,
    /// The `# syntax=` parser directive, if any.
    pub syntax: Option<String>,
}

/// One build stage: its `FROM` and the instructions up to the next `FROM`.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: Option<String>,
    /// The earlier stage this one is built `FROM`, if any.
    pub parent: Option<usize>,
    /// The `FROM` instruction.
    pub from: Range<usize>,
    pub items: Vec<Item>,
}

/// One instruction of a stage.
#[derive(Debug, Clone)]
pub struct Item {
    /// From the instruction's keyword (or its `ONBUILD`) to the end of its last line.
    pub span: Range<usize>,
    /// Whether this is the inner instruction of an `ONBUILD`.
    pub onbuild: bool,
    pub kind: ItemKind,
}

#[derive(Debug, Clone)]
pub enum ItemKind {
    Arg(Vec<ArgDecl>),
    Env(Vec<(String, String)>),
    Run(Run),
    /// `COPY` or `ADD`.
    Copy(Copy),
    /// `WORKDIR` with its path as written.
    Workdir(String),
    Shell(ShellKind),
    Other,
}

/// One name declared by an `ARG` instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDecl {
    pub name: String,
    pub default: Option<String>,
    /// The `ARG` instruction that declares it.
    pub span: Range<usize>,
}

/// A `COPY` or `ADD` instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    /// Whether this is `ADD` (which can fetch URLs).
    pub add: bool,
    /// `--from=stage|image`: the files do not come from the build context.
    pub from: Option<String>,
    pub sources: Vec<String>,
    pub dest: String,
}

/// A `RUN` instruction as simple commands (shell form, exec form and heredoc scripts alike).
#[derive(Debug, Clone)]
pub struct Run {
    pub commands: Vec<SimpleCommand>,
    pub shell: ShellKind,
    /// The raw text of the instruction after `RUN` and its flags (for reference checks).
    pub text: Range<usize>,
}

impl Dockerfile {
    /// `stage` and the stages it is built from, nearest first.
    pub fn lineage(&self, stage: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(stage), move |&s| self.stages[s].parent)
    }
}
