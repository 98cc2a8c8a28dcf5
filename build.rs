//! Sets `CACHEBUST_VERSION` for `cachebust --version`: the Cargo.toml version, plus the git commit when
//! built from a checkout (`0.1.0 (1a2b3c4d5e6f)`), so a bug report names the exact source. Outside a
//! checkout (a crates.io or sdist build, a Docker context without `.git`) it is the version alone, and
//! a missing or failing `git` is silent: the version is never worth failing a build over.
use std::path::Path;
use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let commit = if Path::new(".git").exists() {
        git(&["rev-parse", "--short=12", "HEAD"])
    } else {
        None
    };
    match commit {
        Some(commit) => {
            println!("cargo:rustc-env=CACHEBUST_VERSION={version} ({commit})");
            // HEAD moves on checkout; the branch's ref (loose or packed) moves on commit. In a worktree
            // these live in the main repository's git dir, which `--git-path` finds.
            for path in ["HEAD", "packed-refs"] {
                rerun_if_changed_git_path(path);
            }
            if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
                rerun_if_changed_git_path(&branch);
            }
        }
        None => println!("cargo:rustc-env=CACHEBUST_VERSION={version}"),
    }
    println!("cargo:rerun-if-changed=build.rs");
}

/// Only for files that exist: cargo reruns a build script on every build while a path it names is
/// missing, which would rebuild the crate each time (no `packed-refs` yet, a branch only packed).
fn rerun_if_changed_git_path(name: &str) {
    if let Some(path) = git(&["rev-parse", "--git-path", name]) {
        if Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_owned())
}
