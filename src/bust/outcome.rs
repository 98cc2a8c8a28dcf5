//! What `bust` computes: each arg's value and, per Dockerfile, each remote with its resolved state.
use std::fmt;

/// The values to pass to the build, and how each remote was resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    /// Each arg and its value, in order of first appearance.
    pub args: Vec<ArgValue>,
    /// The Dockerfiles read (with or without remotes), in the order walked.
    pub files: Vec<FileRemotes>,
    /// One line per remote that fell back, and why (credentials already redacted).
    pub warnings: Vec<String>,
    /// Variables a build driver reads for a bust arg under another name (`--build-arg
    /// CACHE_BUST=$(BUST)`), each with that arg's value, in name order.
    pub driver_vars: Vec<DriverVar>,
}

/// A variable a build driver passes as a bust arg, and the value it should hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriverVar {
    pub name: String,
    pub arg: String,
    pub value: String,
    /// The driver that reads it, as the user would type its path.
    pub driver: String,
}

/// A build arg and the value that rebuilds its layers exactly when a remote it covers moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgValue {
    pub name: String,
    pub value: String,
    /// How many distinct remotes went into the value.
    pub remotes: usize,
}

/// One Dockerfile's mutable remotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRemotes {
    /// The path as the user would type it.
    pub path: String,
    pub remotes: Vec<Remote>,
}

/// One mutable remote and where it stands now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    pub line: usize,
    /// The detector's tool name, e.g. `git clone`.
    pub tool: String,
    /// The URL as the Dockerfile writes it, userinfo redacted (`https://***@host/…`).
    pub url: String,
    /// The ref as written (`None`: the remote's default branch).
    pub reference: Option<String>,
    /// The arg whose value follows this remote.
    pub arg: String,
    pub state: State,
}

/// How a remote's current state was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// The commit the ref points at, and the full ref that held it (`None`: the ref was a commit).
    Resolved {
        commit: String,
        refname: Option<String>,
    },
    /// Unresolvable, so the current time (Unix seconds) stands in: its layer rebuilds every time.
    Timestamp { seconds: u64, reason: String },
    /// Unresolvable, and left out of the value: its layer stays cached.
    Skipped { reason: String },
}

impl Values {
    /// The value of an arg, if any remote uses it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    /// Every remote, with the path of its Dockerfile.
    pub fn remotes(&self) -> impl Iterator<Item = (&str, &Remote)> {
        self.files
            .iter()
            .flat_map(|f| f.remotes.iter().map(move |r| (f.path.as_str(), r)))
    }
}

/// Why no values could be computed: every problem at once, then what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BustError {
    /// One line per problem, credentials redacted.
    pub problems: Vec<String>,
    pub help: Option<String>,
}

impl BustError {
    pub(crate) fn new(problems: Vec<String>, help: Option<&str>) -> BustError {
        BustError {
            problems,
            help: help.map(str::to_string),
        }
    }

    /// The `error: …` lines and the `help:` line, as printed on stderr.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for problem in &self.problems {
            out += &format!("error: {problem}\n");
        }
        if let Some(help) = &self.help {
            out += &format!("  help: {help}\n");
        }
        out
    }
}

impl fmt::Display for BustError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems.join("; "))
    }
}

impl std::error::Error for BustError {}
