//! Keeps credentials out of everything `bust` prints: URL userinfo becomes `***`, and the values taken
//! from the environment are blotted out wherever they appear (git's stderr echoes URLs back).

const MASK: &str = "***";

pub use crate::redact::redact_url;

/// Free text (a git error message) with every secret value and every URL userinfo masked.
pub fn redact_text(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    let mut secrets: Vec<&String> = secrets.iter().filter(|s| !s.is_empty()).collect();
    // Longest first, so that a secret containing another is masked whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for secret in secrets {
        out = out.replace(secret.as_str(), MASK);
    }
    crate::redact::redact_text(&crate::redact::redact_url(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for (url, shown) in [
            (
                "https://user:s3cret@host/o/r.git",
                "https://***@host/o/r.git",
            ),
            ("https://${GIT_USER}:${GIT_TOKEN}@h/x", "https://***@h/x"),
            ("https://tok@h", "https://***@h"),
            ("https://h/o/r.git", "https://h/o/r.git"),
            ("https://h/a@b", "https://h/a@b"),
            ("git@github.com:o/r.git", "git@github.com:o/r.git"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }

    #[test]
    fn text() {
        let said = "fatal: unable to access 'https://u:p4ss@h/x.git/': token t0ken rejected";
        let shown = redact_text(said, &["t0ken".into(), String::new()]);
        assert_eq!(
            shown,
            "fatal: unable to access 'https://***@h/x.git/': token *** rejected"
        );
    }
}
