//! What the distributions ship beside the binary: the version a bug report names, the man page in the
//! wheel and the image, and where completion scripts go. The wheel, the image, the pre-commit hooks and
//! the Action themselves are proven by the scripts in tests/dist/, tests/precommit/ and tests/e2e/.
mod common;

use std::path::Path;
use std::process::Command;

use common::{cachebust, root, stdout};

// The build script itself, so its `version_string` is tested on trees it is not built in.
#[allow(dead_code)]
#[path = "../build.rs"]
mod build_script;

/// The man page the wheel installs (maturin's data dir) and the image copies.
const MAN_PAGE: &str = "python/cachebust.data/data/share/man/man1/cachebust.1";

#[test]
fn version_names_the_git_commit_when_built_from_a_checkout() {
    let version = stdout(&cachebust(&root(), &["--version"]));
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|out| root().join(".git").exists() && out.status.success())
        .map(|out| String::from_utf8(out.stdout).unwrap().trim().to_owned());
    let expected = match commit {
        Some(commit) => format!("cachebust {} ({commit})\n", env!("CARGO_PKG_VERSION")),
        None => format!("cachebust {}\n", env!("CARGO_PKG_VERSION")),
    };
    assert_eq!(version, expected);
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.email=t@example.com",
            "-c",
            "user.name=t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A checkout with one commit, in `dir/repo`.
fn checkout(dir: &Path) -> std::path::PathBuf {
    let repo = dir.join("repo");
    std::fs::create_dir_all(repo.join("crate")).unwrap();
    std::fs::write(repo.join("Cargo.toml"), "[package]\n").unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "one"]);
    repo
}

#[test]
fn version_string_names_the_commit_of_a_checkout_and_of_a_worktree() {
    let dir = tempfile::tempdir().unwrap();
    let repo = checkout(dir.path());
    let commit = git(&repo, &["rev-parse", "--short=12", "HEAD"]);
    assert_eq!(commit.len(), 12);
    assert_eq!(
        build_script::version_string("1.2.3", &repo, "git"),
        format!("1.2.3 ({commit})")
    );
    // A worktree's `.git` is a file; a new commit there is named, not the main checkout's.
    let worktree = dir.path().join("wt");
    git(
        &repo,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "side",
            worktree.to_str().unwrap(),
        ],
    );
    assert!(worktree.join(".git").is_file());
    std::fs::write(worktree.join("two"), "").unwrap();
    git(&worktree, &["add", "two"]);
    git(&worktree, &["commit", "-q", "-m", "two"]);
    let side = git(&worktree, &["rev-parse", "--short=12", "HEAD"]);
    assert_ne!(side, commit);
    assert_eq!(
        build_script::version_string("1.2.3", &worktree, "git"),
        format!("1.2.3 ({side})")
    );
}

#[test]
fn version_string_is_the_version_alone_outside_a_checkout() {
    let dir = tempfile::tempdir().unwrap();
    // An unpacked crate tarball: no `.git`.
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\n").unwrap();
    assert_eq!(
        build_script::version_string("1.2.3", dir.path(), "git"),
        "1.2.3"
    );
    // Unpacked inside another repository (a vendor directory): that repository's commit is not ours.
    let repo = checkout(dir.path());
    assert_eq!(
        build_script::version_string("1.2.3", &repo.join("crate"), "git"),
        "1.2.3"
    );
    // No git program at all, in a checkout.
    let missing = dir.path().join("no-such-git");
    assert_eq!(
        build_script::version_string("1.2.3", &repo, missing.to_str().unwrap()),
        "1.2.3"
    );
    // A checkout with no commit yet: `rev-parse HEAD` fails.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    git(&empty, &["init", "-q"]);
    assert_eq!(
        build_script::version_string("1.2.3", &empty, "git"),
        "1.2.3"
    );
}

#[test]
fn man_page_is_the_committed_copy() {
    let output = cachebust(&root(), &["man"]);
    assert_eq!(output.status.code(), Some(0));
    let committed = std::fs::read_to_string(root().join(MAN_PAGE)).unwrap_or_default();
    assert!(
        stdout(&output) == committed,
        "{MAN_PAGE} is not what `cachebust man` prints now (the clap definitions changed): \
         regenerate it with `cargo run -q -- man > {MAN_PAGE}` and commit it"
    );
}

#[test]
fn man_page_has_a_section_per_subcommand_and_no_missing_pages() {
    let page = stdout(&cachebust(&root(), &["man"]));
    let headings: Vec<&str> = page.lines().filter(|l| l.starts_with(".SH ")).collect();
    assert_eq!(
        headings,
        [
            ".SH NAME",
            ".SH SYNOPSIS",
            ".SH DESCRIPTION",
            ".SH OPTIONS",
            ".SH \"CACHEBUST CHECK\"",
            ".SH \"CACHEBUST RULE\"",
            ".SH \"CACHEBUST BUST\"",
            ".SH \"CACHEBUST PIN\"",
            ".SH \"CACHEBUST UPDATE\"",
            ".SH \"CACHEBUST UNPIN\"",
            ".SH \"CACHEBUST EXEC\"",
            ".SH \"CACHEBUST SERVER\"",
            ".SH \"CACHEBUST COMPLETIONS\"",
            ".SH VERSION",
        ]
    );
    assert!(page.contains("\\fB\\-\\-output\\-format\\fR"), "{page}");
    // No pointer to per-subcommand pages that are not shipped, and the version without a commit.
    assert!(!page.contains("cachebust\\-check(1)"), "{page}");
    assert!(
        page.contains(&format!("\"cachebust {}\"", env!("CARGO_PKG_VERSION"))),
        "{page}"
    );
}

#[test]
fn completions_help_says_where_each_shell_file_goes() {
    let help = stdout(&cachebust(&root(), &["completions", "--help"]));
    for line in [
        "  bash        cachebust completions bash > ~/.local/share/bash-completion/completions/cachebust",
        "  zsh         cachebust completions zsh > ~/.zfunc/_cachebust",
        "  fish        cachebust completions fish > ~/.config/fish/completions/cachebust.fish",
        "  elvish      in ~/.config/elvish/rc.elv: eval (cachebust completions elvish | slurp)",
        "  powershell  in $PROFILE: cachebust completions powershell | Out-String | Invoke-Expression",
    ] {
        assert!(help.lines().any(|l| l == line), "missing {line:?} in:\n{help}");
    }
}
