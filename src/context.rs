//! The build context: which file of the context an earlier `COPY` put at a path in the image, and its
//! text. `.dockerignore` is respected (an ignored file never reaches the image).
use std::path::{Path, PathBuf};

use globset::Glob;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::model::Copy;

/// The directory a Dockerfile is built from.
#[derive(Debug)]
pub struct BuildContext {
    pub root: PathBuf,
    dockerignore: Option<Gitignore>,
}

/// A `COPY`/`ADD` of the stage, with the working directory it ran in.
#[derive(Debug, Clone)]
pub struct Placed<'a> {
    pub copy: &'a Copy,
    pub workdir: String,
}

impl BuildContext {
    /// The context rooted at `root`, reading its `.dockerignore` if there is one.
    pub fn new(root: &Path) -> BuildContext {
        let path = root.join(".dockerignore");
        let dockerignore = read_text(&path).map(|text| {
            let mut builder = GitignoreBuilder::new(root);
            for line in text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
            {
                // .dockerignore patterns are relative to the context root, not matched at any depth.
                let (bang, pattern) = line.strip_prefix('!').map_or(("", line), |p| ("!", p));
                let pattern = pattern.trim_start_matches("./").trim_start_matches('/');
                let _ = builder.add_line(None, &format!("{bang}/{pattern}"));
            }
            builder.build().unwrap_or_else(|_| Gitignore::empty())
        });
        BuildContext {
            root: root.to_path_buf(),
            dockerignore,
        }
    }

    /// The context file that the latest of `copies` put at `image_path` (absolute), if any, as a path
    /// relative to the context root.
    pub fn locate(&self, copies: &[Placed<'_>], image_path: &str) -> Option<String> {
        copies
            .iter()
            .rev()
            .filter(|p| p.copy.from.is_none())
            .find_map(|placed| self.locate_in(placed, image_path))
    }

    fn locate_in(&self, placed: &Placed<'_>, image_path: &str) -> Option<String> {
        let copy = placed.copy;
        let dest = join(&placed.workdir, &copy.dest);
        let dest_is_dir = copy.dest.ends_with('/') || copy.dest == "." || copy.sources.len() > 1;
        for source in &copy.sources {
            if source.contains("://") {
                continue;
            }
            let source = normalize(source);
            let is_dir = source.is_empty() || self.root.join(&source).is_dir();
            let candidate = if is_dir {
                let rel = image_path
                    .strip_prefix(dest.trim_end_matches('/'))?
                    .strip_prefix('/')?;
                join_rel(&source, rel)
            } else if dest_is_dir || is_glob(&source) {
                let (dir, name) = image_path.rsplit_once('/')?;
                if dir != dest.trim_end_matches('/') {
                    continue;
                }
                let parent = source.rsplit_once('/').map_or("", |(d, _)| d);
                let candidate = join_rel(parent, name);
                let matches = Glob::new(&source)
                    .map(|g| g.compile_matcher().is_match(&candidate))
                    .unwrap_or(false);
                if !matches {
                    continue;
                }
                candidate
            } else if image_path == dest {
                source.clone()
            } else {
                continue;
            };
            if self.readable(&candidate) {
                return Some(candidate);
            }
        }
        None
    }

    fn readable(&self, relative: &str) -> bool {
        let path = self.root.join(relative);
        let ignored = self
            .dockerignore
            .as_ref()
            .is_some_and(|d| d.matched_path_or_any_parents(&path, false).is_ignore());
        !ignored && path.is_file()
    }

    /// The text of a context file (relative path), if it can be read as UTF-8.
    pub fn read(&self, relative: &str) -> Option<String> {
        read_text(&self.root.join(relative))
    }

    /// Whether a context file exists (and is not ignored).
    pub fn exists(&self, relative: &str) -> bool {
        self.readable(relative)
    }
}

/// A context file's text: none when it cannot be read, is not UTF-8, or is over cachebust's size
/// limit (a compose `context:` may point anywhere, `/dev` included).
fn read_text(path: &Path) -> Option<String> {
    String::from_utf8(crate::source::read_file(path).ok()?).ok()
}

/// `base` joined with `path` the way Docker resolves `WORKDIR` and `COPY` destinations.
pub fn join(base: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", base.trim_end_matches('/'))
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

fn join_rel(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// A context path without `./` prefixes or a trailing slash (`.` becomes empty).
fn normalize(source: &str) -> String {
    let mut s = source.trim_end_matches('/');
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    if s == "." {
        String::new()
    } else {
        s.trim_start_matches('/').to_string()
    }
}

fn is_glob(source: &str) -> bool {
    source.contains(['*', '?', '['])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(sources: &[&str], dest: &str) -> Copy {
        Copy {
            add: false,
            from: None,
            sources: sources.iter().map(|s| s.to_string()).collect(),
            dest: dest.into(),
        }
    }

    #[test]
    fn locates_copied_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("app/deps")).unwrap();
        for f in [
            "requirements.txt",
            "app/deps/dev.txt",
            "app/package.json",
            "secret.txt",
        ] {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        std::fs::write(dir.path().join(".dockerignore"), "secret.txt\n").unwrap();
        let ctx = BuildContext::new(dir.path());
        let (a, b, c, d) = (
            copy(&["requirements.txt"], "."),
            copy(&["app"], "/srv/"),
            copy(&["requirement*.txt", "secret.txt"], "/etc/"),
            copy(&["app/package.json"], "/x/pkg.json"),
        );
        let placed = |c| Placed {
            copy: c,
            workdir: "/work".into(),
        };
        assert_eq!(
            ctx.locate(&[placed(&a)], "/work/requirements.txt")
                .as_deref(),
            Some("requirements.txt")
        );
        assert_eq!(
            ctx.locate(&[placed(&b)], "/srv/deps/dev.txt").as_deref(),
            Some("app/deps/dev.txt")
        );
        assert_eq!(
            ctx.locate(&[placed(&c)], "/etc/requirements.txt")
                .as_deref(),
            Some("requirements.txt")
        );
        assert_eq!(
            ctx.locate(&[placed(&c)], "/etc/secret.txt"),
            None,
            ".dockerignore"
        );
        assert_eq!(
            ctx.locate(&[placed(&d)], "/x/pkg.json").as_deref(),
            Some("app/package.json")
        );
        assert_eq!(ctx.locate(&[placed(&a)], "/other/requirements.txt"), None);
    }

    #[test]
    fn joins_like_docker() {
        assert_eq!(join("/app", "src/../x"), "/app/x");
        assert_eq!(join("/app", "/abs"), "/abs");
        assert_eq!(join("/", "."), "/");
    }
}
