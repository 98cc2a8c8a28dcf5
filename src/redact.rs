//! The one redactor: what counts as a secret in text that cachebust prints, and how it is hidden.
//! [`mask`] blanks secrets with `*` of the same byte length (source excerpts and diffs, whose spans
//! must stay valid); [`redact_url`] and [`redact_text`] replace them by `***` (messages, labels, JSON,
//! stderr). Both hide the same things, found by [`secret_spans`]:
//! - URL userinfo in every scheme (`https://u:p@ss@host`, `ssh://git:tok@`, `git+ssh://`), up to the
//!   authority's last `@`;
//! - token query values (`?private_token=`, `&access_token=`, `oauth_token`, `token`, `sig`, …);
//! - credentials outside URLs: `Authorization:`/`PRIVATE-TOKEN:`/`JOB-TOKEN:` header values (also in
//!   `git -c http.extraHeader=…`), `curl -u user:pass`/`--user`, `--password=`/`--http-password`;
//! - the value of a secret-named assignment or declaration (`GIT_TOKEN=…`, `ARG NPM_AUTH=…`,
//!   `ENV DB_PASSWORD …`): names ending or containing a `_`-separated `TOKEN`, `PASSWORD`, `PASSWD`,
//!   `SECRET`, `AUTH`, `PAT`, `KEY`, `API_KEY`, `PRIVATE_KEY`, `CREDENTIAL(S)`.
use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

const MASK: &str = "***";

pub(crate) mod guard;

pub(crate) use guard::Guard;
use guard::{authority_has_at, cached, named_then_separator, query_name_ends_with, word_ending};

/// Where a URL's authority ends for [`userinfo`]: its class `[^/?#\s'"`]`.
const AUTHORITY_STOPS: &[u8] = b"/?#'\"` \t\n\r\x0b\x0c";

// Each pattern compiles the first time its guard lets a text through (start-up, issue 19).

/// The authority runs to the first `/`, `?`, `#`, blank or quote; its userinfo to its last `@`.
fn userinfo() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    cached(&RE, r#"(?i)\b[a-z][a-z0-9+.-]*://([^/?#\s'"`]*)@"#)
}

fn query() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    cached(
        &RE,
        r##"(?i)[?&](?:access_token|private_token|job_token|oauth_token|token|api_key|apikey|key|sig|signature|password|auth)=([^&\s'"#`]+)"##,
    )
}

fn header() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    cached(
        &RE,
        r#"(?i)\b(?:authorization|proxy-authorization)\s*:\s*(?:(?:token|bearer|basic|digest)\s+)?([^\s'"`]+)|\b(?:private-token|job-token|x-api-key|x-auth-token)\s*:\s*([^\s'"`]+)"#,
    )
}

fn user_option() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    cached(
        &RE,
        // Not `date -u +%H:%M` (a `+FORMAT` is no user).
        r#"(?:^|\s)(?:-u\s*|--user[=\s]\s*|--proxy-user[=\s]\s*)['"]?(?:[^:\s'"`+][^:\s'"`]*)?:([^\s'"`]+)"#,
    )
}

fn password_option() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    cached(
        &RE,
        r#"(?i)--(?:http-|ftp-|proxy-)?(?:password|passwd)[=\s]\s*['"]?([^\s'"`]+)"#,
    )
}

fn assignment() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    cached(
        &RE,
        r#"(?i)\b(?:[A-Za-z0-9]+_)*(?:TOKEN|PASSWORD|PASSWD|SECRET|AUTH|PAT|KEY|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)(?:_[A-Za-z0-9]+)*(?:=|:[ \t]+|[ \t]+)("[^"\n]*"|'[^'\n]*'|[^\s"'`;&|]+)"#,
    )
}

/// A quick test that `text` may hold any secret at all: outside it, nothing is masked.
fn may_hold_secret(guard: &Guard<'_>) -> bool {
    let lower = guard.lower();
    guard.any_ci(&[
        "://",
        "authoriz",
        "private-token",
        "job-token",
        "-u",
        "--user",
        "password",
        "passwd",
        "token",
        "secret",
        "_auth",
        "credential",
    ]) || query_name_ends_with(
        lower,
        &["token", "sig", "signature", "password", "key", "auth"],
    ) || word_ending(lower, "_pat")
        || word_ending(lower, "_key")
}

