//! Remote sources named inside files of the build context: requirements files, Python project files
//! and `package.json`, read with the URL forms of a detector.
use super::match_source;
use super::refs::{classify, RefKind};
use super::spec::{Detectors, ManifestFormat};

/// One remote dependency written in a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1-based line in the file.
    pub line: usize,
    pub url: String,
    pub reference: Option<String>,
    pub kind: RefKind,
}

/// What a manifest names: its remote entries, and other files it includes (`-r base.txt`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contents {
    pub entries: Vec<Entry>,
    pub includes: Vec<String>,
}

/// Reads a manifest's text. `name` is its file name (it decides how a Python project file is read).
pub fn read_manifest(
    detectors: &Detectors,
    detector: usize,
    format: ManifestFormat,
    name: &str,
    text: &str,
) -> Contents {
    let mut contents = match format {
        ManifestFormat::Requirements => requirements(detectors, detector, text),
        ManifestFormat::PythonProject if name.ends_with(".toml") => {
            pyproject(detectors, detector, text)
        }
        ManifestFormat::PythonProject => quoted_or_lines(detectors, detector, text),
        ManifestFormat::PackageJson => package_json(detectors, detector, text),
    };
    contents.entries.sort_by_key(|e| e.line);
    contents
}

fn entry(detectors: &Detectors, detector: usize, line: usize, text: &str) -> Option<Entry> {
    let (url, reference, kind) = match_source(detectors, detector, text.trim())?;
    Some(Entry {
        line,
        url,
        reference,
        kind,
    })
}

/// pip requirements: one requirement per logical line, `#` comments, `\` continuations, `-r`/`-c`
/// includes, `-e URL`.
fn requirements(detectors: &Detectors, detector: usize, text: &str) -> Contents {
    let mut contents = Contents::default();
    let mut logical = String::new();
    let mut start = 0;
    for (i, raw) in text.lines().enumerate() {
        if logical.is_empty() {
            start = i + 1;
        }
        if let Some(continued) = raw.strip_suffix('\\') {
            logical.push_str(continued);
            continue;
        }
        logical.push_str(raw);
        let line = std::mem::take(&mut logical);
        // A comment starts at `#` at the line start or after whitespace (`#egg=` stays).
        let code = line
            .find(" #")
            .or_else(|| line.find("\t#"))
            .map_or(line.as_str(), |i| &line[..i]);
        let code = if code.trim_start().starts_with('#') {
            ""
        } else {
            code.trim()
        };
        let mut words = code.split_whitespace();
        match words.next() {
            Some("-r" | "--requirement" | "-c" | "--constraint") => {
                contents.includes.extend(words.next().map(String::from))
            }
            Some(option)
                if option.starts_with("--requirement=") || option.starts_with("--constraint=") =>
            {
                contents
                    .includes
                    .extend(option.split_once('=').map(|(_, f)| f.to_string()));
            }
            Some("-e" | "--editable") => contents.entries.extend(
                words
                    .next()
                    .and_then(|w| entry(detectors, detector, start, w)),
            ),
            Some(_) => contents
                .entries
                .extend(entry(detectors, detector, start, code)),
            None => {}
        }
    }
    contents
}

/// `setup.py` / `setup.cfg`: every quoted string, and every bare line, that is a remote requirement.
fn quoted_or_lines(detectors: &Detectors, detector: usize, text: &str) -> Contents {
    let mut contents = Contents::default();
    for (i, line) in text.lines().enumerate() {
        let mut found = false;
        for quote in ['"', '\''] {
            for (n, piece) in line.split(quote).enumerate() {
                if n % 2 == 1 {
                    if let Some(e) = entry(detectors, detector, i + 1, piece) {
                        contents.entries.push(e);
                        found = true;
                    }
                }
            }
        }
        let bare = line
            .split_once('#')
            .map_or(line, |(code, _)| code)
            .trim()
            .trim_end_matches(',');
        if !found {
            contents
                .entries
                .extend(entry(detectors, detector, i + 1, bare));
        }
    }
    contents
}

/// `pyproject.toml`: requirement strings (PEP 621 `dependencies`, optional dependencies, dependency
/// groups, build requirements), and git tables of poetry and uv (`x = { git = "…", branch = "main" }`).
fn pyproject(detectors: &Detectors, detector: usize, text: &str) -> Contents {
    let mut contents = Contents::default();
    let Ok(doc) = text.parse::<toml::Table>() else {
        return contents;
    };
    let doc = toml::Value::Table(doc);
    let mut strings = Vec::new();
    collect_strings(&doc, &mut strings);
    for requirement in strings {
        let line = line_of(text, requirement);
        contents
            .entries
            .extend(entry(detectors, detector, line, requirement));
    }
    let mut tables = Vec::new();
    collect_git_tables(&doc, &mut tables);
    for table in tables {
        let Some(url) = table.get("git").and_then(|v| v.as_str()) else {
            continue;
        };
        let (reference, kind) = if let Some(b) = table.get("branch").and_then(|v| v.as_str()) {
            (Some(b.to_string()), RefKind::Branch)
        } else if let Some(t) = table.get("tag").and_then(|v| v.as_str()) {
            (Some(t.to_string()), RefKind::Tag)
        } else if let Some(r) = table.get("rev").and_then(|v| v.as_str()) {
            (Some(r.to_string()), classify(r))
        } else {
            (None, RefKind::Default)
        };
        let line = line_of(text, url);
        contents.entries.push(Entry {
            line,
            url: url.to_string(),
            reference,
            kind,
        });
    }
    contents
}

