//! Running the real binary from the integration tests.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root: fixtures are addressed relative to it, as a user would type them.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `cachebust ARGS…` in `dir` with a fixed width, no colours and no inherited config.
pub fn cachebust(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cachebust"))
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("CACHE_BUST")
        .output()
        .expect("the cachebust binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Every fixture directory under `testdata/`, sorted by name.
pub fn fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("testdata"))
        .expect("testdata/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The codes a fixture declares with `# expect: CB001 CB003` lines (`none` for a clean fixture), sorted.
pub fn expected_codes(dir: &Path) -> Vec<String> {
    let mut codes = Vec::new();
    let mut declared = false;
    for entry in std::fs::read_dir(dir).expect("fixture dir") {
        let bytes = std::fs::read(entry.expect("entry").path()).unwrap_or_default();
        for line in String::from_utf8_lossy(&bytes).lines() {
            if let Some(rest) = line.split("# expect:").nth(1) {
                declared = true;
                codes.extend(
                    rest.split_whitespace()
                        .filter(|c| *c != "none")
                        .map(String::from),
                );
            }
        }
    }
    assert!(declared, "{} has no `# expect:` line", dir.display());
    codes.sort();
    codes
}