/// The byte ranges of every secret in `text`, sorted and merged. Variable references (`${GIT_TOKEN}`)
/// are names, not secrets, and are left out. A secret split by a line continuation (`https://u:\`
/// then `pass@host`, `ENV A=1 \` then `GIT_TOKEN=…`) is found in the logical lines, where Docker
/// reads it, and its bytes on each physical line are in the ranges (the `\` and line break are not).
pub fn secret_spans(text: &str) -> Vec<Range<usize>> {
    if !may_hold_secret(&Guard::new(text)) {
        return Vec::new();
    }
    let mut found = physical_spans(text);
    let joined = Joined::new(text);
    if joined.segments.len() > 1 {
        for span in physical_spans(&joined.text) {
            found.extend(joined.original(span));
        }
        found.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
        for r in found {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        // A value read on one physical line can end in the continuation's `\`: keep it, and the
        // line break, so the masked text keeps its lines.
        return joined.without_continuations(merged);
    }
    found
}

/// A text with its line continuations (`\` or `` ` ``, blanks, then a line break) removed, as Docker joins an
/// instruction's lines, and where each piece of it came from.
struct Joined {
    text: String,
    /// `(start in the joined text, start in the original)` of each piece copied whole.
    segments: Vec<(usize, usize)>,
}

impl Joined {
    fn new(original: &str) -> Joined {
        // Both escape characters (`# escape=` may make it a backtick): joining more than Docker does
        // can only find more secrets, never fewer.
        let mut text = String::new();
        let mut segments = vec![(0, 0)];
        if !(original.contains('\n') && original.contains(['\\', '`'])) {
            return Joined { text, segments };
        }
        static CONTINUATION: OnceLock<Regex> = OnceLock::new();
        let re = cached(&CONTINUATION, r"[\\`][ \t]*\r?\n");
        let mut at = 0;
        for m in re.find_iter(original) {
            text.push_str(&original[at..m.start()]);
            at = m.end();
            segments.push((text.len(), at));
        }
        if segments.len() == 1 {
            return Joined {
                text: String::new(),
                segments,
            };
        }
        text.push_str(&original[at..]);
        Joined { text, segments }
    }

    /// `spans` minus the continuations' own bytes.
    fn without_continuations(&self, spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
        // The continuation before piece i ends where piece i starts in the original and starts where
        // piece i-1 ends.
        let gaps: Vec<Range<usize>> = self
            .segments
            .windows(2)
            .map(|w| w[0].1 + (w[1].0 - w[0].0)..w[1].1)
            .collect();
        let mut out = Vec::with_capacity(spans.len());
        for span in spans {
            let mut start = span.start;
            let first = gaps.partition_point(|g| g.end <= start);
            for gap in &gaps[first..] {
                if gap.start >= span.end {
                    break;
                }
                if start < gap.start {
                    out.push(start..gap.start);
                }
                start = start.max(gap.end);
            }
            if start < span.end {
                out.push(start..span.end);
            }
        }
        out
    }

    /// The original bytes of a joined span: one range per piece it touches.
    fn original(&self, span: Range<usize>) -> Vec<Range<usize>> {
        let first = self.segments.partition_point(|&(j, _)| j <= span.start) - 1;
        let mut out = Vec::new();
        for (i, &(joined, orig)) in self.segments.iter().enumerate().skip(first) {
            if joined >= span.end {
                break;
            }
            let end = self
                .segments
                .get(i + 1)
                .map_or(self.text.len(), |&(j, _)| j)
                .min(span.end);
            let start = span.start.max(joined);
            if start < end {
                out.push(orig + (start - joined)..orig + (end - joined));
            }
        }
        out
    }
}

fn physical_spans(text: &str) -> Vec<Range<usize>> {
    physical_spans_guarded(text, true)
}

/// [`physical_spans`], with or without the guards (the tests check both find the same).
fn physical_spans_guarded(text: &str, guarded: bool) -> Vec<Range<usize>> {
    let guard = Guard::new(text);
    let maybe = |test: bool| test || !guarded;
    let has_userinfo = maybe(authority_has_at(text, AUTHORITY_STOPS));
    let mut found: Vec<Range<usize>> = Vec::new();
    if has_userinfo {
        found.extend(
            userinfo()
                .captures_iter(text)
                .filter_map(|c| c.get(1))
                .filter(|info| userinfo_is_secret(info.as_str()))
                .map(|info| info.range()),
        );
    }
    let mut groups = |re: fn() -> &'static Regex, maybe: bool| {
        if !maybe {
            return;
        }
        for c in re().captures_iter(text) {
            for m in c.iter().skip(1).flatten() {
                found.push(m.range());
            }
        }
    };
    groups(
        query,
        maybe(guard.query(&[
            "access_token",
            "private_token",
            "job_token",
            "oauth_token",
            "token",
            "api_key",
            "apikey",
            "key",
            "sig",
            "signature",
            "password",
            "auth",
        ])),
    );
    let colon = text.contains(':');
    groups(
        header,
        maybe(
            colon
                && guard.any_ci(&[
                    "authorization",
                    "private-token",
                    "job-token",
                    "x-api-key",
                    "x-auth-token",
                ]),
        ),
    );
    groups(user_option, maybe(colon && text.contains("-u")));
    groups(
        password_option,
        maybe(text.contains("--") && guard.any_ci(&["password", "passwd"])),
    );
    let assignments = maybe(named_then_separator(
        guard.lower(),
        &[
            "token",
            "password",
            "passwd",
            "secret",
            "auth",
            "pat",
            "key",
            "apikey",
            "privatekey",
            "credential",
            "credentials",
        ],
    ));
    for c in assignments
        .then(|| assignment().captures_iter(text))
        .into_iter()
        .flatten()
    {
        let Some(value) = c.get(1) else { continue };
        let name_end = value.start();
        let line_start = text[..name_end].rfind('\n').map_or(0, |i| i + 1);
        let before = &text[line_start..name_end];
        // `NAME VALUE` only in a declaration (`ARG`/`ENV`); elsewhere it needs `=`, or `: ` as in a
        // compose file's `args:` mapping.
        let yaml = before.trim_end().ends_with(':') && before.trim_start().len() > 1;
        if !before.trim_end().ends_with('=') && !is_declaration(before) && !yaml {
            continue;
        }
        found.push(value.range());
    }
    if has_userinfo {
        found.extend(values_of_userinfo_variables(text));
    }
    found.retain(|r| !r.is_empty() && !only_references(&text[r.clone()]));
    found.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
    for r in found {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// The values given to variables that a URL's userinfo reads (`ARG GH=…` for `https://x:${GH}@…`):
/// cachebust calls them credentials (CB006), so they are hidden whatever their name.
fn values_of_userinfo_variables(text: &str) -> Vec<Range<usize>> {
    static VAR: OnceLock<Regex> = OnceLock::new();
    let var = cached(&VAR, r"\$\{?([A-Za-z_][A-Za-z0-9_]*)");
    let mut names: Vec<&str> = userinfo()
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .flat_map(|info| var.captures_iter(info.as_str()).filter_map(|c| c.get(1)))
        .map(|name| name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    if names.is_empty() || names.len() > 64 {
        return Vec::new();
    }
    let alternatives: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    let Ok(values) = Regex::new(&format!(
        r#"\b(?:{})(?:=|:[ \t]+)("[^"\n]*"|'[^'\n]*'|[^\s"'`;&|]+)"#,
        alternatives.join("|")
    )) else {
        return Vec::new();
    };
    let mut found: Vec<Range<usize>> = values
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| m.range())
        .collect();
    // `ENV GH value`, the declaration's other form.
    if let Ok(declared) = Regex::new(&format!(
        r#"(?im)^[ \t]*(?:ONBUILD[ \t]+)?(?:ARG|ENV)[ \t]+(?:{})[ \t]+("[^"\n]*"|'[^'\n]*'|[^\s"'`;&|=]+)"#,
        alternatives.join("|")
    )) {
        found.extend(
            declared
                .captures_iter(text)
                .filter_map(|c| c.get(1))
                .map(|m| m.range()),
        );
    }
    found
}

/// Whether a URL's userinfo holds a credential: a password after the first `:` (`p@ss` included),
/// or a token on its own. A user name alone (`git@`, `ci:${PASSWORD}@`'s `ci`) is not one.
fn userinfo_is_secret(info: &str) -> bool {
    match info.split_once(':') {
        Some((_, password)) => !only_references(password),
        None => {
            let tokenish = ["ghp_", "gho_", "ghs_", "github_pat_", "glpat-", "gldt-"]
                .iter()
                .any(|p| info.starts_with(p));
            tokenish
                || (info.len() >= 20
                    && info
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
        }
    }
}

fn is_declaration(before: &str) -> bool {
    let t = before.trim_start().to_ascii_uppercase();
    let t = t
        .strip_prefix("ONBUILD")
        .map_or(t.as_str(), str::trim_start);
    t.starts_with("ARG ")
        || t.starts_with("ENV ")
        || t.starts_with("ARG\t")
        || t.starts_with("ENV\t")
}

/// Whether a secret's text is made only of variable references and punctuation
/// (`${GIT_USER}:${GIT_TOKEN}`, `"$TOKEN"`, `$(cat /run/secrets/t)`), which show names, not values.
fn only_references(secret: &str) -> bool {
    // A command substitution (`Bearer $(cat /run/secrets/t)`) reads a secret, it is not one; a value
    // already masked (`***`) is masked again by nothing.
    if secret.starts_with("$(") || secret.starts_with('`') {
        return true;
    }
    let punctuation = |rest: &str| {
        rest.chars()
            .all(|c| matches!(c, ':' | '"' | '\'' | '@' | ' ' | '*'))
    };
    if !secret.contains('$') {
        return punctuation(secret);
    }
    static VAR: OnceLock<Regex> = OnceLock::new();
    let var = cached(
        &VAR,
        r"\$\{?[A-Za-z_][A-Za-z0-9_]*(?:[:?+-][^}]*)?\}?|\$\{\{[^}]*\}\}|\$\(\([^)]*\)\)",
    );
    punctuation(&var.replace_all(secret, ""))
}

/// The text with every secret replaced by `*` of the same byte length (offsets stay valid).
pub fn mask(text: &str) -> Cow<'_, str> {
    let spans = secret_spans(text);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in spans {
        bytes[range].fill(b'*');
    }
    // Whole UTF-8 sequences were replaced by ASCII, so the bytes stay valid UTF-8.
    Cow::Owned(
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// The text with every secret replaced by `***`.
pub fn redact_text(text: &str) -> String {
    let spans = secret_spans(text);
    if spans.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in spans {
        out.push_str(&text[at..r.start]);
        out.push_str(MASK);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A URL safe to print: its userinfo becomes `***` (whatever it holds: a user name alone is shown
/// as `***` too, so no partial credential survives) and token query values `***`.
pub fn redact_url(url: &str) -> String {
    // Secrets first, while the userinfo still names the variables whose values are secrets.
    let text = redact_text(url);
    if !authority_has_at(&text, AUTHORITY_STOPS) {
        return text;
    }
    userinfo()
        .replace_all(&text, |c: &regex::Captures<'_>| {
            let whole = &c[0];
            format!("{}***@", &whole[..whole.len() - c[1].len() - 1])
        })
        .into_owned()
}

/// Whether `c` would act on a terminal (or reorder text) instead of showing: C0 controls, DEL, C1
/// controls, and the bidirectional formatting characters of "Trojan Source".
fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escaped(c: char, out: &mut String) {
    use std::fmt::Write;
    let _ = match c {
        '\n' => write!(out, "\\n"),
        '\r' => write!(out, "\\r"),
        '\t' => write!(out, "\\t"),
        c if (c as u32) < 0x80 => write!(out, "\\x{:02x}", c as u32),
        c => write!(out, "\\u{{{:x}}}", c as u32),
    };
}

/// Text from a linted file made safe for a terminal: every control character but the line breaks
/// (`\n`, `\r\n`) and tabs is shown escaped (`\x1b`, `\x00`, `\r`, `\u{202e}`), so a Dockerfile cannot
/// clear the screen, retitle the terminal or reorder what a reviewer reads.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    escape_where(text, |c, next| {
        is_control(c) && c != '\n' && c != '\t' && !(c == '\r' && next == Some('\n'))
    })
}

/// [`escape_controls`] that keeps every line break, a lone CR included, for a source excerpt whose
/// lines are counted as the file's (`\n`, `\r\n`, `\r`) and never printed with their breaks.
pub fn escape_in_excerpt(text: &str) -> Cow<'_, str> {
    escape_where(text, |c, _| {
        is_control(c) && !matches!(c, '\n' | '\r' | '\t')
    })
}

/// [`escape_controls`] for a line-oriented format: line breaks are escaped too, so one finding stays
/// one line.
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape_where(text, |c, _| is_control(c) && c != '\t')
}

fn escape_where(text: &str, escape: impl Fn(char, Option<char>) -> bool) -> Cow<'_, str> {
    let mut chars = text.chars().peekable();
    let mut at = 0;
    while let Some(c) = chars.next() {
        if escape(c, chars.peek().copied()) {
            let mut out = String::with_capacity(text.len() + 8);
            out.push_str(&text[..at]);
            let mut chars = text[at..].chars().peekable();
            while let Some(c) = chars.next() {
                if escape(c, chars.peek().copied()) {
                    escaped(c, &mut out);
                } else {
                    out.push(c);
                }
            }
            return Cow::Owned(out);
        }
        at += c.len_utf8();
    }
    Cow::Borrowed(text)
}

