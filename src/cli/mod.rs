//! The command line: argument parsing, the subcommands, and exit codes (0 clean, 1 findings, 2 errors).
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check;
mod completions;
mod fixing;
mod man;
mod rule;

pub use check::CheckArgs;
pub use man::render_man_page;
pub use rule::RuleArgs;

/// Finds Dockerfile layers that fetch a mutable remote and are served stale from the build cache.
#[derive(Debug, Parser)]
// The version carries the git commit when built from a checkout (build.rs).
#[command(name = "cachebust", version = env!("CACHEBUST_VERSION"), about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Dockerfiles and compose files (directories are walked, respecting .gitignore).
    #[command(after_help = check::AFTER_HELP)]
    Check(CheckArgs),
    /// Show a rule's documentation.
    Rule(RuleArgs),
    /// Print cache-bust values that change exactly when a remote moved (`git ls-remote`).
    Bust(crate::bust::BustArgs),
    /// Run a command (e.g. `docker compose build`) with the cache-bust values in its environment.
    Exec(crate::bust::ExecArgs),
    /// Print a shell completion script.
    #[command(after_help = completions::AFTER_HELP)]
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from these definitions.
    #[command(hide = true)]
    Man,
}

/// Runs the command line. A panic is reported as an internal error (exit 2), never as a backtrace dump,
/// unless `RUST_BACKTRACE` asks for one.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if std::env::var_os("RUST_BACKTRACE").is_none() {
        std::panic::set_hook(Box::new(|info| {
            eprintln!(
                "error: internal error: {info}\n\
                 This is a bug in cachebust. Please report it with the file that triggered it \
                 (set RUST_BACKTRACE=1 for a backtrace)."
            );
        }));
    }
    let code = std::panic::catch_unwind(|| run(cli)).unwrap_or(2);
    ExitCode::from(code)
}

fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => check::run_check(&args),
        Command::Rule(args) => rule::run_rule(&args),
        Command::Bust(args) => crate::bust::run_bust(&args),
        Command::Exec(args) => crate::bust::run_exec(&args),
        Command::Completions { shell } => completions::run_completions(shell),
        Command::Man => man::run_man(),
    }
}
