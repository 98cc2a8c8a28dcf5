//! The build args and environment variables a RUN sees, and `$VAR` expansion with their values.
use std::collections::HashMap;
use std::sync::OnceLock;

use regex::{Captures, Regex};

/// Names in scope, each with the value Docker would know at build time (`None`: declared, no value).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    vars: HashMap<String, Option<String>>,
}

/// Text after expansion, and the names that had no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    pub text: String,
    pub unresolved: Vec<String>,
}

impl Scope {
    pub fn declare(&mut self, name: &str, value: Option<String>) {
        self.vars.insert(name.to_string(), value);
    }

    /// Whether `name` is declared, and its value if it has one.
    pub fn get(&self, name: &str) -> Option<Option<&str>> {
        self.vars.get(name).map(Option::as_deref)
    }

    /// Expands `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:+alt}` and `${NAME:?msg}`.
    /// A name with no value and no default stays as written and is listed as unresolved. Positional
    /// parameters (`$3`, `${10}`) are never bound here: they are unresolved too, so a script's
    /// `git fetch origin "$3"` is an unknown ref, not a branch named `$3`.
    pub fn expand(&self, text: &str) -> Expanded {
        if !text.contains('$') {
            return Expanded {
                text: text.to_string(),
                unresolved: Vec::new(),
            };
        }
        static VAR: OnceLock<Regex> = OnceLock::new();
        let var = VAR.get_or_init(|| {
            Regex::new(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+)(?:(:?[-+?=])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*|[0-9]))")
                .expect("valid regex")
        });
        let mut unresolved = Vec::new();
        let text = var
            .replace_all(text, |c: &Captures<'_>| {
                let name = c.get(1).or_else(|| c.get(4)).map_or("", |m| m.as_str());
                let value = self.get(name).flatten();
                let op = c.get(2).map(|m| m.as_str());
                let word = c.get(3).map_or("", |m| m.as_str());
                let set = value
                    .is_some_and(|v| !(op.is_some_and(|o| o.starts_with(':')) && v.is_empty()));
                match (op.map(|o| o.trim_start_matches(':')), set) {
                    (Some("+"), true) => word.to_string(),
                    (Some("+"), false) => String::new(),
                    (Some("-" | "="), false) => word.to_string(),
                    (_, true) => value.unwrap_or_default().to_string(),
                    (_, false) => {
                        unresolved.push(name.to_string());
                        c[0].to_string()
                    }
                }
            })
            .into_owned();
        Expanded { text, unresolved }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_forms() {
        let mut scope = Scope::default();
        scope.declare("REPO", Some("https://x/y.git".into()));
        scope.declare("BRANCH", None);
        scope.declare("EMPTY", Some(String::new()));
        let e = scope.expand("${REPO}@$BRANCH");
        assert_eq!(e.text, "https://x/y.git@$BRANCH");
        assert_eq!(e.unresolved, vec!["BRANCH".to_string()]);
        assert_eq!(scope.expand("${BRANCH:-main}").text, "main");
        assert_eq!(scope.expand("${EMPTY:-dev}").text, "dev");
        assert_eq!(scope.expand("${EMPTY-dev}").text, "");
        assert_eq!(scope.expand("${REPO:+set}").text, "set");
        let positional = scope.expand("$3@${10}");
        assert_eq!(positional.text, "$3@${10}");
        assert_eq!(
            positional.unresolved,
            vec!["3".to_string(), "10".to_string()]
        );
        assert_eq!(scope.expand("${1:-main}").text, "main");
        assert_eq!(
            scope.expand("a$UNKNOWN").unresolved,
            vec!["UNKNOWN".to_string()]
        );
    }
}
