//! What the distributions ship beside the binary: the version a bug report names, the man page in the
//! wheel and the image, and where completion scripts go. The wheel, the image, the pre-commit hooks and
//! the Action themselves are proven by the scripts in tests/dist/, tests/precommit/ and tests/e2e/.
mod common;

use std::process::Command;

use common::{cachebust, root, stdout};

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
