//! Suppressions in a compose file: `# cachebust: ignore[CB004]` (or `ignore` alone) as a comment at the
//! end of a service's `build:` line covers the findings on that line and inside that `build` (its args,
//! its inline Dockerfile); `# cachebust: ignore-file[CB004]` anywhere covers the whole file. Unused and
//! unknown ones are CB100, as in a Dockerfile: the matching and reporting are `checks::suppress`'s.
use std::ops::Range;

use super::model::services;
use super::yaml::{Node, NodeKind};
use crate::checks::suppress::{find_comments, suppress, Comment, Scope};
use crate::finding::Finding;
use crate::source::SourceFile;

/// Removes the findings of the compose file `file` (parsed as `root`) that its suppressions cover and
/// adds CB100 for those that cover nothing. `enabled` tells which codes the run reports.
pub fn apply_compose_suppressions(
    file: &SourceFile,
    root: &Node,
    findings: Vec<Finding>,
    enabled: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let mut scalars = Vec::new();
    scalar_spans(root, &mut scalars);
    let comments: Vec<Comment> = find_comments(file, true)
        .into_iter()
        // A `#` inside a string, or inside an inline Dockerfile (whose own comments it lints), is no
        // YAML comment.
        .filter(|c| !scalars.iter().any(|s| s.contains(&c.hash)))
        .collect();
    if comments.is_empty() {
        return findings;
    }
    let builds = build_scopes(file, root);
    let scoped = comments
        .into_iter()
        .map(|comment| {
            let scope = if comment.file_wide {
                Scope::File
            } else {
                builds
                    .iter()
                    .find(|(line, _)| comment.trailing && *line == comment.line)
                    .map_or(Scope::Nowhere, |(_, scope)| Scope::Span(scope.clone()))
            };
            (comment, scope)
        })
        .collect();
    suppress(file, scoped, findings, enabled)
}

/// For each service's `build` written in this file: the line of its `build:` key, and the range its
/// suppression covers, from the start of that line to the end of the build's last node.
fn build_scopes(file: &SourceFile, root: &Node) -> Vec<(Range<usize>, Range<usize>)> {
    services(root)
        .unwrap_or_default()
        .iter()
        .filter_map(|service| service.build.as_ref())
        .filter(|build| build.key.is_local())
        .map(|build| {
            let line = file.line_range(build.key.defined.start);
            let end = last_end(build.value, line.start).max(line.end);
            (line.clone(), line.start..end)
        })
        .collect()
}

/// The end of the node's text where it is used, or of its last descendant's, ignoring text before
/// `from` (an alias's anchor written above).
fn last_end(node: &Node, from: usize) -> usize {
    let own = Some(node.referenced.end).filter(|_| node.referenced.start >= from);
    let children = match &node.kind {
        NodeKind::Seq(items) => items.iter().map(|n| last_end(n, from)).max(),
        NodeKind::Map(entries) => entries
            .iter()
            .map(|(k, v)| last_end(k, from).max(last_end(v, from)))
            .max(),
        NodeKind::Null | NodeKind::Scalar(_) => None,
    };
    own.into_iter().chain(children).max().unwrap_or(from)
}

/// The spans of every scalar (keys included) as written.
fn scalar_spans(node: &Node, out: &mut Vec<Range<usize>>) {
    match &node.kind {
        NodeKind::Scalar(_) => out.push(node.defined.clone()),
        NodeKind::Seq(items) => items.iter().for_each(|n| scalar_spans(n, out)),
        NodeKind::Map(entries) => entries.iter().for_each(|(k, v)| {
            scalar_spans(k, out);
            scalar_spans(v, out);
        }),
        NodeKind::Null => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::yaml::parse_yaml;
    use crate::finding::Severity;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("compose.yaml".into(), "compose.yaml".into(), text.into())
    }

    fn finding(code: &'static str, span: Range<usize>) -> Finding {
        Finding {
            code,
            severity: Severity::Warning,
            message: String::new(),
            span,
            label: String::new(),
            related: Vec::new(),
            help: String::new(),
            fix: None,
        }
    }

    /// The codes left after suppressing findings of `codes` at the first offset of each `at` text.
    fn run(text: &str, found: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        let file = file(text);
        let root = parse_yaml(&file).expect("valid YAML");
        let findings = found
            .iter()
            .map(|(code, at)| {
                let start = text.find(at).expect("in the text");
                finding(code, start..start + at.len())
            })
            .collect();
        apply_compose_suppressions(&file, &root, findings, &|_| true)
            .into_iter()
            .map(|f| (f.code, text[f.span].to_string()))
            .collect()
    }

    #[test]
    fn a_comment_on_the_build_line_covers_the_build() {
        let text = "services:\n  api:\n    build:  # cachebust: ignore[CB004,CB005]\n      context: .\n      args:\n        CACHEBUST: x\n    image: a\n";
        let left = run(text, &[("CB004", "build"), ("CB005", "CACHEBUST")]);
        assert!(left.is_empty(), "{left:?}");
        // A finding after the build is not covered: the CB005 listed there is then unused.
        let left = run(text, &[("CB004", "build"), ("CB005", "image")]);
        assert_eq!(left, [("CB100", "CB005".into()), ("CB005", "image".into())]);
    }

    #[test]
    fn a_suppression_elsewhere_covers_nothing() {
        let text = "services:\n  api:\n    # cachebust: ignore[CB004]\n    build: ./api\n    image: a  # cachebust: ignore\n";
        let left = run(text, &[("CB004", "build")]);
        let codes: Vec<_> = left.iter().map(|(c, s)| (*c, s.as_str())).collect();
        assert_eq!(
            codes,
            [
                ("CB100", "CB004"),
                ("CB004", "build"),
                ("CB100", "# cachebust: ignore")
            ]
        );
    }

    #[test]
    fn ignore_file_covers_the_file_and_strings_hold_no_comments() {
        let text = "# cachebust: ignore-file[CB004]\nservices:\n  a:\n    build: \"x # cachebust: ignore[CB005]\"\n  b:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM x\n        # cachebust: ignore[CB001]\n        RUN true\n";
        let left = run(text, &[("CB004", "build"), ("CB005", "build")]);
        assert_eq!(left, [("CB005", "build".into())]);
    }

    #[test]
    fn an_unused_trailing_comment_is_removed_with_its_blanks_only() {
        let text =
            "services:\n  api:\n    build: ./api   # cachebust: ignore[CB004]\r\n    image: a\n";
        let file = file(text);
        let root = parse_yaml(&file).unwrap();
        let found = apply_compose_suppressions(&file, &root, Vec::new(), &|_| true);
        let edit = &found[0].fix.as_ref().unwrap().edits[0];
        let mut fixed = text.to_string();
        fixed.replace_range(edit.range.clone(), &edit.content);
        assert_eq!(
            fixed,
            "services:\n  api:\n    build: ./api\r\n    image: a\n"
        );
    }
}
