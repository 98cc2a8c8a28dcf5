//! `--diff`: a unified diff per fixed file, as `git diff` and `patch -p1` read it.
use similar::{ChangeTag, TextDiff};

use crate::detect::credentials::mask_secrets;
use crate::redact::{escape_controls, escape_line};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

/// The unified diff from `before` to `after` with 3 lines of context, headed `--- a/<path>` and
/// `+++ b/<path>`; empty when the texts are equal. Lines keep their own endings (a CRLF line stays
/// CRLF), and a last line without one is followed by `\ No newline at end of file`. With `color`,
/// removed lines are red and added lines green. Credentials are blanked as in every other output, and
/// control characters (ESC, NUL, a lone CR, bidi overrides) are shown escaped: such a line no longer
/// applies with `patch`, which is the price of a diff that cannot drive the reviewer's terminal.
pub fn render_diff(display: &str, before: &str, after: &str, color: bool) -> String {
    // Masking keeps lengths, so both sides line up as they did; a hunk whose context holds a secret
    // no longer applies with `patch`, which is the price of keeping secrets out of CI logs.
    let (before, after) = (mask_secrets(before), mask_secrets(after));
    let diff = TextDiff::from_lines(before.as_ref(), after.as_ref());
    let mut out = String::new();
    let display = escape_line(display);
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        if out.is_empty() {
            out += &format!("--- a/{display}\n+++ b/{display}\n");
        }
        out += &format!("{}\n", hunk.header());
        for change in hunk.iter_changes() {
            let (sign, paint) = match change.tag() {
                ChangeTag::Delete => ('-', RED),
                ChangeTag::Insert => ('+', GREEN),
                ChangeTag::Equal => (' ', ""),
            };
            let line = change.value();
            let raw = line.trim_end_matches(['\n', '\r']);
            let ending = &line[raw.len()..];
            let body = escape_controls(raw);
            let line = format!("{body}{ending}");
            if color && !paint.is_empty() {
                out += &format!("{paint}{sign}{body}{RESET}{ending}");
            } else {
                out += &format!("{sign}{line}");
            }
            if ending.is_empty() {
                out += "\n\\ No newline at end of file\n";
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_has_headers_context_and_keeps_line_endings() {
        let before = "FROM a\r\nRUN b\r\nRUN c\r\n";
        let after = "FROM a\r\nARG X\r\nRUN b\r\nRUN c\r\n";
        assert_eq!(
            render_diff("svc/Dockerfile", before, after, false),
            "--- a/svc/Dockerfile\n+++ b/svc/Dockerfile\n@@ -1,3 +1,4 @@\n FROM a\r\n+ARG X\r\n RUN b\r\n RUN c\r\n"
        );
        assert_eq!(render_diff("Dockerfile", before, before, false), "");
    }

    #[test]
    fn a_missing_final_newline_is_marked() {
        let diff = render_diff("Dockerfile", "FROM a\nRUN b", "FROM a\nARG X\nRUN b", false);
        assert!(
            diff.ends_with(" RUN b\n\\ No newline at end of file\n"),
            "{diff}"
        );
    }

    #[test]
    fn credentials_never_show() {
        let before = "FROM a\nRUN git clone https://bot:hunter2@github.com/o/r.git\n";
        let after = "FROM a\nARG X\nRUN git clone https://bot:hunter2@github.com/o/r.git\n";
        let diff = render_diff("Dockerfile", before, after, false);
        assert!(
            diff.contains(" RUN git clone https://***********@github.com/o/r.git\n"),
            "{diff}"
        );
        assert!(!diff.contains("hunter2"), "{diff}");
    }

    #[test]
    fn colour_wraps_the_line_but_not_its_ending() {
        let diff = render_diff("Dockerfile", "a\r\nb\r\n", "a\r\nc\r\n", true);
        assert!(
            diff.contains("\x1b[31m-b\x1b[0m\r\n\x1b[32m+c\x1b[0m\r\n"),
            "{diff:?}"
        );
        assert!(!render_diff("Dockerfile", "a\n", "b\n", false).contains('\x1b'));
    }
}
