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
}

/// Runs one of the three commands.
pub fn run_pin(action: Action, args: &PinArgs) -> u8 {
    let options = Options {
        action,
        check: args.check,
        diff: args.diff,
        strict: args.strict,
        timeout: Duration::from_secs(args.timeout),
    };
    run(&args.paths, &options)
}
