//! Cheap tests, run before a redaction regex, that a text can hold what it looks for at all.
//!
//! Every guard is a necessary condition of its pattern (a guard that says no means the regex would
//! find nothing), so guarded and unguarded redaction hide the same bytes. They exist for start-up
//! (issue 19): most printed text holds no secret, and compiling the patterns cost more than linting a
//! typical Dockerfile. The `(?i)` patterns fold case by Unicode rules (`K`, the Kelvin sign, is a `k`),
//! so on text that is not ASCII the case-folding guards say "maybe" and the regexes decide.
use std::sync::OnceLock;

use regex::Regex;

/// Compiles `pattern` into `cell` on first use.
pub(crate) fn cached(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid regex"))
}

/// A text and, when it is ASCII, its lower-case copy for the case-insensitive guards.
pub(crate) struct Guard<'t> {
    text: &'t str,
    lower: Option<String>,
}

impl<'t> Guard<'t> {
    pub(crate) fn new(text: &'t str) -> Guard<'t> {
        Guard {
            text,
            lower: text.is_ascii().then(|| text.to_ascii_lowercase()),
        }
    }

    /// Whether the lower-cased text holds any of `needles` ("maybe" when it is not ASCII).
    pub(crate) fn any_ci(&self, needles: &[&str]) -> bool {
        self.lower
            .as_deref()
            .is_none_or(|lower| needles.iter().any(|n| lower.contains(n)))
    }

    /// The text itself.
    pub(crate) fn text(&self) -> &'t str {
        self.text
    }

    /// The lower-cased text when it is ASCII (the case-folding guards are exact only then).
    pub(crate) fn lower(&self) -> Option<&str> {
        self.lower.as_deref()
    }

    /// `scheme://` followed by authority bytes up to an `@`, the authority ending at any of `stops`.
    pub(crate) fn userinfo(&self, stops: &[u8]) -> bool {
        authority_has_at(self.text, stops)
    }

    /// A query pattern needs `=` and a `?` or `&`.
    pub(crate) fn query(&self) -> bool {
        self.text.contains('=') && self.text.contains(['?', '&'])
    }
}

/// Whether some `://` in `text` is followed by bytes none of which is in `stops`, then an `@`.
fn authority_has_at(text: &str, stops: &[u8]) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find("://") {
        let start = from + at + 3;
        for &b in &bytes[start..] {
            if b == b'@' {
                return true;
            }
            if stops.contains(&b) {
                break;
            }
        }
        from = start;
    }
    false
}

/// Whether some `[?&]` starts a run of `[a-z_]` that ends with one of `words` and then `=` (in
/// lower-cased ASCII text): what `[?&][a-z_]*(?:word|…)=` matches.
pub(crate) fn query_name_ends_with(lower: &str, words: &[&str]) -> bool {
    let bytes = lower.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'?' && b != b'&' {
            continue;
        }
        let run = bytes[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_lowercase() || **c == b'_')
            .count();
        let name = &lower[i + 1..i + 1 + run];
        if bytes.get(i + 1 + run) == Some(&b'=') && words.iter().any(|w| name.ends_with(w)) {
            return true;
        }
    }
    false
}

/// Whether `needle` occurs in lower-cased ASCII text followed by a non-word byte or the end: what
/// `needle\b` matches when the needle ends in a word character.
pub(crate) fn word_ending(lower: &str, needle: &str) -> bool {
    lower.match_indices(needle).any(|(at, _)| {
        lower.as_bytes()[at + needle.len()..]
            .first()
            .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_needs_an_at_inside_the_authority() {
        let stops = b"/?#'\"` \t\n\r";
        assert!(authority_has_at("x https://u:p@h/x", stops));
        assert!(!authority_has_at("https://h/a@b and pm2@5", stops));
        assert!(authority_has_at("https://h/a https://t@h", stops));
        assert!(!authority_has_at("no url@here", stops));
    }

    #[test]
    fn query_names_and_word_ends() {
        assert!(query_name_ends_with("x?private_token=1", &["token"]));
        assert!(!query_name_ends_with("x?token_id=1", &["token"]));
        assert!(!query_name_ends_with("x?tokens=1", &["token"]));
        assert!(word_ending("a_pat", "_pat") && word_ending("a_pat=1", "_pat"));
        assert!(!word_ending("a_path", "_pat"));
    }

    #[test]
    fn case_folding_guards_say_maybe_on_unicode() {
        // U+212A KELVIN SIGN folds to `k` in the regexes.
        assert!(Guard::new("TO\u{212a}EN=x").any_ci(&["token"]));
        assert!(!Guard::new("TOKXN=x").any_ci(&["token"]));
        assert!(Guard::new("ToKeN=x").any_ci(&["token"]));
    }
}
