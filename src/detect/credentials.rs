//! Credentials in URLs and secret-named build args: finding them (CB006) and keeping them out of every
//! output. `redact_url` shortens a URL for messages; `mask_secrets` blanks secrets in a whole file with
//! asterisks of the same byte length, so spans into the file stay valid for the source excerpts.
use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::redact::guard::{authority_has_at, cached};
use crate::redact::Guard;

/// Why a URL leaks a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leak {
    /// `https://user:password@host`, `https://<token>@host`
    Userinfo,
    /// `?private_token=…`, `&access_token=…`
    QueryToken,
}

// Each pattern compiles the first time a text passes its guard (start-up, issue 19).

fn userinfo() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    cached(&RE, r#"(?i)\b(?:git\+)?(?:https?|ftps?)://([^/@\s'"`]+)@"#)
}

/// Where [`userinfo`]'s authority class `[^/@\s'"`]` ends, short of the `@` itself.
const USERINFO_STOPS: &[u8] = b"/'\"` \t\n\r\x0b\x0c";

fn query() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    cached(
        &RE,
        r##"(?i)[?&](?:access_token|private_token|job_token|token|api_key|apikey|sig|signature|password|auth)=([^&\s'"#`]+)"##,
    )
}

/// Whole `_`-separated words: `GIT_TOKEN`, `NPM_AUTH`, but not `TOKENIZERS_VERSION` or `WEBAUTHN`
/// ([`is_secret_name`] by hand; the tests hold the two equal).
#[cfg(test)]
fn secret_name() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    cached(
        &RE,
        r"(?i)(?:^|_)(?:TOKEN|PASSWORD|PASSWD|PASS|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)(?:_|$)",
    )
}

fn secret_decl() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    cached(
        &RE,
        r#"(?im)^[ \t]*(?:ONBUILD[ \t]+)?(?:ARG|ENV)[ \t]+(?:[^\n]*?[ \t])?(?:\w*_)?(?:TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)(?:_\w*)?[= ]("[^"\n]*"|'[^'\n]*'|[^\s]+)"#,
    )
}

/// A word that every [`secret_decl`] match holds: most files have none, and this test is far quicker
/// than the line-anchored `secret_decl` over the whole text.
fn has_secret_word(text: &str) -> bool {
    Guard::new(text).any_ci(&[
        "token",
        "passw",
        "secret",
        "apikey",
        "api_key",
        "privatekey",
        "private_key",
        "credential",
    ])
}

/// Whether a variable name looks like it holds a secret (`GIT_TOKEN`, `NPM_AUTH`, `DB_PASSWORD`).
pub fn is_secret_name(name: &str) -> bool {
    // `secret_name` by hand: a word that starts the name or follows a `_` and ends it or a `_`.
    const WORDS: [&str; 12] = [
        "token",
        "password",
        "passwd",
        "pass",
        "secret",
        "apikey",
        "api_key",
        "privatekey",
        "private_key",
        "credential",
        "credentials",
        "auth",
    ];
    let lower = crate::redact::guard::fold(name);
    let bytes = lower.as_bytes();
    (0..bytes.len())
        .filter(|&at| at == 0 || bytes[at - 1] == b'_')
        .any(|at| {
            WORDS.iter().any(|w| {
                lower[at..].starts_with(w) && bytes.get(at + w.len()).is_none_or(|&b| b == b'_')
            })
        })
}

/// Whether the user part of a URL is a credential on its own: a token, or a secret-named variable.
/// A plain user name (`git`, `deploy`) is not.
fn is_secret_userinfo(userinfo: &str) -> bool {
    if userinfo.contains(':') {
        return true;
    }
    let name = userinfo
        .trim_start_matches("${")
        .trim_start_matches('$')
        .trim_end_matches('}');
    let tokenish = ["ghp_", "gho_", "ghs_", "github_pat_", "glpat-", "gldt-"]
        .iter()
        .any(|p| userinfo.starts_with(p));
    tokenish
        || (userinfo.starts_with('$') && is_secret_name(name))
        || (userinfo.len() >= 20
            && userinfo
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
}

/// Whether `text` can name a secret in a URL at all: it holds a URL (`://`) or a query (`?a=`,
/// `&a=`). Most words of a RUN do not, and skip the regexes.
pub fn might_leak(text: &str) -> bool {
    // One pass over the bytes: most words are short, and `str::contains` per marker costs more.
    let bytes = text.as_bytes();
    let (mut equals, mut separator) = (false, false);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b':' if bytes[i + 1..].starts_with(b"//") => return true,
            b'=' => equals = true,
            b'?' | b'&' => separator = true,
            _ => {}
        }
    }
    equals && separator
}

