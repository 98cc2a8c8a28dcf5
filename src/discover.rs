//! Finds the files to lint: explicit paths as given, directories walked with `.gitignore` respected.
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A path the walk could not read, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// Whether a file name is a Dockerfile by convention: `Dockerfile`, `Dockerfile.*`, `Dockerfile-*`,
/// `Dockerfile_*`, `*.Dockerfile`, `*.dockerfile`, `Containerfile` and the same forms of it
/// (case-insensitive). Files beside a Dockerfile that are not one (`Dockerfile.dockerignore`, templates
/// such as `Dockerfile.template` or `Dockerfile.j2`, docs) are not.
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let named = ["dockerfile", "containerfile"].iter().any(|stem| {
        lower == *stem
            || lower
                .strip_prefix(stem)
                .is_some_and(|rest| rest.len() > 1 && rest.starts_with(['.', '-', '_']))
            || lower
                .strip_suffix(stem)
                .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1)
    });
    named && !NOT_DOCKERFILES.iter().any(|ext| lower.ends_with(ext))
}

/// Endings of files named like Dockerfiles that are something else: BuildKit's per-Dockerfile ignore
/// file, templates rendered into Dockerfiles, docs, backups and patches.
const NOT_DOCKERFILES: &[&str] = &[
    ".dockerignore",
    ".template",
    ".tmpl",
    ".tpl",
    ".j2",
    ".jinja",
    ".jinja2",
    ".in",
    ".erb",
    ".md",
    ".txt",
    ".rst",
    ".orig",
    ".bak",
    ".swp",
    ".rej",
    ".patch",
    ".diff",
    ".sh",
    ".yml",
    ".yaml",
    ".json",
];

/// Whether a file name is a compose file's: `compose*.yaml`/`.yml` or `docker-compose*.yaml`/`.yml`
/// (the default names, their `.override` twins, and variants such as `compose.prod.yaml`).
pub fn is_compose_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("compose") || lower.starts_with("docker-compose"))
        && (lower.ends_with(".yaml") || lower.ends_with(".yml"))
}

/// The files to lint, by kind, each list sorted and without duplicates.
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    /// Dockerfiles, and explicit files of any other name (the caller may still find them to be compose files).
    pub dockerfiles: Vec<PathBuf>,
    pub compose_files: Vec<PathBuf>,
    /// Build drivers: shell scripts and Makefiles (`crate::drivers`).
    pub drivers: Vec<PathBuf>,
    pub errors: Vec<WalkError>,
    /// Files the walk left out on purpose, with the reason (a symlink out of the tree).
    pub skipped: Vec<WalkError>,
}

/// The Dockerfiles and compose files under `paths`. An explicit file is taken whatever its name (a
/// compose file by its name, else a Dockerfile); a directory is walked (hidden directories included,
/// `.git` and ignored files not).
pub fn discover_all(paths: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                if is_compose_name(&name) {
                    found.compose_files.push(path.clone());
                } else if crate::drivers::is_driver_name(&name)
                    || name.ends_with(".hcl")
                    || crate::drivers::is_workflow_path(path)
                    || is_shell_script(path)
                {
                    found.drivers.push(path.clone());
                } else {
                    found.dockerfiles.push(path.clone());
                }
            }
            Ok(meta) if meta.is_dir() => walk(path, &mut found),
            // A FIFO or a device: reading it could block or never end, and it is no Dockerfile.
            Ok(_) => found.errors.push(WalkError {
                path: path.clone(),
                message: "not a regular file or a directory".into(),
            }),
            Err(e) => found.errors.push(WalkError {
                path: path.clone(),
                message: e.to_string(),
            }),
        }
    }
    for files in [
        &mut found.dockerfiles,
        &mut found.compose_files,
        &mut found.drivers,
    ] {
        files.sort();
        files.dedup();
    }
    // The walk runs on several threads: its errors come in any order.
    for problems in [&mut found.errors, &mut found.skipped] {
        problems.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    }
    found
}

