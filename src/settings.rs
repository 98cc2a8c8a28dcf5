//! What a run is configured with. Defaults match `../shared/DESIGN.md`; a config file can change them.
use std::path::{Path, PathBuf};

use globset::GlobMatcher;

use crate::detect::spec::Detectors;
use crate::finding::{Finding, Severity};

/// Settings that the checks and fixes read.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Arg names that count as a cache bust (case-insensitive; a trailing `*` matches any suffix).
    pub bust_names: Vec<String>,
    /// The arg the fixes insert.
    pub fix_arg: String,
    /// Its default value.
    pub fix_default: String,
    /// Whether fixes add the `RUN echo "Cache bust: …"` line after the arg.
    pub fix_echo: bool,
    /// Whether fixes insert one arg per remote layer (`CACHE_BUST_<REPO>`, as `bust --per-layer` names
    /// them), so that a moved remote rebuilds only from its own layer.
    pub fix_per_layer: bool,
    /// Whether CB001's fix replaces a plain `RUN git clone` by `ADD <git>#<ref>` (`--fix-strategy
    /// add-git`) where it can.
    pub fix_add_git: bool,
    /// Whether tags count as mutable refs.
    pub strict_tags: bool,
    pub detectors: &'static Detectors,
    /// Rule codes (or prefixes, or `ALL`) to report; `None`: every rule.
    pub select: Option<Vec<String>>,
    /// Rule codes (or prefixes) never to report.
    pub ignore: Vec<String>,
    /// Severity overrides by code (or prefix).
    pub severities: Vec<(String, Severity)>,
    pub per_file_ignores: Vec<PathIgnore>,
    /// The lowest severity that makes a run fail.
    pub fail_level: Severity,
}

/// Codes ignored in the files a glob matches (relative to the config file's directory).
#[derive(Debug, Clone)]
pub struct PathIgnore {
    pub base: PathBuf,
    pub glob: GlobMatcher,
    pub codes: Vec<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            bust_names: [
                "CACHE_BUST",
                "CACHEBUST",
                "CACHE_BUSTER",
                "CACHEBUSTER",
                "CACHE_DATE",
                "CACHE_BUST_*",
            ]
            .map(String::from)
            .to_vec(),
            fix_arg: "CACHE_BUST".into(),
            fix_default: "unknown".into(),
            fix_echo: true,
            fix_per_layer: false,
            fix_add_git: false,
            strict_tags: false,
            detectors: Detectors::builtin(),
            select: None,
            ignore: Vec::new(),
            severities: Vec::new(),
            per_file_ignores: Vec::new(),
            fail_level: Severity::Info,
        }
    }
}

/// Whether a selector (`CB001`, a prefix such as `CB00`, or `ALL`) picks `code`.
fn picks(selector: &str, code: &str) -> bool {
    selector == "ALL" || code.starts_with(selector)
}

impl Settings {
    /// Whether findings of `code` are reported for the file at `path`.
    pub fn reports(&self, code: &str, path: &Path) -> bool {
        let selected = self
            .select
            .as_ref()
            .is_none_or(|s| s.iter().any(|sel| picks(sel, code)));
        let ignored = self.ignore.iter().any(|sel| picks(sel, code))
            || self.per_file_ignores.iter().any(|p| {
                // Globs are relative to the config file's directory; paths may be relative to the cwd.
                let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
                let relative = absolute.strip_prefix(&p.base).unwrap_or(path);
                p.glob.is_match(relative) && p.codes.iter().any(|sel| picks(sel, code))
            });
        selected && !ignored
    }

    /// The findings this run reports for the file at `path`, with their configured severities.
    pub fn filter(&self, path: &Path, findings: Vec<Finding>) -> Vec<Finding> {
        if self.select.is_none()
            && self.ignore.is_empty()
            && self.severities.is_empty()
            && self.per_file_ignores.is_empty()
        {
            return findings;
        }
        findings
            .into_iter()
            .filter(|f| self.reports(f.code, path))
            .map(|mut f| {
                f.severity = self.severity(f.code, f.severity);
                f
            })
            .collect()
    }

    /// The severity findings of `code` are reported with.
    pub fn severity(&self, code: &str, default: Severity) -> Severity {
        self.severities
            .iter()
            .rev()
            .find(|(sel, _)| picks(sel, code))
            .map_or(default, |(_, s)| *s)
    }

    /// Whether an arg of this name is a cache bust.
    pub fn is_bust_name(&self, name: &str) -> bool {
        self.bust_names
            .iter()
            .any(|pattern| match pattern.strip_suffix('*') {
                Some(prefix) => {
                    name.len() > prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix)
                }
                None => pattern.eq_ignore_ascii_case(name),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bust_names() {
        let s = Settings::default();
        assert!(s.is_bust_name("cache_bust"));
        assert!(s.is_bust_name("CACHE_BUST_TOOLKIT"));
        assert!(!s.is_bust_name("CACHE_BUST_"));
        assert!(!s.is_bust_name("BUILD_DATE"));
    }
}
