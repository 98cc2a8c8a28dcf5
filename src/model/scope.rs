//! The build args and environment variables a RUN sees, and `$VAR` expansion with their values.
//!
//! Expansion follows BuildKit's shell lexer (`frontend/dockerfile/shell/lex.go`): `$NAME`, `${NAME}`,
//! and `${NAME<op>WORD}` for `:-` `-` `:+` `+` `:?` `?`, where WORD is itself expanded, so
//! `${X:+${X}}` nests. Unlike BuildKit, a name with no value stays as written (a build arg may be
//! passed at build time) and is listed as unresolved. Both the nesting and the bytes a file's
//! expansions produce are bounded: an input cannot make a run deep, slow or big.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// `${…}` nested deeper than this is kept as written.
pub const MAX_NESTING: usize = 64;
/// The most bytes one expansion may produce.
pub const MAX_VALUE: usize = 256 << 10;
/// The most bytes of substituted values one file's expansions may produce (`ARG A=${A}${A}` doubles).
pub const MAX_TOTAL: usize = 32 << 20;

/// Names in scope, each with the value Docker would know at build time (`None`: declared, no value).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    vars: HashMap<String, Option<String>>,
    /// Shared by the scopes of one file (a stage's scope is cloned from its parent's).
    budget: Arc<Mutex<Budget>>,
}

/// How much expansion the file has had, and the first bound it hit.
#[derive(Debug, Default)]
struct Budget {
    spent: usize,
    breach: Option<Breach>,
}

/// A bound an expansion hit. The text that hit it, and every text expanded after it in the same
/// file, is kept as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breach {
    /// `${…}` nested deeper than [`MAX_NESTING`].
    Nesting,
    /// One value longer than [`MAX_VALUE`].
    Value,
    /// The file's expansions past [`MAX_TOTAL`].
    Total,
}

impl Breach {
    /// What was bounded, for a CB000 message.
    pub fn describe(self) -> String {
        match self {
            Breach::Nesting => format!("`${{…}}` nested more than {MAX_NESTING} deep"),
            Breach::Value => format!("a value that expands past {} KiB", MAX_VALUE >> 10),
            Breach::Total => format!("variables that expand past {} MiB in all", MAX_TOTAL >> 20),
        }
    }
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

    /// The first bound any expansion of this file hit, if any.
    pub fn breach(&self) -> Option<Breach> {
        self.budget.lock().map_or(None, |b| b.breach)
    }

    /// Expands `$NAME`, `${NAME}` and `${NAME<op>WORD}` (see the module docs). A name with no value
    /// stays as written and is listed as unresolved; so does a text that hits a bound.
    pub fn expand(&self, text: &str) -> Expanded {
        if !text.contains('$') {
            return Expanded {
                text: text.to_string(),
                unresolved: Vec::new(),
            };
        }
        if self.breach().is_some() {
            // Past a bound, nothing more is expanded: the values after it are unknown.
            return Expanded {
                text: text.to_string(),
                unresolved: names_in(text),
            };
        }
        let mut expander = Expander {
            scope: self,
            unresolved: Vec::new(),
            spent: 0,
            breach: None,
        };
        let (value, _) = expander.text(text, 0, false);
        let mut budget = self.budget.lock().unwrap_or_else(|e| e.into_inner());
        let breach = expander
            .breach
            .or_else(|| (budget.spent + expander.spent > MAX_TOTAL).then_some(Breach::Total));
        match breach {
            None => {
                budget.spent += expander.spent;
                Expanded {
                    text: value,
                    unresolved: expander.unresolved,
                }
            }
            Some(breach) => {
                budget.breach.get_or_insert(breach);
                // Kept as written, and unknown: every name in it may be anything.
                Expanded {
                    text: text.to_string(),
                    unresolved: names_in(text),
                }
            }
        }
    }
}

struct Expander<'s> {
    scope: &'s Scope,
    unresolved: Vec<String>,
    /// Bytes of substituted values so far.
    spent: usize,
    breach: Option<Breach>,
}

