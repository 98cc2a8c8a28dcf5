//! Ref classes: whether what a remote source names can move.

/// What kind of ref a remote source names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefKind {
    /// A commit SHA (full, or an abbreviation of at least 7 hex digits): never moves.
    Commit,
    /// A release tag (`v1.2.3`, `1.2`): immutable by convention.
    Tag,
    /// A named branch: moves with every push.
    Branch,
    /// No ref at all: the remote's default branch (HEAD).
    Default,
    /// `latest` (or `upgrade`/`patch` for Go, a semver range for npm): the newest release.
    Latest,
    /// A variable with no value Docker could know at build time.
    Unresolved,
}

impl RefKind {
    /// Whether a layer fetching this ref goes stale in the cache. Tags count as mutable only when
    /// `strict_tags` is set, since a tag can be moved but conventionally is not.
    pub fn is_mutable(self, strict_tags: bool) -> bool {
        match self {
            RefKind::Commit => false,
            RefKind::Tag => strict_tags,
            RefKind::Branch | RefKind::Default | RefKind::Latest | RefKind::Unresolved => true,
        }
    }
}

/// Classifies a ref's text: a commit SHA, a tag-like version, `latest`, `HEAD`, or else a branch.
pub fn classify(text: &str) -> RefKind {
    let bare = text.strip_prefix("refs/").unwrap_or(text);
    if let Some(tag) = bare.strip_prefix("tags/") {
        return if tag.is_empty() {
            RefKind::Branch
        } else {
            RefKind::Tag
        };
    }
    if bare.starts_with("heads/") {
        return RefKind::Branch;
    }
    if text.eq_ignore_ascii_case("HEAD") {
        return RefKind::Default;
    }
    if matches!(text, "latest" | "upgrade" | "patch") || text.starts_with("semver:") {
        return RefKind::Latest;
    }
    if is_commit(text) {
        return RefKind::Commit;
    }
    if is_version(text) {
        return RefKind::Tag;
    }
    RefKind::Branch
}

/// A hex string of 7 to 64 digits: a (possibly abbreviated) SHA-1 or SHA-256 commit id.
pub fn is_commit(text: &str) -> bool {
    (7..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `v1`, `1.2.3`, `v2.0.0-rc.1`, `release-1.4`, `1.2.3+build`: a version-like tag name.
fn is_version(text: &str) -> bool {
    // `release/1.7` and `release-1.28` are maintenance branches that get backports, not tags.
    let rest = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let numeric_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (numeric, suffix) = rest.split_at(numeric_end);
    let numbers_ok = !numeric.is_empty()
        && numeric
            .split('.')
            .all(|part| !part.is_empty() && part.len() <= 9);
    let suffix_ok = suffix.is_empty()
        || (suffix.starts_with(['-', '+', '.'])
            && suffix[1..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+')));
    numbers_ok && suffix_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        for (text, kind) in [
            ("0123456789abcdef0123456789abcdef01234567", RefKind::Commit),
            ("abc1234", RefKind::Commit),
            ("v1.2.3", RefKind::Tag),
            ("1.2", RefKind::Tag),
            ("v2.0.0-rc.1", RefKind::Tag),
            ("v0.0.0-20240101120000-abcdefabcdef", RefKind::Tag),
            ("release-1.4", RefKind::Branch),
            ("release/0.15", RefKind::Branch),
            ("refs/tags/nightly", RefKind::Tag),
            ("main", RefKind::Branch),
            ("feature/x", RefKind::Branch),
            ("refs/heads/v1.2", RefKind::Branch),
            ("v1.x", RefKind::Branch),
            ("1.2.", RefKind::Branch),
            ("cafe", RefKind::Branch),
            ("HEAD", RefKind::Default),
            ("latest", RefKind::Latest),
            ("semver:^1.0", RefKind::Latest),
        ] {
            assert_eq!(classify(text), kind, "{text}");
        }
    }

    #[test]
    fn mutability() {
        assert!(!RefKind::Commit.is_mutable(true));
        assert!(!RefKind::Tag.is_mutable(false));
        assert!(RefKind::Tag.is_mutable(true));
        assert!(RefKind::Unresolved.is_mutable(false));
    }
}
