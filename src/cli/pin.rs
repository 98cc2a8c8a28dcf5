//! `cachebust pin`, `update` and `unpin`: the arguments; the work is in `crate::pin::run`.
use std::path::PathBuf;
use std::time::Duration;

use crate::pin::run::{run, Action, Options};

/// Options shared by the three commands.
#[derive(Debug, Clone, clap::Args)]
pub struct PinArgs {
    /// Dockerfiles or directories to read [default: .]
    pub paths: Vec<PathBuf>,
    /// Write nothing; show the changes as a diff.
    #[arg(long)]
    pub diff: bool,
    /// Seconds to wait for each remote.
    #[arg(long, value_name = "SECS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// `pin`: exit 1 when a remote cannot be pinned. `update`: write nothing, exit 1 when a pin is behind.
    #[arg(long)]
    pub strict: bool,
    /// `update`: write nothing, list the pins that are behind and exit 1 when any is.
    #[arg(long)]
    pub check: bool,
    /// Also print, on stdout, the Renovate config (`customManagers`, `git-refs`) that keeps the tracked
    /// pins fresh; run it from the repository's root.
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "diff")]
    pub format: Option<PinFormat>,
}

/// What `--format` prints after the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PinFormat {
    /// A Renovate config with one regex custom manager per tracked pin.
    Renovate,
}

/// Runs one of the three commands.
pub fn run_pin(action: Action, args: &PinArgs) -> u8 {
    let options = Options {
        action,
        check: args.check,
        diff: args.diff,
        strict: args.strict,
        timeout: Duration::from_secs(args.timeout),
        renovate: args.format == Some(PinFormat::Renovate),
    };
    run(&args.paths, &options)
}
