//! The command line: argument parsing, the subcommands, and exit codes (0 clean, 1 findings, 2 errors).
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::console;

mod check;
mod completions;
mod fixing;
mod man;
mod pin;
mod rule;

pub use check::CheckArgs;
pub use man::render_man_page;
pub use rule::RuleArgs;

/// Finds Dockerfile layers that fetch a mutable remote and are served stale from the build cache.
#[derive(Debug, Parser)]
// The version carries the git commit when built from a checkout (build.rs).
#[command(name = "cachebust", version = env!("CACHEBUST_VERSION"), about, propagate_version = true, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

const AFTER_HELP: &str = "\
Examples:
  cachebust check                       lint the Dockerfiles and compose files under .
  cachebust check --fix services/       fix what can be fixed safely, report the rest
  cachebust check --diff                show the fixes as diffs, write nothing
  cachebust rule CB001                  why a rule exists, with examples
  cachebust exec -- docker compose build
                                        build with cache-bust values that follow the remotes

Exit codes: 0 clean, 1 findings, 2 usage, config, I/O or internal errors (a failed write to stdout,
such as a full disk, included), 141 when the reader of the output went away (`cachebust man | head`).
Docs: the README and `cachebust rule` (rules/ in the source tree).";

// `display_name`: `cachebust check -V` prints `cachebust 0.1.0`, not clap's `cachebust-check 0.1.0`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Dockerfiles and compose files (directories are walked, respecting .gitignore).
    #[command(after_help = check::AFTER_HELP, display_name = "cachebust")]
    Check(CheckArgs),
    /// Show a rule's documentation (a table of every rule without a code).
    #[command(display_name = "cachebust")]
    Rule(RuleArgs),
    /// Print cache-bust values that change exactly when a remote moved (`git ls-remote`).
    #[command(display_name = "cachebust")]
    Bust(crate::bust::BustArgs),
    /// Pin each mutable remote to its ref's current commit, tracking the ref in `# cachebust: track`.
    #[command(display_name = "cachebust")]
    Pin(pin::PinArgs),
    /// Move every tracked pin to its ref's current commit (`--check`: only report, exit 1 if behind).
    #[command(display_name = "cachebust")]
    Update(pin::PinArgs),
    /// Put every tracked pin back at the ref it tracks (the bust workflow).
    #[command(display_name = "cachebust")]
    Unpin(pin::PinArgs),
    /// Run a command (e.g. `docker compose build`) with the cache-bust values in its environment.
    #[command(display_name = "cachebust")]
    Exec(crate::bust::ExecArgs),
    /// Speak the Language Server Protocol on stdin/stdout: diagnostics, fixes and hover in an editor.
    Server(crate::server::ServerArgs),
    /// Print a shell completion script.
    #[command(display_name = "cachebust", after_help = completions::AFTER_HELP)]
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from these definitions.
    #[command(hide = true, display_name = "cachebust")]
    Man,
}

/// Runs the command line. A panic is reported as an internal error (exit 2), never as a backtrace dump,
/// unless `RUST_BACKTRACE` asks for one.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let hint = path_given_as_command(&error);
            // clap prints help and version through an "error" too, to stdout with exit 0.
            let code = error.exit_code();
            if error.use_stderr() {
                let _ = error.print();
            } else {
                console::out(&error.render().to_string());
            }
            if let Some(path) = hint {
                console::errln(&format!(
                    "\n  tip: to lint `{path}`, run `cachebust check {path}`"
                ));
            }
            let code = u8::try_from(code).unwrap_or(2);
            return ExitCode::from(console::exit_code(code));
        }
    };
    if std::env::var_os("RUST_BACKTRACE").is_none() {
        std::panic::set_hook(Box::new(|info| {
            console::errln(&format!(
                "error: internal error: {info}\n\
                 This is a bug in cachebust. Please report it with the file that triggered it \
                 (set RUST_BACKTRACE=1 for a backtrace)."
            ));
        }));
    }
    let code = std::panic::catch_unwind(|| run(cli)).unwrap_or(2);
    ExitCode::from(console::exit_code(code))
}

/// hadolint's habit, `cachebust Dockerfile`: the "subcommand" is a file or directory that exists.
fn path_given_as_command(error: &clap::Error) -> Option<String> {
    if error.kind() != clap::error::ErrorKind::InvalidSubcommand {
        return None;
    }
    let first = std::env::args_os().nth(1)?;
    std::path::Path::new(&first)
        .exists()
        .then(|| first.to_string_lossy().into_owned())
}

fn run(cli: Cli) -> u8 {
    // No input is known to panic: debug builds (the tests' binary) can be asked to, so the hook's
    // report stays tested.
    #[cfg(debug_assertions)]
    if std::env::var_os("CACHEBUST_TEST_PANIC").is_some() {
        panic!("asked to by CACHEBUST_TEST_PANIC");
    }
    match cli.command {
        Command::Check(args) => check::run_check(&args),
        Command::Rule(args) => rule::run_rule(&args),
        Command::Bust(args) => crate::bust::run_bust(&args),
        Command::Pin(args) => pin::run_pin(crate::pin::run::Action::Pin, &args),
        Command::Update(args) => pin::run_pin(crate::pin::run::Action::Update, &args),
        Command::Unpin(args) => pin::run_pin(crate::pin::run::Action::Unpin, &args),
        Command::Exec(args) => crate::bust::run_exec(&args),
        Command::Server(_) => crate::server::run_server(),
        Command::Completions { shell } => completions::run_completions(shell),
        Command::Man => man::run_man(),
    }
}
