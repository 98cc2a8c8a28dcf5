//! Finds the files to lint: explicit paths as given, directories walked with `.gitignore` respected.
use std::path::{Path, PathBuf};

/// A path the walk could not read, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// Whether a file name is a Dockerfile by convention: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
/// `*.dockerfile`, `Containerfile`, `Containerfile.*` (case-insensitive).
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["dockerfile", "containerfile"].iter().any(|stem| {
        lower == *stem
            || lower
                .strip_prefix(stem)
                .is_some_and(|rest| rest.starts_with('.') && rest.len() > 1)
            || lower
                .strip_suffix(stem)
                .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1)
    })
}

/// The Dockerfiles under `paths`, sorted and without duplicates. An explicit file is taken whatever
/// its name; a directory is walked (hidden directories included, `.git` and ignored files not).
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<WalkError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => files.push(path.clone()),
            Ok(_) => walk(path, &mut files, &mut errors),
            Err(e) => errors.push(WalkError {
                path: path.clone(),
                message: e.to_string(),
            }),
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

fn walk(root: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<WalkError>) {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && is_dockerfile_name(&entry.file_name().to_string_lossy()) {
                    files.push(entry.into_path());
                }
            }
            Err(e) => errors.push(WalkError {
                path: root.to_path_buf(),
                message: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "x.dockerfile",
            "Containerfile",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.",
            ".dockerfile",
            "Dockerfiles",
            "mydockerfile",
            "README.md",
            "Dockerfile-old",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }
}