impl Expander<'_> {
    /// Expands `text` up to its end or, when `in_braces`, up to the `}` that closes the enclosing
    /// `${`; returns the value and how many bytes of `text` it read (the `}` included).
    fn text(&mut self, text: &str, depth: usize, in_braces: bool) -> (String, usize) {
        let mut out = String::new();
        let mut i = 0;
        while i < text.len() && self.breach.is_none() {
            let rest = &text[i..];
            let Some(at) = rest.find(|c| c == '$' || (in_braces && c == '}')) else {
                out.push_str(rest);
                return (out, text.len());
            };
            out.push_str(&rest[..at]);
            i += at;
            if text.as_bytes()[i] == b'}' {
                return (out, i + 1);
            }
            let (value, used) = self.dollar(&text[i..], depth);
            out.push_str(&value);
            i += used;
            if out.len() > MAX_VALUE {
                self.breach = Some(Breach::Value);
            }
        }
        (out, text.len())
    }

    /// One `$…` at the start of `text`: its value and its length.
    fn dollar(&mut self, text: &str, depth: usize) -> (String, usize) {
        let after = &text[1..];
        if let Some(body) = after.strip_prefix('{') {
            // `${10}`: a positional parameter, never bound here (unresolved like an unknown name).
            let len = name_len(body).max(digits_len(body)).max(special_len(body));
            let name = &body[..len];
            if len == 0 {
                return ("$".into(), 1);
            }
            let op_len = match &body.as_bytes()[len..] {
                [b'}', ..] => 0,
                [b':', b'-' | b'+' | b'?' | b'=', ..] => 2,
                [b'-' | b'+' | b'?' | b'=', ..] => 1,
                // `${NAME#…}`, `%`, `/` and malformed forms: kept as written.
                _ => return ("$".into(), 1),
            };
            let op = &body[len..len + op_len];
            let word_at = 2 + len + op_len;
            if op.is_empty() {
                return (self.value(name, &text[..word_at + 1]), word_at + 1);
            }
            if depth >= MAX_NESTING {
                self.breach = Some(Breach::Nesting);
                return (String::new(), text.len());
            }
            let (word, used) = self.text(&text[word_at..], depth + 1, true);
            let end = word_at + used;
            if !text[..end].ends_with('}') {
                // No closing brace: literal text, as the old regex left it.
                return ("$".into(), 1);
            }
            let value = self.scope.get(name).flatten();
            let set = value.is_some_and(|v| !(op.starts_with(':') && v.is_empty()));
            let result = match (op.trim_start_matches(':'), set) {
                ("+", true) => word,
                ("+", false) => String::new(),
                ("-" | "=", false) => word,
                (_, true) => self.substituted(value.unwrap_or_default()),
                (_, false) => {
                    self.unresolved.push(name.to_string());
                    text[..end].to_string()
                }
            };
            return (result, end);
        }
        // `$3` is one digit, as in the shell: a script's positional parameter, an unknown value here,
        // so `git fetch origin "$3"` is an unknown ref, never a branch named `$3`.
        let len = match name_len(after) {
            0 => {
                usize::from(after.starts_with(|c: char| c.is_ascii_digit())).max(special_len(after))
            }
            len => len,
        };
        if len == 0 {
            return ("$".into(), 1);
        }
        (self.value(&after[..len], &text[..1 + len]), 1 + len)
    }

    /// The value of `name`, or `written` (listed as unresolved) when it has none.
    fn value(&mut self, name: &str, written: &str) -> String {
        match self.scope.get(name).flatten() {
            Some(value) => self.substituted(value),
            None => {
                self.unresolved.push(name.to_string());
                written.to_string()
            }
        }
    }

    fn substituted(&mut self, value: &str) -> String {
        self.spent += value.len();
        if value.len() > MAX_VALUE {
            self.breach = Some(Breach::Value);
        }
        value.to_string()
    }
}

/// `@` and `*`: all the positional parameters, unknown unless a script's or function's call binds them.
fn special_len(text: &str) -> usize {
    usize::from(text.starts_with(['@', '*']))
}