/// The Dockerfiles under `paths` ([`discover_all`] without the compose files).
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<WalkError>) {
    let found = discover_all(paths);
    (found.dockerfiles, found.errors)
}

/// Whether an explicit file is a shell script by its shebang (a `rebuild` with no extension).
fn is_shell_script(path: &Path) -> bool {
    let mut head = [0u8; 128];
    let read = std::fs::File::open(path).and_then(|mut f| std::io::Read::read(&mut f, &mut head));
    read.is_ok_and(|n| crate::drivers::has_shell_shebang(&String::from_utf8_lossy(&head[..n])))
}

/// Walks a directory on all cores; the caller sorts what it found.
fn walk(root: &Path, found: &mut Discovered) {
    let shared = Mutex::new(std::mem::take(found));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .threads(threads)
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                take(root, entry, &shared);
                ignore::WalkState::Continue
            })
        });
    *found = shared.into_inner().unwrap_or_else(|e| e.into_inner());
}

/// Adds what the walk found at one entry to the lists.
fn take(root: &Path, entry: Result<ignore::DirEntry, ignore::Error>, found: &Mutex<Discovered>) {
    let entry = match entry {
        Ok(entry) => entry,
        Err(e) => {
            let error = WalkError {
                path: root.to_path_buf(),
                message: e.to_string(),
            };
            found
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .errors
                .push(error);
            return;
        }
    };
    if !entry
        .file_type()
        .is_some_and(|t| t.is_file() || t.is_symlink())
    {
        return;
    }
    let name = entry.file_name().to_string_lossy();
    let (dockerfile, compose) = (is_dockerfile_name(&name), is_compose_name(&name));
    let driver = !dockerfile
        && !compose
        && (crate::drivers::is_driver_name(&name)
            || crate::drivers::is_workflow_path(entry.path()));
    if !dockerfile && !compose && !driver {
        return;
    }
    let refused = match entry.path_is_symlink() {
        true => follow_link(root, entry.path()).err(),
        false => None,
    };
    let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
    let list = match refused {
        Some((error, why)) => {
            let list = if error {
                &mut found.errors
            } else {
                &mut found.skipped
            };
            list.push(WalkError {
                path: entry.into_path(),
                message: why,
            });
            return;
        }
        None if dockerfile => &mut found.dockerfiles,
        None if driver => &mut found.drivers,
        None => &mut found.compose_files,
    };
    list.push(entry.into_path());
}

/// Whether the walk takes a symlink it found: only to a regular file inside the walked tree. Else
/// whether that is an error (the link is broken or loops) and why.
fn follow_link(root: &Path, link: &Path) -> Result<(), (bool, String)> {
    let target = std::fs::canonicalize(link).map_err(|e| (true, format!("broken symlink: {e}")))?;
    let inside = std::fs::canonicalize(root).is_ok_and(|root| target.starts_with(root));
    if !inside {
        let why = format!(
            "skipped: a symlink to `{}`, outside the tree being checked",
            target.display()
        );
        return Err((false, why));
    }
    if !target.is_file() {
        return Err((
            false,
            "skipped: a symlink to something other than a file".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for yes in [
            "Dockerfile_gpu",
            "Dockerfile-windows",
            "Containerfile.dev",
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
            "Dockerfile.dockerignore",
            "Dockerfile-debian.template",
            "Dockerfile.j2",
            "Dockerfile.md",
            "Dockerfile_",
            "Dockerfile.",
            ".dockerfile",
            "Dockerfiles",
            "mydockerfile",
            "README.md",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }

    #[test]
    fn compose_names() {
        for yes in [
            "compose.yaml",
            "docker-compose.yml",
            "compose.override.yaml",
            "docker-compose.prod.yml",
            "compose-dev.yaml",
        ] {
            assert!(is_compose_name(yes), "{yes}");
        }
        for no in ["compose.json", "my-compose.yaml", "Dockerfile", "stack.yml"] {
            assert!(!is_compose_name(no), "{no}");
        }
    }
}
