//! The command line: argument parsing, the subcommands, and exit codes (0 clean, 1 findings, 2 errors).
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

mod check;
mod fixing;
mod rule;

pub use check::CheckArgs;
pub use rule::RuleArgs;

/// Finds Dockerfile layers that fetch a mutable remote and are served stale from the build cache.
#[derive(Debug, Parser)]
#[command(name = "cachebust", version, about, propagate_version = true)]
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
    /// Speak the Language Server Protocol on stdin/stdout: diagnostics, fixes and hover in an editor.
    Server(crate::server::ServerArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
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
        Command::Server(_) => crate::server::run_server(),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "cachebust",
                &mut std::io::stdout(),
            );
            0
        }
    }
}
