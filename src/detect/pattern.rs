//! A detector regex compiled the first time it is used.
//!
//! `rules/detectors.toml` holds ~80 patterns and a typical Dockerfile meets a handful of them (most RUN
//! commands are `apt-get` or `echo`, which start no detector): compiling them all at start was half the
//! instructions of a one-file `check` (bench/README.md). The built-in data is compiled lazily (its
//! patterns are compiled by the tests); a user's data is compiled at once, so a bad pattern is reported
//! when the config is read, not when a command first reaches it.
use std::ops::Deref;
use std::sync::OnceLock;

use regex::Regex;

/// A regex and its source text; it derefs to the compiled [`Regex`].
pub struct Pattern {
    text: String,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    /// A pattern compiled on first use: the text must be known to compile (the built-in data).
    pub fn lazy(text: String) -> Pattern {
        Pattern {
            text,
            compiled: OnceLock::new(),
        }
    }

    /// A pattern compiled now; the error names the entry and field (`` `id`: invalid `pattern`: … ``).
    pub fn eager(id: &str, field: &str, text: String) -> Result<Pattern, String> {
        let regex = Regex::new(&text).map_err(|e| format!("`{id}`: invalid `{field}`: {e}"))?;
        Ok(Pattern {
            text,
            compiled: OnceLock::from(regex),
        })
    }

    /// The pattern as written in the data.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The compiled regex (compiling it now if it was not yet).
    pub fn regex(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            Regex::new(&self.text).unwrap_or_else(|e| {
                panic!("built-in detector pattern `{}` is invalid: {e}", self.text)
            })
        })
    }

    /// Whether it has been compiled (for the tests of laziness).
    pub fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }
}

impl Deref for Pattern {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.regex()
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.text).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lazy_compiles_on_first_use() {
        let p = Pattern::lazy(r"^git\+(?P<url>.+)$".into());
        assert!(!p.is_compiled());
        assert!(p.is_match("git+https://x/y"));
        assert!(p.is_compiled());
        assert!(!p.is_match("https://x/y"));
    }

    #[test]
    fn eager_reports_the_entry() {
        let err = Pattern::eager("f", "pattern", "(".into()).unwrap_err();
        assert!(err.starts_with("`f`: invalid `pattern`"), "{err}");
        let ok = Pattern::eager("f", "pattern", "a+".into()).unwrap();
        assert!(ok.is_compiled());
        assert_eq!(ok.as_str(), "a+");
    }
}
