//! Where a fix adds a line to a `docker/build-push-action` step's `build-args`, in the workflow's own
//! layout: appended to a `|` block, a one-line value turned into a `|` block, or a new `build-args` key
//! (and a `with:` when the step has none). Every other byte of the file stays as it was.
use crate::compose::yaml::{Node, NodeKind};
use crate::finding::Edit;

/// The insertions that pass one more build arg, around the `NAME=value` line they add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildArgsFix {
    /// Text inserted before the entry (at `at`), and after it.
    at: usize,
    before: String,
    after: String,
    /// A one-line value becoming a block: `|` and a line break before the value.
    header: Option<(usize, String)>,
}

impl BuildArgsFix {
    /// `NAME=${{ env.NAME || 'default' }}`: the default the Dockerfile has until the job sets `NAME`.
    pub fn edits(&self, name: &str, default: &str) -> Vec<Edit> {
        let entry = format!(
            "{}{name}=${{{{ env.{name} || '{default}' }}}}{}",
            self.before, self.after
        );
        let mut edits: Vec<Edit> = self
            .header
            .iter()
            .map(|(at, text)| Edit::insert(*at, text.clone()))
            .collect();
        edits.push(Edit::insert(self.at, entry));
        edits
    }
}

/// Where a build arg goes in the step (`uses` its key and value, `with` its inputs), or `None` when its
/// layout is one this fix does not write (flow mappings, quoted or folded values, a comment in the way).
pub fn place(
    text: &str,
    uses: (&Node, &Node),
    with: Option<(&Node, &Node)>,
) -> Option<BuildArgsFix> {
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let Some((with_key, with)) = with else {
        // No inputs: `with:` and `build-args:` after the `uses:` line, at the step's indentation.
        let indent = column(text, uses.0.defined.start)?;
        let at = line_end(text, uses.1.defined.end, true)?;
        return Some(BuildArgsFix {
            at,
            before: format!("{nl}{indent}with:{nl}{indent}  build-args: |{nl}{indent}    "),
            after: String::new(),
            header: None,
        });
    };
    if !with.is_local() || !with_key.is_local() {
        return None;
    }
    let NodeKind::Map(entries) = &with.kind else {
        return None;
    };
    let indent = column(text, with.defined.start)?;
    if text[with.defined.start..].starts_with('{') {
        return None;
    }
    let Some((key, value)) = with.entry("build-args") else {
        // A new key right under `with:`, at its entries' indentation.
        let colon = with_key.defined.end + text[with_key.defined.end..].find(':')?;
        let at = line_end(text, colon + 1, true)?;
        entries.first()?;
        return Some(BuildArgsFix {
            at,
            before: format!("{nl}{indent}build-args: |{nl}{indent}  "),
            after: String::new(),
            header: None,
        });
    };
    if !value.is_local() || value.as_str().is_none() || value.defined.start < key.defined.end {
        return None;
    }
    // What stands between the key and its value: `: ` for a one-line value, `: |` and a line break
    // for a block (whose span starts at its first line of content).
    let between = text[key.defined.end..value.defined.start].trim_start();
    let header = between.strip_prefix(':')?.trim_start();
    if header.starts_with('|') {
        // After the last line of the block, at its content's indentation.
        let inner = column(text, value.defined.start)?;
        if inner.contains('-') || inner.len() <= indent.len() {
            return None;
        }
        let mut last = None;
        let mut at = value.defined.start - inner.len();
        for line in text[at..].split_inclusive('\n') {
            let bare = line.trim_end_matches(['\n', '\r']);
            if !bare.trim().is_empty() {
                if !bare.starts_with(&inner) {
                    break;
                }
                last = Some(at + bare.len());
            }
            at += line.len();
        }
        return Some(BuildArgsFix {
            at: last?,
            before: format!("{nl}{inner}"),
            after: String::new(),
            header: None,
        });
    }
    let raw = &text[value.defined.clone()];
    if !header.is_empty() || raw.starts_with(['"', '\'', '[', '{']) || raw.contains('\n') {
        return None;
    }
    // A one-line `KEY=VALUE`: the same line in a `|` block, the new one under it.
    let end = line_end(text, value.defined.end, false)?;
    let inner = format!("{indent}  ");
    Some(BuildArgsFix {
        at: end,
        before: format!("{nl}{inner}"),
        after: String::new(),
        header: Some((value.defined.start, format!("|{nl}{inner}"))),
    })
}

