//! What the server lints when a document changes, and with which settings: the document itself, and the
//! compose set it belongs to or that builds it, with open documents read from the editor and every
//! other file from disk. The pipeline is the one `check` runs; only where the bytes come from differs.
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::config::Configs;
use super::documents::{Documents, Kind};
use crate::compose::files::compose_sets;
use crate::compose::{lint_compose_set, SetReport};
use crate::finding::{Finding, Severity};
use crate::lint::{lint_bytes, FileReport};
use crate::settings::Settings;
use crate::source::{display_path, SourceFile, MAX_FILE_BYTES};

/// The default compose file names looked for beside a Dockerfile and in the directories above it.
const COMPOSE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// The text of files as the editor has them: open documents (by canonical path where the file exists),
/// then whatever a fixer has rewritten in memory.
#[derive(Clone)]
pub struct Overlay {
    texts: HashMap<PathBuf, String>,
}

impl Overlay {
    pub fn new(documents: &Documents) -> Overlay {
        let texts = documents
            .iter()
            .map(|d| (canonical(&d.path), d.text.clone()))
            .collect();
        Overlay { texts }
    }

    pub fn set(&mut self, path: &Path, text: String) {
        self.texts.insert(canonical(path), text);
    }

    pub fn text(&self, path: &Path) -> Option<&str> {
        self.texts.get(&canonical(path)).map(String::as_str)
    }

    /// Reads a file as `check` does, unless the editor holds it.
    pub fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.text(path) {
            Some(text) => Ok(text.as_bytes().to_vec()),
            None => crate::source::read_file(path),
        }
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// The workspace: where paths are shown from, and the settings of each file.
pub struct Workspace {
    pub root: PathBuf,
    pub configs: Configs,
}

impl Workspace {
    /// The reports that the document at `path` decides: its own, and when it is (or is built by) a
    /// compose set, those of every file of the set. Each report's text is the one linted.
    pub fn lint_around(&mut self, overlay: &Overlay, path: &Path, kind: Kind) -> Vec<FileReport> {
        let settings = self.configs.settings_for(path);
        let display = display_path(path, &self.root);
        let text = overlay.text(path).map(str::to_string);
        let text = match text.map_or_else(|| std::fs::read_to_string(path), Ok) {
            Ok(text) => text,
            Err(_) => return Vec::new(),
        };
        if text.len() as u64 > MAX_FILE_BYTES {
            return vec![too_large(path, display, text)];
        }
        match kind {
            Kind::Other => Vec::new(),
            Kind::Compose => {
                let set = self.lint_set(overlay, path, &settings);
                set.compose.into_iter().chain(set.dockerfiles).collect()
            }
            Kind::Dockerfile => {
                let own = lint_bytes(path, display, text.into_bytes(), &settings);
                let mut reports = vec![own];
                let me = canonical(path);
                for set_path in self.compose_candidates(overlay, path) {
                    let set = self.lint_set(overlay, &set_path, &settings);
                    let Some(mine) = set
                        .dockerfiles
                        .into_iter()
                        .find(|r| canonical(&r.file.path) == me)
                    else {
                        continue;
                    };
                    // As in `check`: a Dockerfile that compose builds is reported as the set linted it.
                    reports[0] = FileReport {
                        file: SourceFile::new(
                            path.to_path_buf(),
                            reports[0].file.display.clone(),
                            mine.file.text,
                        ),
                        findings: mine.findings,
                    };
                    reports.extend(set.compose);
                }
                reports
            }
        }
    }

    pub fn lint_set(&self, overlay: &Overlay, path: &Path, settings: &Settings) -> SetReport {
        let env = |name: &str| std::env::var(name).ok();
        let read = |p: &Path| overlay.read(p);
        lint_compose_set(path, &self.root, settings, &env, &read)
    }

    /// The compose sets that may build the Dockerfile at `path` (one path per set): the open compose
    /// documents, and the default compose files in its directory and those above it, up to the
    /// workspace root.
    fn compose_candidates(&self, overlay: &Overlay, path: &Path) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = overlay
            .texts
            .keys()
            .filter(|p| super::documents::kind_of(p, "") == Kind::Compose)
            .cloned()
            .collect();
        let dir = path.parent().unwrap_or(Path::new("/"));
        let inside = dir.starts_with(&self.root);
        for ancestor in dir.ancestors() {
            found.extend(
                COMPOSE_NAMES
                    .iter()
                    .map(|n| ancestor.join(n))
                    .filter(|p| p.is_file()),
            );
            if !inside || ancestor == self.root {
                break;
            }
        }
        let mut seen = HashSet::new();
        found.retain(|p| seen.insert(canonical(p)));
        compose_sets(&found)
            .into_iter()
            .filter_map(|set| set.into_iter().next())
            .collect()
    }
}

/// A document over the size `check` reads: one CB000 instead of a lint that would stall the editor.
fn too_large(path: &Path, display: String, text: String) -> FileReport {
    let size = text.len() as u64;
    let end = text.chars().next().map_or(0, char::len_utf8);
    let finding = Finding {
        code: "CB000",
        severity: Severity::Error,
        message: format!("cannot lint this file: {}", crate::source::too_large(size)),
        span: 0..end,
        label: "too large".into(),
        related: Vec::new(),
        help: format!(
            "cachebust reads files of at most {} MiB; split the file.",
            MAX_FILE_BYTES >> 20
        ),
        fix: None,
    };
    FileReport {
        file: SourceFile::new(path.to_path_buf(), display, text),
        findings: vec![finding],
    }
}
