//! `cachebust check` on every fixture of `testdata/`: the codes it reports match the fixture's
//! `# expect:` lines, the exit code matches, and the human report is snapshotted.
mod common;

use common::{cachebust, expected_codes, fixtures, root, stderr, stdout};
use serde_json::Value;

fn relative(dir: &std::path::Path) -> String {
    dir.strip_prefix(root())
        .expect("under the root")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn every_fixture_reports_what_it_expects() {
    for dir in fixtures() {
        let path = relative(&dir);
        let output = cachebust(&root(), &["check", &path, "--output-format", "json"]);
        let findings: Vec<Value> = serde_json::from_slice(&output.stdout).expect("JSON output");
        let mut codes: Vec<String> = findings
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        codes.sort();
        let expected = expected_codes(&dir);
        assert_eq!(codes, expected, "{path}");
        let exit = output.status.code();
        assert_eq!(
            exit,
            Some(if expected.is_empty() { 0 } else { 1 }),
            "{path}"
        );
    }
}

#[test]
fn every_fixture_renders_as_snapshotted() {
    for dir in fixtures() {
        let path = relative(&dir);
        let output = cachebust(&root(), &["check", &path]);
        let name = path.trim_start_matches("testdata/").replace('/', "__");
        insta::assert_snapshot!(
            name,
            format!("exit: {:?}\n{}", output.status.code(), stdout(&output))
        );
    }
}

#[test]
fn a_mixed_tree_reports_every_bad_file_and_exits_1() {
    let output = cachebust(
        &root(),
        &["check", "testdata", "--output-format", "concise"],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    for dir in fixtures() {
        let expected = expected_codes(&dir);
        let path = relative(&dir);
        let reported = text
            .lines()
            .filter(|l| l.starts_with(&format!("{path}/")))
            .count();
        assert_eq!(reported, expected.len(), "{path} in:\n{text}");
    }
}

#[test]
fn json_output_follows_the_contract() {
    let output = cachebust(&root(), &["check", "testdata", "--output-format", "json"]);
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).expect("one JSON array");
    assert!(findings.len() > 20);
    for f in &findings {
        for key in ["code", "name", "severity", "message", "path", "help"] {
            assert!(f[key].is_string(), "{key} in {f}");
        }
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(f[key].as_u64().is_some_and(|n| n >= 1), "{key} in {f}");
        }
        assert!(matches!(
            f["severity"].as_str(),
            Some("error" | "warning" | "info")
        ));
        assert!(f["code"].as_str().unwrap().starts_with("CB"));
        assert!(
            !f["path"].as_str().unwrap().starts_with('/'),
            "paths are relative: {f}"
        );
        match &f["fix"] {
            Value::Null => {}
            fix => {
                assert!(
                    matches!(fix["applicability"].as_str(), Some("safe" | "unsafe")),
                    "{fix}"
                );
                assert!(!fix["edits"].as_array().unwrap().is_empty());
            }
        }
    }
    // The span of a CB001 points at the remote command itself, not the whole line.
    let clone = findings
        .iter()
        .find(|f| f["path"] == "testdata/git-clone-branch/Dockerfile")
        .expect("finding for git-clone-branch");
    assert_eq!(
        (clone["line"].as_u64(), clone["column"].as_u64()),
        (Some(5), Some(5))
    );
    assert_eq!(
        clone["end_column"].as_u64(),
        Some(73),
        "end columns are exclusive"
    );
    assert_eq!(clone["name"], "unbusted-remote-source");
    assert_eq!(clone["severity"], "warning");
}

#[test]
fn an_explicit_file_is_linted_whatever_its_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("build.txt"),
        "FROM a\nRUN git clone https://github.com/a/b.git\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a dockerfile\n").unwrap();
    let output = cachebust(
        dir.path(),
        &["check", "build.txt", "--output-format", "concise"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output).lines().count(), 1);
    // The walk only picks Dockerfile names: nothing to lint is a warning, exit 0.
    let output = cachebust(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "warning: no Dockerfile or compose file found under `.`\n"
    );
}

#[test]
fn the_walk_respects_gitignore_and_finds_dockerfile_names() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "FROM a\nRUN git clone https://github.com/a/b.git\n";
    for name in [
        "Dockerfile",
        "svc/Dockerfile.dev",
        "svc/api.Dockerfile",
        "x/Containerfile",
        "ignored/Dockerfile",
        ".devcontainer/Dockerfile",
    ] {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bad).unwrap();
    }
    std::fs::write(dir.path().join(".gitignore"), "ignored/\n").unwrap();
    let output = cachebust(dir.path(), &["check", "--output-format", "concise"]);
    let text = stdout(&output);
    let mut files: Vec<&str> = text.lines().map(|l| l.split(':').next().unwrap()).collect();
    files.sort();
    assert_eq!(
        files,
        [
            ".devcontainer/Dockerfile",
            "Dockerfile",
            "svc/Dockerfile.dev",
            "svc/api.Dockerfile",
            "x/Containerfile"
        ],
        "{text}"
    );
}

#[test]
fn a_missing_path_is_an_error_and_the_rest_is_still_checked() {
    let output = cachebust(
        &root(),
        &[
            "check",
            "no/such/dir",
            "testdata/git-clone-branch",
            "--output-format",
            "concise",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output).lines().count(), 1);
    assert!(common::stderr(&output).contains("no/such/dir"));
}

#[test]
fn no_output_format_prints_a_credential() {
    let secrets = [
        "s3cr3t-literal-token",
        "glpat-query-secret-123",
        "hunter2-default-password",
    ];
    let fixture =
        std::fs::read_to_string(root().join("testdata/credentials-in-url/Dockerfile")).unwrap();
    for secret in secrets {
        assert!(fixture.contains(secret), "the fixture holds {secret}");
    }
    for format in ["full", "concise", "json", "sarif", "github"] {
        let output = cachebust(
            &root(),
            &[
                "check",
                "testdata/credentials-in-url",
                "--output-format",
                format,
            ],
        );
        assert_eq!(output.status.code(), Some(1));
        let text = format!("{}{}", stdout(&output), common::stderr(&output));
        assert!(text.contains("CB006"), "{format}: {text}");
        for secret in secrets {
            assert!(!text.contains(secret), "{format} prints {secret}:\n{text}");
        }
    }
    // The diffs of --diff show the lines around the inserted arg, secrets included in the file.
    let diff = cachebust(&root(), &["check", "testdata/credentials-in-url", "--diff"]);
    let text = format!("{}{}", stdout(&diff), common::stderr(&diff));
    assert!(text.contains("+ARG CACHE_BUST=unknown"), "{text}");
    for secret in secrets {
        assert!(!text.contains(secret), "--diff prints {secret}:\n{text}");
    }
}
