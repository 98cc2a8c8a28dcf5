//! cachebust finds Dockerfile layers that fetch a mutable remote (a branch, `latest`) and are served stale
//! from Docker's build cache, checks whether a cache-bust build arg really covers them, and fixes them.
//!
//! The pipeline, one way: `source` → `parse` → `model` → `detect` → `checks` → `fix` → `report`.
pub mod bust;
pub mod catalogue;
pub mod checks;
pub mod cli;
pub mod compose;
pub mod config;
pub mod console;
pub mod context;
pub mod detect;
pub mod discover;
pub mod drivers;
pub mod finding;
pub mod fix;
pub mod lint;
pub mod model;
pub mod parallel;
pub mod parse;
pub mod pin;
pub mod redact;
pub mod report;
pub mod server;
pub mod settings;
pub mod source;
