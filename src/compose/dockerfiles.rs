//! The Dockerfiles that a run's compose services build, each read and linted once however many services
//! build it, keyed by the file it is (not by the path it was named by).
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::service::ReadFile;
use crate::lint::{lint_bytes_and_model, FileReport};
use crate::model::Dockerfile;
use crate::settings::Settings;
use crate::source::FileId;

/// A linted Dockerfile and its model (`None` when it is not UTF-8 or does not parse).
#[derive(Debug)]
pub struct Linted {
    pub report: FileReport,
    pub model: Option<Dockerfile>,
}

/// Fixed texts not written yet, by file: under `--diff`, a compose file is fixed against the
/// Dockerfiles as `--fix` would have written them, so that its follow-up fixes show too.
pub type Pending = HashMap<FileId, String>;

/// The Dockerfiles linted so far.
#[derive(Debug, Default)]
pub struct Dockerfiles {
    linted: Vec<(FileId, Linted)>,
    by_id: HashMap<FileId, usize>,
    pending: Arc<Pending>,
    /// The Dockerfiles whose findings are build drivers' views.
    viewed: std::collections::HashSet<usize>,
}

impl Dockerfiles {
    /// No Dockerfile linted yet; a file in `pending` is read as its text there, not from disk.
    pub fn over(pending: Arc<Pending>) -> Dockerfiles {
        Dockerfiles {
            pending,
            ..Dockerfiles::default()
        }
    }

    /// Lints the file unless it was already, and returns its index. Its context files are read from
    /// `context` (the build's context directory) when given.
    pub fn load(
        &mut self,
        path: &Path,
        display: String,
        settings: &Settings,
        read: ReadFile<'_>,
        context: Option<&Path>,
    ) -> std::io::Result<usize> {
        let id = FileId::of(path)?;
        if let Some(&index) = self.by_id.get(&id) {
            return Ok(index);
        }
        let bytes = match self.pending.get(&id) {
            Some(text) => text.clone().into_bytes(),
            None => read(path)?,
        };
        let (report, model) = lint_bytes_and_model(path, display, bytes, settings, context);
        self.by_id.insert(id.clone(), self.linted.len());
        self.linted.push((id, Linted { report, model }));
        Ok(self.linted.len() - 1)
    }

    /// Marks the Dockerfile at `index` as one a compose file builds: its findings' help then says to
    /// build with `docker compose build`.
    pub fn built_by_compose(&mut self, index: usize) {
        self.built_by(index, "docker compose build");
    }

    /// Marks the Dockerfile at `index` as one a driver builds with `command`: its findings' help then
    /// says to run that command under `cachebust exec`.
    pub fn built_by(&mut self, index: usize, command: &str) {
        for finding in &mut self.linted[index].1.report.findings {
            crate::checks::built_by(finding, command);
        }
    }

    pub fn get(&self, index: usize) -> &Linted {
        &self.linted[index].1
    }

    /// Records a build driver's view of the Dockerfile at `index` (its findings with the values the
    /// driver passes): the first view replaces the driver-less findings, later ones add to it, so a
    /// Dockerfile built by several drivers shows what each of them makes mutable. A layer stays one
    /// finding: a later view's finding of the same code at the same place (the same layer, seen
    /// through another build of it, worded with that build) is not added again.
    pub fn add_view(&mut self, index: usize, findings: Vec<crate::finding::Finding>) {
        let report = &mut self.linted[index].1.report;
        if self.viewed.insert(index) {
            report.findings.clear();
        }
        for finding in findings {
            if !report
                .findings
                .iter()
                .any(|f| f.code == finding.code && f.span == finding.span)
            {
                report.findings.push(finding);
            }
        }
        report.findings.sort_by_key(|f| f.span.start);
    }

    /// The reports, with the id of the file each is about.
    pub fn into_reports(self) -> impl Iterator<Item = (FileId, FileReport)> {
        self.linted.into_iter().map(|(id, l)| (id, l.report))
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
