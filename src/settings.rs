//! What a run is configured with. Defaults match `../shared/DESIGN.md`; a config file can change them.
use crate::detect::spec::Detectors;

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
    /// Whether tags count as mutable refs.
    pub strict_tags: bool,
    pub detectors: &'static Detectors,
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
            strict_tags: false,
            detectors: Detectors::builtin(),
        }
    }
}

impl Settings {
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
