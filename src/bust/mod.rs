//! `cachebust bust` and `cachebust exec`: compute the cache-bust value that changes exactly when a
//! remote moved. Each mutable remote's ref is resolved with `git ls-remote`; an arg's value is a short
//! digest of the commits of the remotes it covers, so its layers rebuild when, and only when, one of
//! those remotes has a new commit.
//!
//! The pipeline: `collect` (Dockerfiles → remotes and the arg covering each) → `target` (what to ask
//! git, credentials from the environment) → `resolve` (in parallel via `pool`) → `compute` (fallbacks,
//! one value per arg) → `render` or `exec`.
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

mod collect;
mod compute;
mod exec;
mod forward;
mod outcome;
mod pool;
pub(crate) mod redact;
mod render;
pub(crate) mod resolve;
pub(crate) mod target;
mod value;

pub use compute::compute;
pub use outcome::{ArgValue, BustError, FileRemotes, Remote, State, Values};
pub use render::{render, Format};
pub use value::digest;

use crate::settings::Settings;

const AFTER_HELP: &str = "\
The value of an arg is the first 12 hex digits of the SHA-256 of the commits of the remotes it covers, \
one per line, in Dockerfile order. It stays the same while those remotes stay put and changes as soon as \
one moves. Dockerfiles that declare the same arg name share one value over all their remotes, so a service \
also rebuilds when another service's remote moves. A compose service that passes the arg through a variable \
of its own (`CACHE_BUST: ${CACHE_BUST_API:-unknown}`, what `check --fix` writes) gets that variable set from \
the remotes of the stages it builds alone; the compose files under the paths (and, for `exec`, those its \
`docker compose` command reads) are read for that. Otherwise give the services distinct arg names, or use \
--per-layer.

Variables a remote's URL needs (`https://${GIT_USER}:${GIT_TOKEN}@host/…`) are taken from the \
environment. Credentials are never printed.";

/// Options shared by `bust` and `exec`: how remotes are resolved.
#[derive(Debug, Clone, clap::Args)]
pub struct ResolveArgs {
    /// What to do with a remote whose commit cannot be resolved (unreachable, `@latest`, a Go module).
    #[arg(long, value_enum, default_value_t = Fallback::Error)]
    pub fallback: Fallback,
    /// Seconds to wait for each remote before giving up on it.
    #[arg(long, value_name = "SECS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// One arg per remote layer, `CACHE_BUST_<REPO>`, so a moved remote rebuilds only its own layer.
    #[arg(long)]
    pub per_layer: bool,
}

/// `cachebust bust [PATH…]`: print the values.
#[derive(Debug, Clone, clap::Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct BustArgs {
    /// Dockerfiles or directories to read [default: .]
    pub paths: Vec<PathBuf>,
    /// How the values are printed.
    #[arg(long, value_enum, default_value_t = Format::Env, alias = "output-format")]
    pub format: Format,
    #[command(flatten)]
    pub resolve: ResolveArgs,
}

/// `cachebust exec [--file PATH…] -- COMMAND…`: run a command with the values in its environment.
#[derive(Debug, Clone, clap::Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct ExecArgs {
    /// A Dockerfile or directory to read (repeatable) [default: .]
    #[arg(long = "file", short = 'f', value_name = "PATH")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub resolve: ResolveArgs,
    /// The command to run, e.g. `docker compose build`.
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub command: Vec<OsString>,
}

/// What happens to a remote whose commit cannot be resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Fallback {
    /// fail (exit 2), naming the remote and why
    Error,
    /// use the current time for it: its layer rebuilds on every build
    Timestamp,
    /// leave it out of the value: its layer stays cached
    Skip,
}

/// Everything `compute` needs besides the paths.
#[derive(Debug, Clone)]
pub struct Options {
    pub settings: Settings,
    pub fallback: Fallback,
    /// How long one remote may take.
    pub timeout: Duration,
    pub per_layer: bool,
    /// How many remotes are asked at once.
    pub jobs: usize,
    /// Whether to draw a progress line on stderr when resolving is slow.
    pub progress: bool,
    /// Compose files read besides those under the paths (those `exec`'s `docker compose` command reads).
    pub compose_files: Vec<PathBuf>,
}