/// Every string inside an array (requirement lists), skipping git tables (read on their own).
fn collect_strings<'v>(value: &'v toml::Value, out: &mut Vec<&'v str>) {
    match value {
        toml::Value::Table(table) if !table.contains_key("git") => {
            table.values().for_each(|v| collect_strings(v, out));
        }
        toml::Value::Array(items) => {
            for item in items {
                match item {
                    toml::Value::String(s) => out.push(s),
                    other => collect_strings(other, out),
                }
            }
        }
        _ => {}
    }
}

fn collect_git_tables<'v>(value: &'v toml::Value, out: &mut Vec<&'v toml::Table>) {
    match value {
        toml::Value::Table(table) => {
            if table.contains_key("git") {
                out.push(table);
            }
            table.values().for_each(|v| collect_git_tables(v, out));
        }
        toml::Value::Array(items) => items.iter().for_each(|v| collect_git_tables(v, out)),
        _ => {}
    }
}

/// `package.json`: the version specs of every dependency map.
fn package_json(detectors: &Detectors, detector: usize, text: &str) -> Contents {
    let mut contents = Contents::default();
    let Ok(serde_json::Value::Object(doc)) = serde_json::from_str::<serde_json::Value>(text) else {
        return contents;
    };
    for key in [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
    ] {
        let Some(serde_json::Value::Object(deps)) = doc.get(key) else {
            continue;
        };
        for spec in deps.values().filter_map(|v| v.as_str()) {
            contents.entries.extend(entry(
                detectors,
                detector,
                line_of(text, &format!("\"{spec}\"")),
                spec,
            ));
        }
    }
    contents
}

/// The 1-based line of the first occurrence of `needle` (1 when absent).
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map_or(1, |i| text[..i].matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detector(id: &str) -> usize {
        Detectors::builtin()
            .detectors
            .iter()
            .position(|d| d.id == id)
            .unwrap()
    }

    fn read(format: ManifestFormat, name: &str, text: &str, id: &str) -> Contents {
        read_manifest(Detectors::builtin(), detector(id), format, name, text)
    }

    #[test]
    fn requirements_files() {
        let text = "# tools\nrequests==2.31\n-r base.txt\ngit+https://github.com/a/b.git@develop#egg=b  # dev\n\
                    -e git+https://github.com/a/c.git@v1.0#egg=c\nd @ git+https://github.com/a/d \\\n    ; python_version>'3'\n";
        let c = read(
            ManifestFormat::Requirements,
            "requirements.txt",
            text,
            "pip-vcs",
        );
        assert_eq!(c.includes, vec!["base.txt".to_string()]);
        let got: Vec<_> = c
            .entries
            .iter()
            .map(|e| (e.line, e.url.as_str(), e.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                (4, "https://github.com/a/b.git", RefKind::Branch),
                (5, "https://github.com/a/c.git", RefKind::Tag),
            ]
        );
    }

    #[test]
    fn python_projects() {
        let text = "[project]\ndependencies = [\n  \"x @ git+https://github.com/a/x.git@main\",\n  \"y>=1\",\n]\n\
                    [tool.poetry.dependencies]\nz = { git = \"https://github.com/a/z.git\", branch = \"dev\" }\n\
                    w = { git = \"https://github.com/a/w.git\", rev = \"0123456789abcdef0123456789abcdef01234567\" }\n";
        let c = read(
            ManifestFormat::PythonProject,
            "pyproject.toml",
            text,
            "pip-vcs",
        );
        let got: Vec<_> = c
            .entries
            .iter()
            .map(|e| (e.line, e.reference.as_deref(), e.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, Some("main"), RefKind::Branch),
                (7, Some("dev"), RefKind::Branch),
                (
                    8,
                    Some("0123456789abcdef0123456789abcdef01234567"),
                    RefKind::Commit
                )
            ]
        );
        let setup = "setup(install_requires=['lib @ git+https://github.com/a/lib.git'])\n";
        let c = read(ManifestFormat::PythonProject, "setup.py", setup, "pip-vcs");
        assert_eq!(c.entries.len(), 1);
        assert_eq!(c.entries[0].kind, RefKind::Default);
    }

    #[test]
    fn package_json_specs() {
        let text = "{\n  \"dependencies\": {\n    \"ui\": \"github:acme/ui#main\",\n    \"left-pad\": \"^1.3.0\"\n  },\n  \"devDependencies\": { \"cfg\": \"acme/cfg\" }\n}\n";
        let c = read(ManifestFormat::PackageJson, "package.json", text, "npm-git");
        let got: Vec<_> = c.entries.iter().map(|e| (e.line, e.url.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (3, "https://github.com/acme/ui.git"),
                (6, "https://github.com/acme/cfg.git")
            ]
        );
    }
}