/// Redacts every string of a JSON value (JSON and SARIF output, `bust --format json`): the layer
/// under the writer for formats whose text masking could break.
pub fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => {
            if let Cow::Owned(masked) = mask(s) {
                *s = masked;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        serde_json::Value::Object(map) => map.values_mut().for_each(redact_json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The guards only skip work: on every fixture and on texts made to sit at their edges, the
    /// guarded redactor finds what the unguarded one finds, and the prefilter agrees with its regex.
    #[test]
    fn guards_never_hide_a_match() {
        let prefilter = Regex::new(
            r"(?i)://|[?&][a-z_]*(?:token|sig|signature|password|key|auth)=|authoriz|private-token|job-token|-u|--user|password|passwd|token|secret|_auth|_pat\b|_key\b|credential",
        )
        .unwrap();
        let mut texts: Vec<String> = [
            "AUTH=x",
            "a_pat=1",
            "a_path=1",
            "A_KEY: v",
            "x?sig=1",
            "x?tokens=1",
            "-U a:b",
            "curl -u me:pw h",
            "curl --user=me:pw",
            "--http-password=p",
            "PASSWORD p",
            "Authorization: Bearer abc",
            "PRIVATE-TOKEN: t",
            "x-api-key:k",
            "https://u:p@h/x",
            "https://h/x?a@b",
            "https://h#x@y",
            "git+ssh://git:tok@h/r",
            "TO\u{212a}EN=v",
            "ſecret=v",
            "ENV GIT_TOKEN value",
            "https://${GH}@h\nARG GH=v\n",
            "K=v\\\nTOKEN=w",
        ]
        .map(String::from)
        .to_vec();
        for text in crate::source::testdata_texts() {
            texts.extend(text.lines().map(String::from));
            texts.push(text);
        }
        assert!(texts.len() > 1000, "{}", texts.len());
        for text in &texts {
            assert_eq!(
                may_hold_secret(&Guard::new(text)),
                prefilter.is_match(text),
                "{text:?}"
            );
            assert_eq!(
                physical_spans_guarded(text, true),
                physical_spans_guarded(text, false),
                "{text:?}"
            );
        }
    }

    #[test]
    fn every_secret_form_is_hidden() {
        for (text, secret) in [
            ("https://user:p@ss@host/o/r.git", "p@ss"),
            ("ssh://git:tok3n@host/o/r.git", "tok3n"),
            ("git+ssh://u:tok3n@host/o/r.git", "tok3n"),
            ("git://u:tok3n@host/r", "tok3n"),
            (
                "git clone \"https://oauth2:glpat-abc123@gitlab.example.com/a/b.git\"",
                "glpat-abc123",
            ),
            (
                "curl -H \"Authorization: token ghp_abcdef\" https://x",
                "ghp_abcdef",
            ),
            (
                "curl -H 'Authorization: Bearer eyJhbGci' https://x",
                "eyJhbGci",
            ),
            (
                "git -c http.extraHeader=\"Authorization: Basic dXNlcjpw\" clone",
                "dXNlcjpw",
            ),
            ("curl -u deploy:hunter22 https://x", "hunter22"),
            ("curl --user deploy:hunter22 https://x", "hunter22"),
            ("wget --password=hunter22 https://x", "hunter22"),
            ("wget --http-password hunter22 https://x", "hunter22"),
            (
                "wget --header=PRIVATE-TOKEN:glpat-xyz https://x",
                "glpat-xyz",
            ),
            ("wget --header 'JOB-TOKEN: abc987' https://x", "abc987"),
            ("GIT_TOKEN=ghp_123 git clone https://x", "ghp_123"),
            ("ENV A=1 GITHUB_PAT=pat456", "pat456"),
            ("ARG NPM_AUTH=npm789", "npm789"),
            ("ENV DB_PASSWORD hunter22", "hunter22"),
            ("https://x/a?private_token=tok1&b=2", "tok1"),
            ("https://x/a?access_token=tok2", "tok2"),
            ("https://x/a?oauth_token=tok3", "tok3"),
            ("https://x/a?token=tok4", "tok4"),
            ("https://x/a?sv=1&sig=tok5", "tok5"),
            (
                "ARG GH=ghv77\nRUN git clone https://x:${GH}@github.com/a/b.git",
                "ghv77",
            ),
            (
                "ENV GH ghv78\nRUN git clone https://$GH@github.com/a/b.git",
                "ghv78",
            ),
            ("      args:\n        GIT_PASSWORD: hunter77\n", "hunter77"),
        ] {
            assert!(
                !redact_text(text).contains(secret),
                "{text} -> {}",
                redact_text(text)
            );
            assert!(!mask(text).contains(secret), "{text} -> {}", mask(text));
            assert_eq!(mask(text).len(), text.len());
            assert!(!redact_url(text).contains(secret), "{text}");
        }
    }

    #[test]
    fn names_and_ordinary_text_are_kept() {
        for text in [
            "https://${GIT_USER}:${GIT_TOKEN}@host/o/r.git",
            "git clone -b main https://github.com/acme/toolkit.git /src",
            "ARG TOKENIZERS_VERSION=0.15.0",
            "curl -fsSL https://example.com/install.sh | sh",
            "pip install -U pip",
            "RUN echo \"Cache bust: ${CACHE_BUST}\"",
            "git -c http.extraHeader=\"Authorization: Bearer $(cat /run/secrets/t)\" clone",
            "https://x/a?private_token=***: the credential is in the file",
            "RUN echo \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" > /built-at",
        ] {
            assert_eq!(redact_text(text), text);
            assert_eq!(mask(text), text);
        }
    }

    #[test]
    fn a_url_shows_no_userinfo_at_all() {
        assert_eq!(
            redact_url("https://user:p@ss@host/o/r.git"),
            "https://***@host/o/r.git"
        );
        assert_eq!(
            redact_url("ssh://git@host/o/r.git"),
            "ssh://***@host/o/r.git"
        );
        assert_eq!(
            redact_url("git@github.com:o/r.git"),
            "git@github.com:o/r.git"
        );
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(
            escape_controls("a\x1b]0;pwned\x07b\0c\rd\r\ne\u{202e}f\u{85}\tg\n"),
            "a\\x1b]0;pwned\\x07b\\x00c\\rd\r\ne\\u{202e}f\\u{85}\tg\n"
        );
        assert_eq!(escape_line("one\ntwo\r\n"), "one\\ntwo\\r\\n");
        assert!(matches!(escape_controls("plain ü\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_strings_are_redacted_and_stay_json() {
        let mut v =
            serde_json::json!({"m": ["ARG GH_TOKEN=\"s3cr3t\"", 1], "u": "https://u:pw@h/x"});
        redact_json(&mut v);
        let text = v.to_string();
        assert!(!text.contains("s3cr3t") && !text.contains(":pw@"), "{text}");
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
    }

    #[test]
    fn a_secret_split_by_a_line_continuation_is_hidden_on_each_line() {
        for (text, parts) in [
            (
                "RUN git clone https://user:\\\npass99@host/o/r.git /r\n",
                &["pass99"][..],
            ),
            ("ENV A=1 \\\n    GIT_TOKEN=tok99 B=2\n", &["tok99"][..]),
            (
                "RUN curl -H \"Authorization: Bearer ab\\\ncd99\" https://x\n",
                &["ab", "cd99"][..],
            ),
            ("ARG GH_TOKEN=ghp_12\\\r\n34\n", &["ghp_12", "34"][..]),
            (
                "# escape=`\nRUN git clone https://user:`\npass99@host/o/r.git /r\n",
                &["pass99"][..],
            ),
        ] {
            let masked = mask(text);
            assert_eq!(masked.len(), text.len(), "{text:?}");
            assert_eq!(masked.matches('\n').count(), text.matches('\n').count());
            assert!(masked.contains('\\') || masked.contains('`'), "{masked}");
            for part in parts {
                assert!(!masked.contains(part), "{text:?} -> {masked}");
                assert!(!redact_text(text).contains(part), "{text:?}");
            }
        }
    }
}