impl Options {
    /// Options from the command line, with the default settings; progress only on a terminal.
    pub fn from_args(args: &ResolveArgs) -> Options {
        Options {
            settings: Settings::default(),
            fallback: args.fallback,
            timeout: Duration::from_secs(args.timeout),
            per_layer: args.per_layer,
            jobs: 8,
            progress: std::io::stderr().is_terminal(),
            compose_files: Vec::new(),
        }
    }
}

/// Runs `cachebust bust`: prints the values on stdout, warnings and errors on stderr. Exit 0 or 2.
pub fn run_bust(args: &BustArgs) -> u8 {
    let Some(values) = compute_or_report(&args.paths, Options::from_args(&args.resolve)) else {
        return 2;
    };
    let text = render(args.format, &values);
    match args.format {
        Format::Json => crate::console::out_structured(&text),
        _ => crate::console::out(&text),
    }
    0
}

/// Runs `cachebust exec`: computes the values and runs the command with them in its environment.
/// Returns the command's exit code, or 2 when the values cannot be computed.
pub fn run_exec(args: &ExecArgs) -> u8 {
    // The compose files the command reads, so that each service's own variable is set even when
    // `--file` names only Dockerfiles.
    let options = Options {
        compose_files: forward::compose_files(&args.command),
        ..Options::from_args(&args.resolve)
    };
    let Some(values) = compute_or_report(&args.files, options) else {
        return 2;
    };
    let vars: Vec<(String, String)> = values
        .args
        .iter()
        .map(|a| (a.name.clone(), a.value.clone()))
        .chain(
            values
                .driver_vars
                .iter()
                .map(|v| (v.name.clone(), v.value.clone())),
        )
        .collect();
    for a in &values.args {
        let plural = if a.remotes == 1 { "" } else { "s" };
        crate::console::errln(&format!(
            "cachebust: {}={} ({} remote{plural})",
            a.name, a.value, a.remotes
        ));
    }
    for v in &values.driver_vars {
        crate::console::errln(&format!(
            "cachebust: {}={} (`{}` passes it as `{}`)",
            v.name, v.value, v.driver, v.arg
        ));
    }
    // The command runs as given (`exec` is `env(1)` with values): a build that does not forward the
    // values gets the command that would, rather than a rewritten argv the user never typed.
    // Only the Dockerfiles' own args: a compose service's variable (`CACHE_BUST_API`) is no build arg.
    let names: Vec<String> = vars
        .iter()
        .map(|(name, _)| name.clone())
        .filter(|name| {
            values
                .files
                .iter()
                .any(|f| f.remotes.iter().any(|r| &r.arg == name))
        })
        .collect();
    if let Some((missing, command)) = forward::unforwarded(&args.command, &names) {
        let missing: Vec<String> = missing.iter().map(|n| format!("`{n}`")).collect();
        let its = if missing.len() == 1 {
            "its value never reaches"
        } else {
            "their values never reach"
        };
        crate::console::errln(&format!(
            "warning: the command passes no `--build-arg` for {}, so {its} the build; \
             run instead: {command}",
            missing.join(", ")
        ));
    }
    exec::run_command(&args.command, &vars)
}

/// The values, with warnings printed; `None` after printing why there are none.
fn compute_or_report(paths: &[PathBuf], options: Options) -> Option<Values> {
    let env = |name: &str| std::env::var(name).ok();
    match compute(paths, &options, &env) {
        Ok(values) => {
            for warning in &values.warnings {
                crate::console::errln(&format!("warning: {warning}"));
            }
            if values.args.is_empty() {
                let files = values.files.len();
                crate::console::errln(&format!(
                    "cachebust: no mutable remote in {files} Dockerfile(s): nothing to bust"
                ));
            }
            Some(values)
        }
        Err(error) => {
            crate::console::err(&error.render());
            None
        }
    }
}