fn digits_len(text: &str) -> usize {
    text.bytes().take_while(u8::is_ascii_digit).count()
}

/// The length of the variable name at the start of `text` (`[A-Za-z_][A-Za-z0-9_]*`), 0 if none.
/// Compose interpolation reads names by the same rule.
pub(crate) fn name_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    if !bytes
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return 0;
    }
    bytes
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count()
}

/// Every `$NAME` and `${NAME` in the text.
fn names_in(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (at, _) in text.match_indices('$') {
        let rest = &text[at + 1..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        let name = &rest[..name_len(rest)];
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
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

    /// As BuildKit's lexer: the word of `${X<op>WORD}` is itself expanded, up to its own `}`.
    #[test]
    fn nested_forms() {
        let mut scope = Scope::default();
        scope.declare("V", Some("1.2".into()));
        scope.declare("EMPTY", Some(String::new()));
        let run = |text: &str| scope.expand(text).text;
        assert_eq!(run("${X:+${X}}"), "");
        assert_eq!(run("a${X+${X}}b"), "ab");
        assert_eq!(run("${V:+v${V}}"), "v1.2");
        assert_eq!(run("${V+[${V}]}"), "[1.2]");
        assert_eq!(run("${X:-${Y:-${V}}}-x"), "1.2-x");
        assert_eq!(run("${X-${EMPTY:-d}}"), "d");
        assert_eq!(run("${EMPTY-${V}}"), "");
        assert_eq!(run("${EMPTY:-${V}}"), "1.2");
        assert_eq!(run("${V:?${X}}"), "1.2");
        assert_eq!(run("${V:-${X}}"), "1.2");
        let e = scope.expand("${X:?need ${V}}");
        assert_eq!(
            (e.text.as_str(), e.unresolved),
            ("${X:?need ${V}}", vec!["X".into()])
        );
        // Forms BuildKit rejects or that cachebust does not evaluate stay as written.
        assert_eq!(run("${V#1.}|${V"), "${V#1.}|${V");
        assert_eq!(run("${X:-a"), "${X:-a");
        assert_eq!(run("$ {V} $1 ${}"), "$ {V} $1 ${}");
        assert_eq!(scope.breach(), None);
    }

    #[test]
    fn nesting_is_bounded() {
        let scope = Scope::default();
        let deep = format!("{}x{}", "${X:-".repeat(12_000), "}".repeat(12_000));
        let e = scope.expand(&deep);
        assert_eq!(e.text, deep);
        assert_eq!(e.unresolved, vec!["X".to_string()]);
        assert_eq!(scope.breach(), Some(Breach::Nesting));
        let ok = format!(
            "{}x{}",
            "${X:-".repeat(MAX_NESTING),
            "}".repeat(MAX_NESTING)
        );
        assert_eq!(Scope::default().expand(&ok).text, "x");
    }

    /// `ARG A=${A}${A}${A}${A}` fourteen times is 4^14 bytes: each value and the file's sum are bounded.
    #[test]
    fn growth_is_bounded() {
        let mut scope = Scope::default();
        scope.declare("A", Some("x".into()));
        for _ in 0..14 {
            let value = scope.expand("${A}${A}${A}${A}").text;
            scope.declare("A", Some(value));
        }
        assert_eq!(scope.breach(), Some(Breach::Value));
        assert_eq!(scope.get("A").flatten(), Some("${A}${A}${A}${A}"));
        assert_eq!(scope.expand("x$A").text, "x$A");

        let mut scope = Scope::default();
        scope.declare("A", Some("x".repeat(MAX_VALUE)));
        for _ in 0..MAX_TOTAL / MAX_VALUE {
            assert_eq!(scope.expand("$A").text.len(), MAX_VALUE);
        }
        assert_eq!(scope.breach(), None);
        assert_eq!(scope.expand("$A").text, "$A");
        assert_eq!(scope.breach(), Some(Breach::Total));
    }
}
