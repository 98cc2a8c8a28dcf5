//! Cheap tests, run before a redaction regex, that a text can hold what it looks for at all.
//!
//! Every guard is a necessary condition of its pattern (a guard that says no means the regex would
//! find nothing), so guarded and unguarded redaction hide the same bytes. They exist for start-up
//! (issue 19): most printed text holds no secret, and compiling the patterns cost more than linting a
//! typical Dockerfile. The `(?i)` patterns fold case by Unicode's rules, where two characters outside
//! ASCII match ASCII letters (`K`, the Kelvin sign, is a `k`; `ſ`, the long s, an `s`): [`fold`] maps
//! them too, so the guards are exact on any text (a test checks no other character folds so).
use std::sync::OnceLock;

use regex::Regex;

/// Compiles `pattern` into `cell` on first use.
pub(crate) fn cached(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid regex"))
}

/// `text` as a `(?i)` pattern of ASCII letters sees it: ASCII lower-cased, `K` as `k`, `ſ` as `s`.
pub(crate) fn fold(text: &str) -> String {
    let mut out = text.to_ascii_lowercase();
    if !out.is_ascii() && out.contains(['\u{212a}', '\u{17f}']) {
        out = out.replace('\u{212a}', "k").replace('\u{17f}', "s");
    }
    out
}

/// A text and its [`fold`]ed copy for the case-insensitive guards.
pub(crate) struct Guard<'t> {
    text: &'t str,
    lower: String,
}

impl<'t> Guard<'t> {
    pub(crate) fn new(text: &'t str) -> Guard<'t> {
        Guard {
            text,
            lower: fold(text),
        }
    }

    /// Whether the folded text holds any of `needles` (lower-case ASCII).
    pub(crate) fn any_ci(&self, needles: &[&str]) -> bool {
        needles.iter().any(|n| self.lower.contains(n))
    }

    /// The folded text.
    pub(crate) fn lower(&self) -> &str {
        &self.lower
    }

    /// Whether some `?` or `&` is followed by one of `names` and `=`: what `[?&](?:name|…)=` needs.
    pub(crate) fn query(&self, names: &[&str]) -> bool {
        self.text.contains('=')
            && self.lower.match_indices(['?', '&']).any(|(at, _)| {
                let rest = &self.lower[at + 1..];
                names
                    .iter()
                    .any(|n| rest.strip_prefix(n).is_some_and(|r| r.starts_with('=')))
            })
    }
}

/// Whether some `://` in `text` is followed by bytes none of which is in `stops`, then an `@`: what a
/// userinfo pattern needs, its authority ending at any of `stops`.
pub(crate) fn authority_has_at(text: &str, stops: &[u8]) -> bool {
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
/// folded text): what `[?&][a-z_]*(?:word|…)=` matches.
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

/// Whether `needle` occurs in folded text followed by a byte that is not an ASCII word character, or
/// the end: what `needle\b` needs when the needle ends in a word character.
pub(crate) fn word_ending(lower: &str, needle: &str) -> bool {
    lower.match_indices(needle).any(|(at, _)| {
        lower.as_bytes()[at + needle.len()..]
            .first()
            .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
    })
}

/// Whether one of `words` occurs in folded text with no letter or digit before it, then `_word`s, then
/// `=`, `:` and a blank, or a blank: what a secret-named assignment (`GIT_TOKEN=…`, `ENV DB_PASSWORD …`,
/// `npm_auth: …`) needs before its value.
pub(crate) fn named_then_separator(lower: &str, words: &[&str]) -> bool {
    let bytes = lower.as_bytes();
    let alnum = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_alphanumeric);
    words.iter().any(|w| {
        lower.match_indices(w).any(|(at, _)| {
            if at > 0 && alnum(at - 1) {
                return false;
            }
            let mut q = at + w.len();
            while bytes.get(q) == Some(&b'_') && alnum(q + 1) {
                q += 1;
                while alnum(q) {
                    q += 1;
                }
            }
            match bytes.get(q) {
                Some(b'=' | b' ' | b'\t') => true,
                Some(b':') => matches!(bytes.get(q + 1), Some(b' ' | b'\t')),
                _ => false,
            }
        })
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
    fn fold_sees_what_case_insensitive_regexes_see() {
        assert!(Guard::new("TO\u{212a}EN=x").any_ci(&["token"]));
        assert!(Guard::new("\u{17f}ECRET ╭─").any_ci(&["secret"]));
        assert!(!Guard::new("TOKXN=x").any_ci(&["token"]));
        assert!(Guard::new("ToKeN=x").any_ci(&["token"]));
        // No other character outside ASCII matches an ASCII letter case-insensitively.
        let letter = Regex::new("(?i)^[a-z]$").unwrap();
        let folding: Vec<char> = (0x80..=0x10ffff_u32)
            .filter_map(char::from_u32)
            .filter(|c| letter.is_match(c.encode_utf8(&mut [0; 4])))
            .collect();
        assert_eq!(folding, ['\u{17f}', '\u{212a}']);
    }
}
