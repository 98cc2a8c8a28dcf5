//! Sets `CACHEBUST_VERSION` for `cachebust --version`: the Cargo.toml version, plus the git commit when
//! built from a checkout (`0.1.0 (1a2b3c4d5e6f)`), so a bug report names the exact source. Outside a
//! checkout (a crates.io or sdist build, a Docker context without `.git`) it is the version alone, and
//! a missing or failing `git` is silent: the version is never worth failing a build over.
//! tests/dist.rs includes this file to test [`version_string`] on such trees.
use std::path::Path;
use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_owned());
    let dir = Path::new(&dir);
    let full = version_string(&version, dir, "git");
    println!("cargo:rustc-env=CACHEBUST_VERSION={full}");
    if full != version {
        // HEAD moves on checkout; the branch's ref (loose or packed) moves on commit. In a worktree
        // these live in the main repository's git dir, which `--git-path` finds.
        for path in ["HEAD", "packed-refs"] {
            rerun_if_changed_git_path(dir, path);
        }
        if let Some(branch) = git("git", dir, &["symbolic-ref", "-q", "HEAD"]) {
            rerun_if_changed_git_path(dir, &branch);
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}

/// `VERSION (COMMIT)` when `dir` is the top of a git checkout with a commit, else `VERSION`. Only
/// `dir`'s own `.git` counts: a crate tarball unpacked inside some other repository (a vendor
/// directory, a monorepo) must not take that repository's commit.
pub fn version_string(version: &str, dir: &Path, git_program: &str) -> String {
    let commit = if dir.join(".git").exists() {
        git(git_program, dir, &["rev-parse", "--short=12", "HEAD"])
    } else {
        None
    };
    match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version.to_owned(),
    }
}

/// Only for files that exist: cargo reruns a build script on every build while a path it names is
/// missing, which would rebuild the crate each time (no `packed-refs` yet, a branch only packed).
fn rerun_if_changed_git_path(dir: &Path, name: &str) {
    if let Some(path) = git("git", dir, &["rev-parse", "--git-path", name]) {
        if Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}

fn git(program: &str, dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        // A build run from inside a git hook must ask about this tree, not the hook's repository.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_owned())
}
