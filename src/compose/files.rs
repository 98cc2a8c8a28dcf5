//! Which compose files `docker compose` reads together: a default file (`compose.yaml`, `compose.yml`,
//! `docker-compose.yaml`, `docker-compose.yml`) with its `.override` twin merged over it; any other
//! compose file on its own.
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::model::services;
use super::yaml::parse_yaml;
use crate::source::SourceFile;

/// The files `docker compose` reads in a directory when given no `-f`.
pub const DEFAULT_NAMES: [&str; 6] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
];
const DEFAULT_STEMS: [&str; 2] = ["compose", "docker-compose"];
const EXTENSIONS: [&str; 2] = ["yaml", "yml"];

/// Groups compose files into the sets that are linted together, base file first. A default file and
/// its twin form a set whichever of them was found (the other is read from disk), as in the directory
/// where `docker compose` runs; each file is in one set only.
pub fn compose_sets(files: &[PathBuf]) -> Vec<Vec<PathBuf>> {
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut sets = Vec::new();
    for file in files {
        let set = set_of(file);
        let keys: Vec<PathBuf> = set.iter().map(|f| identity(f)).collect();
        if keys.iter().any(|k| seen.contains(k)) {
            continue;
        }
        seen.extend(keys);
        sets.push(set);
    }
    sets
}

/// Whether the text is a compose file: YAML with a top-level `services` mapping.
pub fn is_compose_text(path: &Path, text: &str) -> bool {
    let file = SourceFile::new(path.to_path_buf(), String::new(), text.to_string());
    parse_yaml(&file).is_ok_and(|root| services(&root).is_some())
}

fn set_of(file: &Path) -> Vec<PathBuf> {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return vec![file.to_path_buf()];
    };
    let sibling = |stem: &str, ext: &str| file.with_file_name(format!("{stem}.{ext}"));
    let existing = |stem: &str| {
        // The same extension first: `compose.yaml` ↔ `compose.override.yaml`.
        [ext]
            .into_iter()
            .chain(EXTENSIONS.into_iter().filter(|e| *e != ext))
            .map(|e| sibling(stem, e))
            .find(|p| p.is_file())
    };
    if DEFAULT_STEMS.contains(&stem) && EXTENSIONS.contains(&ext) {
        let mut set = vec![file.to_path_buf()];
        set.extend(existing(&format!("{stem}.override")));
        return set;
    }
    if let Some(base) = stem.strip_suffix(".override") {
        if DEFAULT_STEMS.contains(&base) && EXTENSIONS.contains(&ext) {
            if let Some(base) = existing(base) {
                return vec![base, file.to_path_buf()];
            }
        }
    }
    vec![file.to_path_buf()]
}

fn identity(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_file_and_its_twin_go_together() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "compose.yaml",
            "compose.override.yml",
            "compose.prod.yaml",
            "docker-compose.override.yml",
        ] {
            std::fs::write(dir.path().join(name), "services: {}\n").unwrap();
        }
        let found: Vec<PathBuf> = [
            "compose.override.yml",
            "compose.prod.yaml",
            "compose.yaml",
            "docker-compose.override.yml",
        ]
        .iter()
        .map(|n| dir.path().join(n))
        .collect();
        let names: Vec<Vec<String>> = compose_sets(&found)
            .iter()
            .map(|set| {
                set.iter()
                    .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                    .collect()
            })
            .collect();
        assert_eq!(
            names,
            [
                vec!["compose.yaml", "compose.override.yml"],
                vec!["compose.prod.yaml"],
                vec!["docker-compose.override.yml"]
            ]
        );
    }

    #[test]
    fn compose_content() {
        let p = Path::new("stack.yml");
        assert!(is_compose_text(p, "services:\n  a:\n    image: x\n"));
        assert!(!is_compose_text(p, "FROM debian\nRUN true\n"));
        assert!(!is_compose_text(p, "services: [a]\n"));
    }
}
