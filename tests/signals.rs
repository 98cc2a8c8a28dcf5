//! `cachebust exec` forwards SIGTERM, SIGHUP and SIGINT to its command and exits with the command's
//! status (128 + N when signal N ended it), as `env`/`exec` users expect: a supervisor that stops
//! cachebust stops the build, never orphans it.
#![cfg(unix)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn wait_for(path: &Path) {
    let start = Instant::now();
    while !path.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{path:?} never appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `cachebust exec -- sh -c SCRIPT` in a tree with nothing to bust; `$DIR` is the tree.
fn exec(dir: &Path, script: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cachebust"))
        .args(["exec", "--", "sh", "-c", script])
        .current_dir(dir)
        .env("DIR", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM alpine\n").unwrap();
    dir
}

fn send(child: &Child, signal: libc::c_int) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) on a child this test spawned and has not reaped.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
}

#[test]
fn a_signal_reaches_the_command_which_decides_the_exit() {
    for (signal, name) in [
        (libc::SIGTERM, "TERM"),
        (libc::SIGHUP, "HUP"),
        (libc::SIGINT, "INT"),
    ] {
        let dir = tree();
        let script = format!(
            "trap 'echo got {name} > \"$DIR/got\"; exit 7' {name}; touch \"$DIR/ready\"; \
             while :; do sleep 0.05; done"
        );
        let child = exec(dir.path(), &script);
        wait_for(&dir.path().join("ready"));
        send(&child, signal);
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(7),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = std::fs::read_to_string(dir.path().join("got")).unwrap();
        assert_eq!(got, format!("got {name}\n"));
    }
}

#[test]
fn a_command_killed_by_the_signal_exits_128_plus_it() {
    let dir = tree();
    // `exec sleep`: no shell left to trap, the signal ends the command itself.
    let child = exec(dir.path(), "touch \"$DIR/ready\"; exec sleep 30");
    wait_for(&dir.path().join("ready"));
    std::thread::sleep(Duration::from_millis(100));
    send(&child, libc::SIGTERM);
    let start = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(128 + libc::SIGTERM));
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "cachebust waited out the sleep"
    );
}