/// The indentation of a key as spaces (a `- ` before it counts as indentation), when only spaces and
/// one sequence dash precede it on its line.
fn column(text: &str, at: usize) -> Option<String> {
    let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line..at];
    let dashes = prefix.matches('-').count();
    (dashes <= 1 && prefix.chars().all(|c| c == ' ' || c == '-')).then(|| " ".repeat(prefix.len()))
}

/// The end of the line `at` is on, before its line break, when nothing but blanks (and a comment, when
/// `comment` allows one) follows `at` there.
fn line_end(text: &str, at: usize, comment: bool) -> Option<usize> {
    let end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
    let rest = text[at..end].trim();
    (rest.is_empty() || (comment && rest.starts_with('#'))).then_some(end)
}

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::yaml::parse_yaml;
    use crate::source::SourceFile;

    /// The workflow with the fix applied to its first step with `uses`.
    fn fixed(text: &str) -> Option<String> {
        let file = SourceFile::new("w.yml".into(), String::new(), text.to_string());
        let tree = parse_yaml(&file).unwrap();
        let steps = tree.get("jobs")?.get("b")?.get("steps")?;
        let NodeKind::Seq(steps) = &steps.kind else {
            return None;
        };
        let step = steps.iter().find(|s| s.get("uses").is_some())?;
        let fix = place(text, step.entry("uses")?, step.entry("with"))?;
        let mut out = text.to_string();
        let mut edits = fix.edits("CACHE_BUST", "unknown");
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        for edit in edits {
            out.replace_range(edit.range, &edit.content);
        }
        Some(out)
    }

    const HEAD: &str = "jobs:\n  b:\n    steps:\n";
    const ENTRY: &str = "CACHE_BUST=${{ env.CACHE_BUST || 'unknown' }}";

    #[test]
    fn each_layout_gets_the_line_in_its_own_style() {
        let cases = [
            (
                "      - uses: docker/build-push-action@v6 # pinned\n      - run: echo\n",
                format!(
                    "      - uses: docker/build-push-action@v6 # pinned\n        with:\n          \
                     build-args: |\n            {ENTRY}\n      - run: echo\n"
                ),
            ),
            (
                "      - name: b\n        uses: docker/build-push-action@v6\n        with:\n          \
                 context: .\n",
                format!(
                    "      - name: b\n        uses: docker/build-push-action@v6\n        with:\n          \
                     build-args: |\n            {ENTRY}\n          context: .\n"
                ),
            ),
            (
                "      - uses: docker/build-push-action@v6\n        with:\n          build-args: |-\n            \
                 A=1\n\n            B=2\n          push: true\n",
                format!(
                    "      - uses: docker/build-push-action@v6\n        with:\n          build-args: |-\n            \
                     A=1\n\n            B=2\n            {ENTRY}\n          push: true\n"
                ),
            ),
            (
                "      - uses: docker/build-push-action@v6\r\n        with:\r\n          build-args: A=1\r\n",
                format!(
                    "      - uses: docker/build-push-action@v6\r\n        with:\r\n          build-args: |\r\n            \
                     A=1\r\n            {ENTRY}\r\n"
                ),
            ),
        ];
        for (steps, expected) in cases {
            assert_eq!(
                fixed(&format!("{HEAD}{steps}")),
                Some(format!("{HEAD}{expected}")),
                "{steps}"
            );
        }
    }

    #[test]
    fn layouts_it_cannot_write_get_no_fix() {
        for steps in [
            "      - uses: docker/build-push-action@v6\n        with: {context: .}\n",
            "      - uses: docker/build-push-action@v6\n        with:\n          build-args: \"A=1\"\n",
            "      - uses: docker/build-push-action@v6\n        with:\n          build-args: >\n            A=1\n",
            "      - uses: docker/build-push-action@v6\n        with:\n          build-args: A=1 # one\n",
        ] {
            assert_eq!(fixed(&format!("{HEAD}{steps}")), None, "{steps}");
        }
    }
}
