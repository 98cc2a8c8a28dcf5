//! Start-up: whole processes of the built binary, as pre-commit and an editor run it (issue 19).
//!
//! `cargo bench --bench startup`. Each sample starts `cachebust` afresh (settings, detectors, one file,
//! the report), so work done once per process, which the in-process benchmarks of `pipeline.rs` hide
//! after their first iteration, shows here: a pattern compiled at start again, or the catalogue read
//! eagerly, moves `check_typical` away from `version`, the floor of the same binary.
use std::process::{Command, Stdio};

use divan::black_box;

fn main() {
    divan::main();
}

const BIN: &str = env!("CARGO_BIN_EXE_cachebust");
const TYPICAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/bench/fixtures/typical.Dockerfile"
);

/// Runs the binary with `args` (stdin from `stdin`, output discarded) and returns its exit code.
fn run(args: &[&str], stdin: Option<&str>) -> i32 {
    let input = match stdin {
        Some(path) => Stdio::from(std::fs::File::open(path).expect("fixture")),
        None => Stdio::null(),
    };
    let status = Command::new(BIN)
        .args(args)
        .stdin(input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the built binary starts");
    status.code().unwrap_or(-1)
}

/// `cachebust --version`: the process floor of this binary.
#[divan::bench(sample_count = 50, sample_size = 1)]
fn version() -> i32 {
    run(black_box(&["--version"]), None)
}

/// `cachebust check --isolated bench/fixtures/typical.Dockerfile` (exit 1: it has findings).
#[divan::bench(sample_count = 50, sample_size = 1)]
fn check_typical() -> i32 {
    let code = run(black_box(&["check", "--isolated", TYPICAL]), None);
    assert_eq!(code, 1, "the typical file has findings");
    code
}

/// The editor's path: the same file on stdin with `--stdin-filename`.
#[divan::bench(sample_count = 50, sample_size = 1)]
fn check_typical_stdin() -> i32 {
    let args = ["check", "--isolated", "-", "--stdin-filename", TYPICAL];
    let code = run(black_box(&args), Some(TYPICAL));
    assert_eq!(code, 1, "the typical file has findings");
    code
}
