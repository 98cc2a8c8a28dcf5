//! The Dockerfiles of a run, each read and linted once however it was found (by the walk, named on the
//! command line, or built by compose services), keyed by its canonical path.
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

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
        let bytes = crate::source::read_file(path)?;
        self.linted.push(lint(path, display, bytes, settings));
        self.by_path.insert(key, self.linted.len() - 1);
        Ok(self.linted.len() - 1)
    }

    /// Lints many files at once on all cores, in order; returns the files that could not be read.
    pub fn load_all(
        &mut self,
        files: Vec<(PathBuf, String)>,
        settings: &Settings,
    ) -> Vec<(String, std::io::Error)> {
        let next = AtomicUsize::new(0);
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(files.len().max(1));
        let lint_one = |(path, display): &(PathBuf, String)| -> std::io::Result<(PathBuf, Linted)> {
            let key = path.canonicalize()?;
            let bytes = crate::source::read_file(path)?;
            Ok((key, lint(path, display.clone(), bytes, settings)))
        };
        let mut results: Vec<(usize, std::io::Result<(PathBuf, Linted)>)> =
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut done = Vec::new();
                            loop {
                                let i = next.fetch_add(1, Ordering::Relaxed);
                                let Some(file) = files.get(i) else { break };
                                done.push((i, lint_one(file)));
                            }
                            done
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect()
            });
        results.sort_by_key(|(i, _)| *i);
        let mut errors = Vec::new();
        for (i, result) in results {
            match result {
                Ok((key, linted)) => {
                    if !self.by_path.contains_key(&key) {
                        self.linted.push(linted);
                        self.by_path.insert(key, self.linted.len() - 1);
                    }
                }
                Err(e) => errors.push((files[i].1.clone(), e)),
            }
        }
        errors
    }

    pub fn get(&self, index: usize) -> &Linted {
        &self.linted[index]
    }

    pub fn into_reports(self) -> impl Iterator<Item = FileReport> {
        self.linted.into_iter().map(|l| l.report)
    }
}

fn lint(path: &Path, display: String, bytes: Vec<u8>, settings: &Settings) -> Linted {
    let report = lint_bytes(path, display, bytes, settings);
    let model = parse_dockerfile(&report.file)
        .ok()
        .map(|ast| build_dockerfile(&report.file, &ast));
    Linted { report, model }
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
