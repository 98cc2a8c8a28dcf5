//! The command-line conventions users know from ruff and hadolint.
mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{cachebust, root, stderr, stdout};

#[test]
fn statistics_and_quiet() {
    let output = cachebust(&root(), &["check", "testdata", "--statistics"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
    let quiet = cachebust(&root(), &["check", "testdata/git-clone-branch", "-q"]);
    let text = stdout(&quiet);
    assert!(
        text.contains("CB001") && !text.contains("Found 1 finding"),
        "{text}"
    );
}

#[test]
fn select_and_ignore_flags() {
    let concise = |args: &[&str]| {
        let mut all = vec![
            "check",
            "testdata/credentials-in-url",
            "--output-format",
            "concise",
        ];
        all.extend_from_slice(args);
        stdout(&cachebust(&root(), &all))
    };
    let only = concise(&["--select", "CB006"]);
    assert!(
        only.lines().count() == 4 && only.lines().all(|l| l.contains("CB006")),
        "{only}"
    );
    let without = concise(&["--ignore", "CB006,CB001"]);
    assert_eq!(without, "");
    let unknown = cachebust(&root(), &["check", "testdata", "--select", "XX1"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown rule code `XX1`"));
}

fn with_stdin(args: &[&str], input: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cachebust"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn standard_input() {
    let dockerfile = "FROM debian\nRUN git clone https://github.com/acme/x.git /x\n";
    let output = with_stdin(
        &[
            "check",
            "-",
            "--stdin-filename",
            "svc/Dockerfile",
            "--output-format",
            "concise",
        ],
        dockerfile,
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output)
            .lines()
            .next()
            .unwrap()
            .split(' ')
            .next()
            .unwrap(),
        "svc/Dockerfile:2:5:"
    );
    // --fix on stdin prints the fixed file.
    let fixed = with_stdin(&["check", "-", "--fix"], dockerfile);
    assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
    assert_eq!(
        stdout(&fixed),
        "FROM debian\nARG CACHE_BUST=unknown\nRUN echo \"Cache bust: ${CACHE_BUST}\"\nRUN git clone https://github.com/acme/x.git /x\n"
    );
}

#[test]
fn rule_docs_as_json_and_completions_and_version() {
    let output = cachebust(&root(), &["rule", "--all", "--output-format", "json"]);
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(rules
        .iter()
        .any(|r| r["code"] == "CB004" && r["name"] == "compose-cache-bust-not-passed"));
    assert!(rules
        .iter()
        .all(|r| r["examples"].as_array().is_some_and(|e| !e.is_empty())));
    let bash = stdout(&cachebust(&root(), &["completions", "bash"]));
    assert!(
        bash.contains("_cachebust()") && bash.contains("--output-format"),
        "{bash}"
    );
    // `--version` (with the git commit): tests/dist.rs.
}

#[test]
fn usage_errors_exit_2() {
    let output = cachebust(&root(), &["check", "--output-format", "xml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("invalid value 'xml'"));
}
