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

#[test]
fn a_subcommand_prints_the_program_version_not_its_own_name() {
    for sub in ["check", "rule", "bust", "exec", "completions"] {
        let out = stdout(&cachebust(&root(), &[sub, "-V"]));
        assert!(
            out.starts_with(&format!("cachebust {}", env!("CARGO_PKG_VERSION"))),
            "`cachebust {sub} -V` printed {out:?}"
        );
    }
}

/// hadolint's habit: `cachebust Dockerfile` is a usage error that says how to lint the file.
#[test]
fn a_path_given_as_the_command_suggests_check() {
    let dir = root().join("testdata/git-clone-branch");
    let out = cachebust(&dir, &["Dockerfile"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("tip: to lint `Dockerfile`, run `cachebust check Dockerfile`"),
        "{}",
        stderr(&out)
    );
    // A word that is no file gets clap's message alone.
    let out = cachebust(&dir, &["nonsense"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("tip: to lint"), "{}", stderr(&out));
}

#[test]
fn rule_without_a_code_is_a_table_and_all_is_the_docs() {
    let table = stdout(&cachebust(&root(), &["rule"]));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["code", "name", "severity", "fixable", "summary"]
    );
    let cb001 = lines.iter().find(|l| l.starts_with("CB001")).unwrap();
    assert_eq!(
        cb001.split_whitespace().take(4).collect::<Vec<_>>(),
        ["CB001", "unbusted-remote-source", "warning", "yes"]
    );
    let cb005 = lines.iter().find(|l| l.starts_with("CB005")).unwrap();
    assert_eq!(cb005.split_whitespace().nth(3), Some("-"));
    assert!(!table.contains("## Why is this bad"));
    let all = stdout(&cachebust(&root(), &["rule", "--all"]));
    assert!(all.contains("# CB001 unbusted-remote-source\n") && all.contains("## Why is this bad"));
}

#[test]
fn top_level_help_shows_examples_and_exit_codes() {
    let help = stdout(&cachebust(&root(), &["--help"]));
    assert!(help.contains("Examples:\n  cachebust check "), "{help}");
    assert!(
        help.contains("Exit codes: 0 clean, 1 findings, 2"),
        "{help}"
    );
}

/// A path that does not exist is one error and exit 2, with no "0 files checked" summary after it.
#[test]
fn a_missing_path_is_one_message() {
    let out = cachebust(&root(), &["check", "--isolated", "no/such/path"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).starts_with("error: no/such/path: "));
}

/// Nothing to lint is said on stderr, as ruff does, and is not a failure (exit 0).
#[test]
fn nothing_to_lint_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "# no Dockerfile here\n").unwrap();
    for format in ["full", "json"] {
        let out = cachebust(
            dir.path(),
            &["check", "--isolated", "--output-format", format, "."],
        );
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert_eq!(
            stderr(&out),
            "warning: no Dockerfile or compose file found under `.`\n"
        );
        let expected = if format == "json" { "[]\n" } else { "" };
        assert_eq!(stdout(&out), expected, "{format}");
    }
}
