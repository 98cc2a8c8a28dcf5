//! Cache-bust values.
use sha2::{Digest, Sha256};

/// How many hex digits of the digest make a value: 48 bits, far beyond any collision a build could meet.
const VALUE_LEN: usize = 12;

/// The value for a list of remote states (commits, or timestamps): the first 12 hex digits of the
/// SHA-256 of the states, one per line. Reproducible by hand:
/// `printf '%s\n' COMMIT1 COMMIT2 | sha256sum | cut -c1-12`.
pub fn digest<S: AsRef<str>>(states: &[S]) -> String {
    let mut hasher = Sha256::new();
    for state in states {
        hasher.update(state.as_ref().as_bytes());
        hasher.update(b"\n");
    }
    hasher
        .finalize()
        .iter()
        .flat_map(|b| [b >> 4, b & 0xf])
        .take(VALUE_LEN)
        .map(|n| char::from_digit(u32::from(n), 16).expect("a nibble is a hex digit"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_sha256_of_lines() {
        // printf 'a\nb\n' | sha256sum
        assert_eq!(digest(&["a", "b"]), "911169ddaaf1");
        assert_eq!(digest::<&str>(&[]), "e3b0c44298fc");
        assert_ne!(digest(&["a", "b"]), digest(&["b", "a"]));
    }

    #[test]
    fn stems() {
        for (url, stem) in [
            ("https://github.com/acme/tool-kit.git", "TOOL_KIT"),
            ("git@github.com:acme/api.git", "API"),
            ("https://gitlab.com/g/sub/my.lib/", "MY_LIB"),
            ("file:///tmp/x/r.git", "R"),
            ("golang.org/x/tools/...", "TOOLS"),
            ("https://h/--", "REMOTE"),
        ] {
            assert_eq!(crate::detect::repo_stem(url), stem, "{url}");
        }
    }
}