/// What the `query` pattern needs before it can match.
fn has_query(text: &str) -> bool {
    text.contains('=') && text.contains(['?', '&'])
}

/// The byte ranges of secrets inside `text` (userinfo and token query values of any URL in it).
pub fn secret_ranges(text: &str) -> Vec<(Range<usize>, Leak)> {
    let mut found: Vec<(Range<usize>, Leak)> = Vec::new();
    if authority_has_at(text, USERINFO_STOPS) {
        found.extend(
            userinfo()
                .captures_iter(text)
                .filter_map(|c| c.get(1))
                .filter(|m| is_secret_userinfo(m.as_str()))
                .map(|m| (m.range(), Leak::Userinfo)),
        );
    }
    if has_query(text)
        && Guard::new(text).query(&[
            "access_token",
            "private_token",
            "job_token",
            "token",
            "api_key",
            "apikey",
            "sig",
            "signature",
            "password",
            "auth",
        ])
    {
        found.extend(
            query()
                .captures_iter(text)
                .filter_map(|c| c.get(1))
                .map(|m| (m.range(), Leak::QueryToken)),
        );
    }
    found.sort_by_key(|(r, _)| r.start);
    found
}

/// Whether a secret range found by [`secret_ranges`] holds a literal secret, as opposed to only
/// variable references (`${GIT_USER}:${GIT_TOKEN}`), which are names, not secrets.
pub fn is_literal(secret: &str, leak: Leak) -> bool {
    let literal = var_regex().replace_all(secret, "");
    match leak {
        Leak::QueryToken => !literal.is_empty(),
        Leak::Userinfo => match literal.split_once(':') {
            Some((_, password)) => !password.is_empty(),
            None => is_secret_userinfo(&literal),
        },
    }
}

