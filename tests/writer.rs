//! Every command writes through one checked writer: a full disk (`> /dev/full`) is exit 2 with one
//! message on stderr, a closed pipe (`| head`) is a quiet exit 141, never a panic or "Broken pipe".
#![cfg(unix)]

use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A Dockerfile with a finding, a fix, and a remote that `bust` cannot reach (refused at once, no
/// network), so `bust --fallback timestamp` prints values.
const DOCKERFILE: &str =
    "FROM alpine\nRUN git clone -b main https://127.0.0.1:1/acme/tool.git /t\n";

/// Every command and format that prints on stdout, with its stdin (for `check -`).
fn commands() -> Vec<(Vec<&'static str>, Option<&'static str>)> {
    let mut all: Vec<(Vec<&str>, Option<&str>)> = Vec::new();
    for format in ["full", "concise", "json", "sarif", "github"] {
        all.push((vec!["check", "--output-format", format], None));
        all.push((
            vec!["check", "--exit-zero", "--output-format", format],
            None,
        ));
    }
    for args in [
        vec!["check", "--diff"],
        vec!["check", "--statistics"],
        vec!["rule"],
        vec!["rule", "--all"],
        vec!["rule", "CB001"],
        vec!["rule", "--all", "--output-format", "json"],
        vec!["man"],
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["completions", "fish"],
        vec!["--help"],
        vec!["check", "--help"],
    ] {
        all.push((args, None));
    }
    for format in ["env", "build-args", "dotenv", "json"] {
        all.push((
            vec![
                "bust",
                "--fallback",
                "timestamp",
                "--timeout",
                "5",
                "--format",
                format,
            ],
            None,
        ));
    }
    all.push((vec!["check", "-", "--fix"], Some(DOCKERFILE)));
    all.push((vec!["check", "-", "--diff"], Some(DOCKERFILE)));
    all.push((
        vec!["check", "-", "--output-format", "json"],
        Some(DOCKERFILE),
    ));
    all
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>, stdout: Stdio) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cachebust"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        use std::io::Write;
        // The child may have stopped reading already; what it read is what it got.
        let _ = input.write_all(text.as_bytes());
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).unwrap();
    std::fs::write(dir.path().join(".cachebust.toml"), "").unwrap();
    dir
}

#[test]
fn a_full_disk_is_exit_2_with_one_message() {
    let dir = tree();
    for (args, stdin) in commands() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = run(dir.path(), &args, stdin, Stdio::from(full));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(
            err.matches("error: cannot write to standard output: No space left on device")
                .count(),
            1,
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// The write end of a pipe whose read end is already closed: every write fails with EPIPE.
fn closed_pipe() -> Stdio {
    let mut fds = [0; 2];
    // SAFETY: pipe(2) fills two new descriptors that nothing else owns.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: each descriptor is owned once, here.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    Stdio::from(write)
}

#[test]
fn a_closed_pipe_is_a_quiet_exit_141() {
    let dir = tree();
    for (args, stdin) in commands() {
        let out = run(dir.path(), &args, stdin, closed_pipe());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(141), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("cannot write"), "{args:?}: {err}");
    }
}

#[test]
fn stderr_to_a_full_disk_still_exits() {
    // The warnings go nowhere, the exit code still tells the findings.
    let dir = tree();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cachebust"))
        .args(["check", "--fix"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
