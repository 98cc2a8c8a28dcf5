//! Ref classes: whether what a remote source names can move. The heuristics, and the real-world refs
//! they were drawn from, are written down in `rules/CB001.toml`.

/// What kind of ref a remote source names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefKind {
    /// A commit SHA: full, or an abbreviation git accepts (see [`is_commit`]). Never moves.
    Commit,
    /// A release tag (`v1.2.3`, `1.2`, `llvmorg-17.0.6`): immutable by convention.
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

/// A commit id git would accept: 7 to 64 hex digits (an abbreviated or full SHA-1/SHA-256), or a
/// shorter abbreviation of 4 to 6 hex digits that mixes digits and letters (`a7de60`). Four to six
/// letters alone are words (`cafe`, `beef`, `dead`, `face`, `decade`) and digits alone are numbers
/// (`2024`): those are names, not abbreviations.
pub fn is_commit(text: &str) -> bool {
    let hex = text.bytes().all(|b| b.is_ascii_hexdigit());
    let mixed =
        text.bytes().any(|b| b.is_ascii_digit()) && text.bytes().any(|b| b.is_ascii_alphabetic());
    hex && match text.len() {
        7..=64 => true,
        4..=6 => mixed,
        _ => false,
    }
}

/// Words that name a line of development, not a release: `7-1-stable`, `v18.x`, `2.x-dev`.
const BRANCH_WORDS: &[&str] = &[
    "x",
    "stable",
    "maint",
    "maintenance",
    "branch",
    "devel",
    "develop",
    "development",
    "main",
    "master",
    "next",
    "head",
    "staging",
    "wip",
    "hotfix",
    "backport",
    "lts",
    "snapshot",
    "nightly",
    "trunk",
];

/// Pre-release and post-release words that a version may carry right after its numbers
/// (`v2.0.0rc1`, `1.0a1`, `v0.1.10.post3`, `1.2.3.dev4`).
const RELEASE_WORDS: &[&str] = &[
    "a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "post", "dev", "final", "p", "r", "ga",
];

/// A version-like tag name. Unprefixed: `v1`, `1.2.3`, `v2.0.0-rc.1`, `v2.0.0rc1`, `1.2.3+build`.
/// Prefixed with a name (`llvmorg-17.0.6`, `SOPE-5.12.9`, `curl-8_5_0`, `release-2024.03.1`,
/// `jdk-21+35`): three or more numbers, numbers joined by `_`, or a release/build suffix, because
/// projects name their maintenance branches with fewer (`release-1.4`, `php-8.3`, `openssl-3.0`,
/// `version-15`). A `/` always means a branch (`release/2.1`, `feature/1.2.3`).
fn is_version(text: &str) -> bool {
    if text.contains('/') || text.is_empty() {
        return false;
    }
    let Some(digit) = text.find(|c: char| c.is_ascii_digit()) else {
        return false;
    };
    let (prefix, rest) = text.split_at(digit);
    let unprefixed = prefix.is_empty() || prefix == "v" || prefix == "V";
    if !unprefixed && !is_name_prefix(prefix) {
        return false;
    }
    let numeric_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(rest.len());
    let numeric = &rest[..numeric_end];
    // `1.2.` or `1..2` is not a version; a separator between numbers is `.` or (`curl-8_5_0`) `_`.
    let numeric = numeric.trim_end_matches(['.', '_']);
    let suffix = &rest[numeric.len()..];
    let underscores = numeric.contains('_');
    // `1.2_3` mixes separators: no project writes versions so.
    let mixed = underscores && numeric.contains('.');
    let parts: Vec<&str> = numeric.split(['.', '_']).collect();
    let numbers_ok =
        !numeric.is_empty() && !mixed && parts.iter().all(|p| !p.is_empty() && p.len() <= 9);
    if !numbers_ok {
        return false;
    }
    let Some(suffix) = release_suffix(suffix, !unprefixed) else {
        return false;
    };
    if unprefixed {
        // `1_2` is not how unprefixed versions are written.
        return !underscores;
    }
    parts.len() >= 3 || (underscores && parts.len() >= 2) || suffix != Suffix::None
}

#[derive(Debug, PartialEq, Eq)]
enum Suffix {
    None,
    /// A pre-release, post-release or build part: `rc1`, `-beta.2`, `+35`, `.post3`.
    Release,
}

/// Reads what follows a version's numbers; `None` when it names a branch (`-stable`, `.x`) or is not
/// part of a version at all. After a name prefix (`strict`), every word must be a release word or a
/// number: `issue-42-fix` is a branch.
fn release_suffix(suffix: &str, strict: bool) -> Option<Suffix> {
    if suffix.is_empty() {
        return Some(Suffix::None);
    }
    let valid = suffix
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+' | b'_'));
    let words: Vec<String> = suffix
        .split(['.', '-', '+', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.trim_end_matches(|c: char| c.is_ascii_digit())
                .to_ascii_lowercase()
        })
        .collect();
    if !valid || words.is_empty() || words.iter().any(|w| BRANCH_WORDS.contains(&w.as_str())) {
        return None;
    }
    let release = |w: &String| w.is_empty() || RELEASE_WORDS.contains(&w.as_str());
    // Letters right after the numbers are a release word (`1.0rc1`) or one patch letter (`1.1.1w`).
    let attached = suffix.starts_with(|c: char| c.is_ascii_alphabetic());
    if attached && !(release(&words[0]) || suffix.len() == 1) {
        return None;
    }
    if strict && !words.iter().skip(usize::from(attached)).all(release) {
        return None;
    }
    Some(Suffix::Release)
}

