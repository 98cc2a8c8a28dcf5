//! `cachebust server`: the Language Server Protocol over stdio. A driver of the pipeline, not a second
//! one: it feeds the editor's buffers where `check` feeds files, and renders findings as diagnostics
//! where `report/` renders text.
//!
//! `transport` runs the protocol's life cycle (initialize, the message loop, cancellation, shutdown and
//! exit); `session` holds the state and answers requests, `notifications` applies what the client says;
//! `documents` keeps the open buffers; `workspace` decides what a change re-lints; `config` finds
//! each file's settings; `diagnostics`, `actions` and `hover` turn the pipeline's results into replies.
mod actions;
mod config;
mod diagnostics;
mod documents;
mod hover;
mod notifications;
mod position;
mod session;
mod transport;
mod workspace;

pub use position::{Encoding, LineIndex};
pub use transport::{run_server, serve};

/// `cachebust server`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ServerArgs {
    /// Speak over standard input and output (the only transport; accepted because clients pass it).
    #[arg(long)]
    pub stdio: bool,
}
