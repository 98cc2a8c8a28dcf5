//! `--format renovate`: the Renovate config that keeps the tracked pins fresh, for users who already run
//! Renovate. One regex custom manager per pin with the `git-refs` datasource: the pin's file, a
//! `matchStrings` regex that is the pin's own text from its tracking comment up to the commit (literal,
//! other commits in between as `[0-9a-f]{40}`, so Renovate's updates of one pin never break another),
//! the tracked ref as `currentValue` and the remote's URL as `packageName`. Regexes stay in the subset
//! RE2 (Renovate's engine) and JavaScript share: literals, escapes, one character class, named groups.
use serde_json::{json, Value};

use super::{is_sha, TrackedPin, DEFAULT_REF};
use crate::bust::redact::redact_url;

/// The Renovate config for `pins` of each file (in the order of the file) (its path as the repository names it, and its text);
/// each pin Renovate cannot follow is listed in `skipped` with the reason.
pub fn config(files: &[(String, String, Vec<TrackedPin>)]) -> (Value, Vec<String>) {
    let mut managers = Vec::new();
    let mut skipped = Vec::new();
    for (path, text, pins) in files {
        let mut ordered: Vec<&TrackedPin> = pins.iter().collect();
        ordered.sort_by_key(|p| p.sha.start);
        for pin in ordered {
            let url = &pin.source.url;
            let line = text[..pin.sha.start].matches('\n').count() + 1;
            if let Some(why) = unfollowable(url) {
                skipped.push(format!("{path}:{line}: {}: {why}", redact_url(url)));
                continue;
            }
            let mut manager = json!({
                "customType": "regex",
                "description": format!("cachebust pin of {url} ({})", pin.tracked),
                "managerFilePatterns": [format!("/^{}$/", escape(path).replace('/', "\\/"))],
                "matchStrings": [match_string(text, pin, pins)],
                "datasourceTemplate": "git-refs",
                "depNameTemplate": dep_name(url),
                "packageNameTemplate": url,
            });
            if let Some(value) = current_value(&pin.tracked) {
                manager["currentValueTemplate"] = json!(value);
            }
            managers.push(manager);
        }
    }
    let config = json!({
        "$schema": "https://docs.renovatebot.com/renovate-schema.json",
        "customManagers": managers,
    });
    (config, skipped)
}

/// Why Renovate could not follow the remote at `url`, if it cannot: it needs a plain URL it may show.
fn unfollowable(url: &str) -> Option<&'static str> {
    let scheme = ["https://", "http://", "git://", "ssh://"]
        .iter()
        .any(|s| url.starts_with(s));
    if !scheme {
        return Some("not a URL git-refs can ask (write it as https://…)");
    }
    if url.contains('$') {
        return Some("the URL needs build args");
    }
    if redact_url(url) != url {
        return Some("the URL holds a credential: give Renovate a hostRules entry and a plain URL");
    }
    None
}

/// The pin's text from its tracking comment to its commit, as a regex capturing the commit.
fn match_string(text: &str, pin: &TrackedPin, pins: &[TrackedPin]) -> String {
    let mut out = String::new();
    let mut at = pin.comment.start;
    let mut others: Vec<_> = pins
        .iter()
        .map(|p| p.sha.clone())
        .filter(|s| s.start >= at && s.end <= pin.sha.start)
        .collect();
    others.sort_by_key(|s| s.start);
    for other in others {
        out.push_str(&escape(&text[at..other.start]));
        out.push_str("[0-9a-f]{40}");
        at = other.end;
    }
    out.push_str(&escape(&text[at..pin.sha.start]));
    let length = if is_sha(&text[pin.sha.clone()]) {
        pin.sha.len()
    } else {
        40
    };
    out.push_str(&format!("(?<currentDigest>[0-9a-f]{{{length}}})"));
    out
}

/// The ref as git-refs names it (`main`, not `refs/heads/main`); none for the remote's default branch.
fn current_value(tracked: &str) -> Option<&str> {
    if tracked == DEFAULT_REF {
        return None;
    }
    Some(
        tracked
            .strip_prefix("refs/heads/")
            .or_else(|| tracked.strip_prefix("refs/tags/"))
            .unwrap_or(tracked),
    )
}

/// The repository's name: the URL's last segment without `.git`.
fn dep_name(url: &str) -> &str {
    let path = url.trim_end_matches('/');
    let last = path.rsplit('/').next().unwrap_or(path);
    last.strip_suffix(".git").unwrap_or(last)
}

/// `text` as a regex matching it literally, escaping only what RE2 and JavaScript both read as syntax.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.^$|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values_follow_git_refs() {
        assert_eq!(dep_name("https://h/acme/toolkit.git"), "toolkit");
        assert_eq!(dep_name("git://127.0.0.1:9/lib/"), "lib");
        assert_eq!(current_value("refs/heads/main"), Some("main"));
        assert_eq!(current_value("HEAD"), None);
        assert_eq!(
            escape("a.b(c)[d]{1}$^|?*+\\"),
            "a\\.b\\(c\\)\\[d\\]\\{1\\}\\$\\^\\|\\?\\*\\+\\\\"
        );
        assert!(unfollowable("https://u:p@h/o/r.git").is_some());
        assert!(unfollowable("github:acme/ui").is_some());
        assert!(unfollowable("https://h/${ORG}/r.git").is_some());
        assert_eq!(unfollowable("https://h/o/r.git"), None);
    }
}
