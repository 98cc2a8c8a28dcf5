//! `--diff` prints exactly what `--fix` writes, on every fixture tree of `testdata/`: the diff, applied
//! with the real `patch` to a copy of the tree, gives the bytes `--fix` writes to another copy, follow-up
//! fixes (a compose file passing the arg a Dockerfile fix declared) included. Each fixture's diff is
//! snapshotted (`fix__<fixture>`) when there is one.
mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{cachebust, fixtures, stderr, stdout};

/// Copies the tree at `from` into `to`, byte for byte.
fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `root` with its bytes.
fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let name = path.strip_prefix(root).unwrap().to_string_lossy().into();
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Applies a unified diff with GNU/BSD `patch -p1`, failing on any hunk that does not apply.
fn apply(dir: &Path, diff: &str) {
    let mut child = Command::new("patch")
        .args(["-p1", "--forward", "--batch", "--silent"])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("`patch` is installed");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(diff.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "patch failed in {}:\n{}{}\n{diff}",
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn render(path: &str, before: &[u8], after: &[u8]) -> String {
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    cachebust::report::render_diff(path, &text(before), &text(after), false)
}

/// A diff of several files cut into one diff per file.
fn per_file(diff: &str) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for line in diff.split_inclusive('\n') {
        if line.starts_with("--- a/") || files.is_empty() {
            files.push(String::new());
        }
        files.last_mut().unwrap().push_str(line);
    }
    files
}

/// What a summary says `--fix` fixes: `(N fixable with `--fix` and M follow-up fixes…` is N + M.
fn announced(summary: &str) -> usize {
    let Some(at) = summary.find(" fixable with `--fix`") else {
        return 0;
    };
    let before = &summary[..at];
    let n: usize = before[before.rfind('(').unwrap() + 1..].parse().unwrap();
    let after = &summary[at + " fixable with `--fix`".len()..];
    let follow_ups = after
        .strip_prefix(" and ")
        .map_or(0, |rest| rest.split(' ').next().unwrap().parse().unwrap());
    n + follow_ups
}

/// How many findings `--fix` says it fixed (`Fixed N findings in FILE` lines).
fn fixed_count(stderr: &str) -> usize {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("Fixed "))
        .map(|l| l.split(' ').next().unwrap().parse::<usize>().unwrap())
        .sum()
}

/// Shows the bytes a terminal would hide, so that a snapshot pins them.
fn visible(text: &str) -> String {
    text.replace('\r', "\\r\r")
        .replace('\t', "\\t")
        .replace('\u{feff}', "<BOM>")
}

#[test]
fn every_fixture_diff_applies_to_exactly_what_fix_writes() {
    for fixture in fixtures() {
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let diffed = tempfile::tempdir().unwrap();
        let fixed = tempfile::tempdir().unwrap();
        copy_tree(&fixture, diffed.path());
        copy_tree(&fixture, fixed.path());
        let before = read_tree(diffed.path());
        let diff = cachebust(diffed.path(), &["check", ".", "--diff", "--unsafe-fixes"]);
        assert_eq!(read_tree(diffed.path()), before, "{name}: --diff wrote");
        let fix = cachebust(fixed.path(), &["check", ".", "--fix", "--unsafe-fixes"]);
        // The summary of a plain `check` counts what `--fix` then fixes, follow-up fixes included.
        let plain = cachebust(diffed.path(), &["check", ".", "--unsafe-fixes"]);
        assert_eq!(
            announced(&stdout(&plain)),
            fixed_count(&stderr(&fix)),
            "{name}: summary {:?}, --fix said {:?}",
            stdout(&plain),
            stderr(&fix)
        );
        let shown = stdout(&diff);
        if shown.is_empty() {
            assert_eq!(
                read_tree(fixed.path()),
                before,
                "{name}: no diff, but --fix wrote"
            );
            continue;
        }
        // The diff of each file is the one between its bytes before and after `--fix`.
        let after = read_tree(fixed.path());
        let mut expected: Vec<String> = before
            .iter()
            .map(|(path, old)| render(path, old, &after[path]))
            .filter(|d| !d.is_empty())
            .collect();
        let mut got = per_file(&shown);
        expected.sort();
        got.sort();
        assert_eq!(got, expected, "{name}: --fix said: {}", stderr(&fix));
        // Masked credentials in a hunk's context keep it from applying (README, "Fixing").
        if !shown.contains("***") {
            apply(diffed.path(), &shown);
            assert_eq!(read_tree(diffed.path()), after, "{name}: patched\n{shown}");
        }
        insta::assert_snapshot!(format!("fix__{name}"), visible(&shown));
    }
}

#[test]
fn suppression_comments_stay_on_their_layer_after_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &common::root().join("testdata/fix-inserts-above-suppression-comments"),
        dir.path(),
    );
    let fix = cachebust(dir.path(), &["check", ".", "--fix", "--unsafe-fixes"]);
    assert_eq!(
        (fix.status.code(), stdout(&fix)),
        (Some(0), "No findings in 1 file checked.\n".to_string()),
        "{}",
        stderr(&fix)
    );
}