/// The name before a prefixed version: `llvmorg-`, `SOPE-`, `REL_`, `go`, `OpenSSL_`.
fn is_name_prefix(prefix: &str) -> bool {
    let name = prefix.trim_end_matches(['-', '_', '.']);
    // One letter before the numbers is no name (`a7d` is a word or an abbreviation, not a release).
    name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        && !BRANCH_WORDS.contains(&name.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        for (text, kind) in [
            ("0123456789abcdef0123456789abcdef01234567", RefKind::Commit),
            ("abc1234", RefKind::Commit),
            ("refs/tags/nightly", RefKind::Tag),
            ("refs/heads/v1.2", RefKind::Branch),
            ("HEAD", RefKind::Default),
            ("latest", RefKind::Latest),
            ("semver:^1.0", RefKind::Latest),
        ] {
            assert_eq!(classify(text), kind, "{text}");
        }
    }

    /// Tags as real projects name them (the evidence listed in `rules/CB001.toml`).
    const TAGS: &[&str] = &[
        "v1",
        "1.2",
        "v1.2.3",
        "V1.2.3",
        "1.2.3",
        "v2.0.0-rc.1",
        "v0.0.0-20240101120000-abcdefabcdef",
        "1.2.3+build",
        "v2.0.0rc1",
        "v0.1.10.post3",
        "1.0a1",
        "2.0.0b2",
        "1.2.3.dev4",
        "v3.0.0-beta",
        "v1.0.0-alpha.2",
        "2024-03-01",
        "20.04",
        "v18.19.0",
        "SOPE-5.12.9",
        "llvmorg-17.0.6",
        "llvmorg-18.1.0-rc3",
        "jdk-21+35",
        "jdk-17.0.2+8",
        "jdk-21-ga",
        "curl-8_5_0",
        "curl-7_88_1",
        "release-2024.03.1",
        "php-8.3.4",
        "openssl-3.0.13",
        "OpenSSL_1_1_1w",
        "REL_16_2",
        "go1.21.0",
        "rel-1.2.3",
        "pcre2-10.42",
        "nginx-1.25.3",
        "binutils-2_41",
        "cmake-3.28.1",
        "gcc-13.2.0",
        "protobuf-25.1.0",
        "boost-1.84.0",
        "1.1.1w",
        "v5.4.0-post1",
        "tor-0.4.8.9",
    ];

    /// Branches (and names that are not tags) as real projects name them.
    const BRANCHES: &[&str] = &[
        "main",
        "master",
        "develop",
        "dev",
        "stable",
        "nightly",
        "trunk",
        "next",
        "version-15",
        "version-14",
        "release/2.1",
        "release/0.15",
        "release/1.2.3",
        "feature/x",
        "feature/1.2.3",
        "release-1.4",
        "release-1.28",
        "php-8.3",
        "PHP-8.3",
        "openssl-3.0",
        "OpenSSL_1_1_1-stable",
        "REL_16_STABLE",
        "7-1-stable",
        "1.2-stable",
        "v18.x",
        "v1.x",
        "2.x-dev",
        "1.x",
        "3.x",
        "1.2.",
        "issue-42-fix",
        "fix-123",
        "node-18",
        "python3",
        "py3.11",
        "ubuntu-22.04",
        "hotfix-1.2.3",
        "gh-pages",
        "humble",
        "noetic-devel",
        "ros2",
        "cafe",
        "beef",
        "dead",
        "face",
        "decade",
        "add",
        "v1.2-maint",
        "stable-2.1",
        "dependabot/npm/x-1.2.3",
    ];

    #[test]
    fn tags_and_branches_from_real_projects() {
        assert!(TAGS.len() >= 40 && BRANCHES.len() >= 40);
        let wrong_tags: Vec<_> = TAGS
            .iter()
            .filter(|t| classify(t) != RefKind::Tag)
            .collect();
        let wrong_branches: Vec<_> = BRANCHES
            .iter()
            .filter(|b| classify(b) != RefKind::Branch)
            .collect();
        assert!(wrong_tags.is_empty(), "not tags: {wrong_tags:?}");
        assert!(
            wrong_branches.is_empty(),
            "not branches: {wrong_branches:?}"
        );
    }

    #[test]
    fn short_shas_are_commits_but_words_and_numbers_are_not() {
        for sha in ["a7de60", "a7de", "3f9c2b", "0a1b", "abc1234", "deadbeef"] {
            assert_eq!(classify(sha), RefKind::Commit, "{sha}");
        }
        for word in [
            "cafe", "beef", "dead", "face", "fade", "decade", "facade", "bead",
        ] {
            assert_eq!(classify(word), RefKind::Branch, "{word}");
        }
        // Digits alone are a number: a version tag, never an abbreviation.
        assert_eq!(classify("2024"), RefKind::Tag);
        assert_eq!(classify("a7d"), RefKind::Branch);
        assert!(!is_commit("a7de6g"));
    }

    #[test]
    fn mutability() {
        assert!(!RefKind::Commit.is_mutable(true));
        assert!(!RefKind::Tag.is_mutable(false));
        assert!(RefKind::Tag.is_mutable(true));
        assert!(RefKind::Unresolved.is_mutable(false));
    }
}