/// Every variable referenced inside the secret ranges of `text` (the user and password variables).
pub fn vars_in_secrets(text: &str) -> Vec<String> {
    secret_ranges(text)
        .into_iter()
        .flat_map(|(r, _)| {
            var_regex()
                .captures_iter(&text[r])
                .map(|c| c[1].to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn var_regex() -> &'static Regex {
    static VAR: OnceLock<Regex> = OnceLock::new();
    cached(&VAR, r"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?:[:?+-][^}]*)?\}?")
}

/// Secret-named variables (`$GIT_TOKEN`, `${NPM_AUTH}`) used inside a URL in `text`.
pub fn secret_vars_in_url(text: &str) -> Vec<String> {
    if !text.contains("://") || !text.contains('$') {
        return Vec::new();
    }
    var_regex()
        .captures_iter(text)
        .map(|c| c[1].to_string())
        .filter(|n| is_secret_name(n))
        .collect()
}

/// A URL safe to print (the one redactor, [`crate::redact`]).
pub use crate::redact::redact_url;

/// The text with every secret (URL credentials, token query values, values of secret-named ARG/ENV)
/// replaced by `*` of the same byte length.
pub fn mask_secrets(text: &str) -> Cow<'_, str> {
    let mut ranges: Vec<Range<usize>> = secret_ranges(text)
        .into_iter()
        .filter(|(r, leak)| is_literal(&text[r.clone()], *leak))
        .map(|(r, _)| r)
        .collect();
    if has_secret_word(text) {
        ranges.extend(
            secret_decl()
                .captures_iter(text)
                .filter_map(|c| c.get(1))
                .map(|m| m.range()),
        );
    }
    ranges.extend(crate::redact::secret_spans(text));
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in ranges {
        bytes[range].fill(b'*');
    }
    // Whole UTF-8 sequences were replaced by ASCII, so the bytes stay valid UTF-8.
    Cow::Owned(
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written tests that stand before the regexes (start-up) agree with them.
    #[test]
    fn guards_agree_with_their_regexes() {
        let mut texts: Vec<String> = [
            "GIT_TOKEN",
            "npm_auth",
            "TOKENIZERS_VERSION",
            "BYPASS",
            "API_KEY",
            "x_apikey_y",
            "PRIVATE_KEY",
            "A_CREDENTIALS",
            "pass",
            "passw",
            "TO\u{212a}EN",
            "ſecret",
            "_AUTH_",
            "https://u:p@h",
            "https://h?x@y",
            "https://h/a@b",
            "http://a b@c",
            "ftp://t@h",
        ]
        .map(String::from)
        .to_vec();
        for text in crate::source::testdata_texts() {
            texts.extend(
                text.split(|c: char| !c.is_alphanumeric() && c != '_')
                    .map(String::from),
            );
            texts.extend(text.lines().map(String::from));
        }
        let word = Regex::new(r"(?i)token|passw|secret|api_?key|private_?key|credential").unwrap();
        for text in &texts {
            assert_eq!(
                is_secret_name(text),
                secret_name().is_match(text),
                "{text:?}"
            );
            assert_eq!(has_secret_word(text), word.is_match(text), "{text:?}");
            if userinfo().is_match(text) {
                assert!(authority_has_at(text, USERINFO_STOPS), "{text:?}");
            }
        }
    }

    #[test]
    fn finds_and_redacts_credentials() {
        let url = "https://oauth2:glpat-abc123@gitlab.example.com/g/p.git?private_token=xyz";
        let found = secret_ranges(url);
        assert_eq!(found.len(), 2);
        assert_eq!(&url[found[0].0.clone()], "oauth2:glpat-abc123");
        assert_eq!(
            redact_url(url),
            "https://***@gitlab.example.com/g/p.git?private_token=***"
        );
        assert!(secret_ranges("https://git@github.com/a/b.git").is_empty());
        assert!(secret_ranges("git@github.com:a/b.git").is_empty());
        assert_eq!(
            secret_ranges("https://ghp_0123456789abcdefghij@github.com/a/b").len(),
            1
        );
        assert_eq!(
            secret_ranges("https://${GIT_TOKEN}@github.com/a/b").len(),
            1
        );
        assert_eq!(
            secret_vars_in_url("https://${GIT_USER}:${GIT_TOKEN}@h/x"),
            vec!["GIT_TOKEN".to_string()]
        );
        assert!(!is_literal("${GIT_USER}:${GIT_TOKEN}", Leak::Userinfo));
        for name in [
            "TOKENIZERS_VERSION",
            "twofactor_webauthn_version",
            "OAUTH2_PROXY_VERSION",
            "BYPASS",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
        for name in [
            "GIT_TOKEN",
            "npm_auth",
            "DB_PASSWORD",
            "GITHUB_API_KEY",
            "TOKEN",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        assert!(is_literal("ci:hunter2", Leak::Userinfo));
        assert!(!is_literal("ci:${PASS}", Leak::Userinfo));
        assert_eq!(
            vars_in_secrets("https://${U}:$P@h/x"),
            vec!["U".to_string(), "P".to_string()]
        );
        assert!(mask_secrets("RUN git clone https://${U}:${T}@h/x\n").contains("${U}:${T}"));
        for (text, leaks) in [
            ("https://h/x", true),
            ("x?token=1", true),
            ("a=1&b", true),
            ("git@github.com:a/b.git", false),
            ("pkg==1.0", false),
            ("C:", false),
        ] {
            assert_eq!(might_leak(text), leaks, "{text}");
        }
    }

    #[test]
    fn masking_keeps_every_offset() {
        let text =
            "FROM a\nARG GITHUB_TOKEN=ghp_secretvalue\nRUN git clone https://me:pässword@h/x.git\n";
        let masked = mask_secrets(text);
        assert_eq!(masked.len(), text.len());
        assert!(
            !masked.contains("ghp_secretvalue") && !masked.contains("pässword"),
            "{masked}"
        );
        assert!(masked.contains("https://") && masked.contains("@h/x.git"));
        assert!(matches!(mask_secrets("FROM a\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_secret_word_of_a_declaration_is_masked() {
        for (line, secret) in [
            ("env api_key=k1abc", "k1abc"),
            ("ARG NPM_PRIVATEKEY=pk2xyz", "pk2xyz"),
            ("ARG DB_PASSWD=pw3", "pw3"),
            ("ONBUILD ARG X_CREDENTIALS=\"c4 d\"", "c4 d"),
            ("ENV Secret_Value s5", "s5"),
            ("ARG GL_TOKEN=t6", "t6"),
        ] {
            let text = format!("FROM a\n{line}\n");
            assert!(!mask_secrets(&text).contains(secret), "{line}");
        }
    }
}
