//! The Dockerfiles of a run, each read and linted once however it was found (by the walk, named on the
//! command line, or built by compose services), keyed by its canonical path.
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::lint::{lint_bytes, FileReport};
use crate::model::{build_dockerfile, Dockerfile};
use crate::parse::dockerfile::parse_dockerfile;
use crate::settings::Settings;

/// A linted Dockerfile and its model (`None` when it is not UTF-8 or does not parse).
#[derive(Debug)]
pub struct Linted {
    pub report: FileReport,
    pub model: Option<Dockerfile>,
}

/// The Dockerfiles linted so far.
#[derive(Debug, Default)]
pub struct Dockerfiles {
    linted: Vec<Linted>,
    by_path: HashMap<PathBuf, usize>,
}

impl Dockerfiles {
    /// Lints the file unless it was already, and returns its index.
    pub fn load(
        &mut self,
        path: &Path,
        display: String,
        settings: &Settings,
    ) -> std::io::Result<usize> {
        let key = path.canonicalize()?;
        if let Some(&index) = self.by_path.get(&key) {
            return Ok(index);
        }
        let bytes = std::fs::read(path)?;
        let report = lint_bytes(path, display, bytes, settings);
        let model = parse_dockerfile(&report.file)
            .ok()
            .map(|ast| build_dockerfile(&report.file, &ast));
        self.linted.push(Linted { report, model });
        self.by_path.insert(key, self.linted.len() - 1);
        Ok(self.linted.len() - 1)
    }

    pub fn get(&self, index: usize) -> &Linted {
        &self.linted[index]
    }

    pub fn into_reports(self) -> impl Iterator<Item = FileReport> {
        self.linted.into_iter().map(|l| l.report)
    }
}

/// The path without `.` components and with `a/..` pairs folded, as a user would write it
/// (`./api/../Dockerfile` → `Dockerfile`); symlinks are not followed.
pub fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_paths() {
        assert_eq!(
            tidy(Path::new("a/./api/../Dockerfile")),
            Path::new("a/Dockerfile")
        );
        assert_eq!(tidy(Path::new("../x/./y")), Path::new("../x/y"));
        assert_eq!(tidy(Path::new("./")), Path::new("."));
    }
}
