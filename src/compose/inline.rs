//! `dockerfile_inline`: the Dockerfile written inside the compose file. It is linted as a Dockerfile
//! of its own and each finding is moved back into the YAML, line by line for a literal block scalar
//! (`|`), whose content is the file's lines less the block's indentation.
use std::ops::Range;

use super::layout::{line_end, line_start};
use super::yaml::Node;
use crate::finding::{Edit, Finding, Fix, Label};
use crate::source::SourceFile;

/// An inline Dockerfile and the way back from its offsets to the compose file's.
#[derive(Debug, Clone)]
pub struct Inline {
    /// The Dockerfile's text, as a file of its own.
    pub file: SourceFile,
    /// For a literal block: the block's indentation and, per content line, its content and file offsets.
    lines: Option<(usize, Vec<(usize, usize)>)>,
    /// The scalar's span: where everything points when lines cannot be mapped (quoted, folded).
    whole: Range<usize>,
}

impl Inline {
    /// Reads the Dockerfile from its YAML node.
    pub fn new(compose: &SourceFile, node: &Node) -> Option<Inline> {
        let content = node.as_str()?;
        Some(Inline {
            file: SourceFile::new(
                compose.path.clone(),
                compose.display.clone(),
                content.to_string(),
            ),
            lines: literal_lines(&compose.text, node.defined.start, content),
            whole: node.defined.clone(),
        })
    }

    /// The finding with every span in the compose file. Its fix survives only when lines map exactly;
    /// new lines in the fix's text get the block's indentation.
    pub fn place(&self, finding: Finding, newline: &str) -> Finding {
        let mut finding = finding;
        crate::checks::built_by_compose(&mut finding);
        let exact = self.lines.is_some();
        let indent = " ".repeat(self.lines.as_ref().map_or(0, |(n, _)| *n));
        Finding {
            span: self.span(&finding.span),
            related: finding
                .related
                .into_iter()
                .map(|l| Label {
                    span: self.span(&l.span),
                    text: l.text,
                })
                .collect(),
            fix: finding.fix.filter(|_| exact).map(|fix| Fix {
                edits: fix
                    .edits
                    .iter()
                    .map(|e| Edit {
                        range: self.span(&e.range),
                        content: e.content.replace('\n', &format!("{newline}{indent}")),
                    })
                    .collect(),
                ..fix
            }),
            ..finding
        }
    }

    fn span(&self, span: &Range<usize>) -> Range<usize> {
        match &self.lines {
            Some(_) => self.offset(span.start)..self.offset(span.end),
            None => self.whole.clone(),
        }
    }

    fn offset(&self, at: usize) -> usize {
        let Some((_, lines)) = &self.lines else {
            return self.whole.start;
        };
        let line = lines.partition_point(|(start, _)| *start <= at).max(1) - 1;
        let (content_start, file_start) = lines[line];
        (file_start + (at - content_start)).min(self.whole.end)
    }
}

/// Maps the content lines of a literal block scalar to the file, or `None` when the text is not one
/// (quoted, folded, plain): each content line must be its file line less the block's indentation.
/// Returns the indentation and, per line, its content offset and the file offset of its content.
fn literal_lines(text: &str, start: usize, content: &str) -> Option<(usize, Vec<(usize, usize)>)> {
    let body = content.strip_suffix('\n').unwrap_or(content);
    let lines: Vec<&str> = body.split('\n').collect();
    let first = lines.iter().position(|l| !l.is_empty())?;
    // The scalar's span starts on its first non-blank line; the blank lines before it are its own too.
    let mut at = line_start(text, start);
    for _ in 0..first {
        at = line_start(text, at.checked_sub(1)?);
    }
    let mut starts = vec![at];
    for _ in 1..lines.len() {
        let last = *starts.last()?;
        starts.push(last + text[last..].find('\n')? + 1);
    }
    let file_line = |at: usize| &text[at..line_end(text, at)];
    let indent = file_line(starts[first])
        .len()
        .checked_sub(lines[first].len())?;
    let mut map = Vec::with_capacity(lines.len());
    let mut content_at = 0;
    for (line, &file_at) in lines.iter().zip(&starts) {
        let in_file = file_line(file_at);
        let ok = if line.is_empty() {
            in_file.trim_start_matches(' ').is_empty()
        } else {
            in_file
                .get(..indent)
                .is_some_and(|s| s.trim_start_matches(' ').is_empty())
                && &in_file[indent..] == *line
        };
        if !ok {
            return None;
        }
        map.push((content_at, file_at + indent.min(in_file.len())));
        content_at += line.len() + 1;
    }
    Some((indent, map))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::yaml::parse_yaml;

    fn inline(text: &str) -> (SourceFile, Inline) {
        let file = SourceFile::new("c.yaml".into(), "c.yaml".into(), text.into());
        let root = parse_yaml(&file).unwrap();
        let node = root.get("df").unwrap().clone();
        let inline = Inline::new(&file, &node).unwrap();
        (file, inline)
    }

    #[test]
    fn literal_lines_map_back() {
        let (file, inline) =
            inline("df: |\r\n\r\n    FROM a\r\n      RUN b\r\n\r\n    RUN c\r\nx: 1\r\n");
        assert_eq!(inline.file.text, "\nFROM a\n  RUN b\n\nRUN c\n");
        let c = inline.file.text.find("RUN c").unwrap();
        assert_eq!(&file.text[inline.offset(c)..][..5], "RUN c");
        let b = inline.file.text.find("RUN b").unwrap();
        assert_eq!(&file.text[inline.offset(b)..][..5], "RUN b");
    }

    #[test]
    fn other_styles_point_at_the_whole_scalar() {
        let (file, inline) = inline("df: \"FROM a\\nRUN b\"\n");
        assert!(inline.lines.is_none());
        assert_eq!(&file.text[inline.span(&(7..8))], "\"FROM a\\nRUN b\"");
    }
}
