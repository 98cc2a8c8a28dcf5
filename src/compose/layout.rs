//! Where things are in YAML text, for edits that leave every other byte alone: indentation, the end
//! of a block collection, the closing bracket of a flow collection, a scalar's quoting.

/// The start of the line that holds `at`.
pub fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line that holds `at`, before its `\r\n` or `\n`.
pub fn line_end(text: &str, at: usize) -> usize {
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if end > at && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// The column of `at` (0-based, in characters): the indentation a sibling written below it needs.
pub fn column(text: &str, at: usize) -> usize {
    text[line_start(text, at)..at].chars().count()
}

/// Whether only spaces (or a sequence's `- `) stand before `at` on its line.
pub fn starts_line(text: &str, at: usize) -> bool {
    text[line_start(text, at)..at]
        .chars()
        .all(|c| c == ' ' || c == '-')
}

/// The end of the last line of the block collection whose first entry is at `first`, at `column`: lines
/// after it belong to it while they are indented deeper, or as deep when they continue it (any line for
/// a mapping, whose keys may hold an indentless `- ` list; only a `- ` item for a sequence). Blank and
/// comment lines neither end it nor extend it, so an insertion lands before a comment that heads the
/// next key.
pub fn block_end(text: &str, first: usize, column: usize, sequence: bool) -> usize {
    let mut end = line_end(text, first);
    let mut at = end;
    while let Some(next) = text[at..].find('\n').map(|i| at + i + 1) {
        let line = &text[next..line_end(text, next)];
        at = next;
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - content.len();
        let item = content == "-" || content.starts_with("- ");
        let belongs = indent > column || (indent == column && (!sequence || item));
        if !belongs || content.starts_with("---") || content.starts_with("...") {
            break;
        }
        end = line_end(text, next);
    }
    end
}

/// In a flow collection opened at `open` (`{` or `[`): the offset of its closing bracket and the
/// offset just after its last significant character (the opening bracket itself when it is empty).
pub fn flow_end(text: &str, open: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut last = open + 1;
    let mut i = open;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' | b'\'' => {
                i = quoted_end(bytes, i)?;
                last = i;
                continue;
            }
            b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((i, last));
                }
            }
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            last = i + 1;
        }
        i += 1;
    }
    None
}

/// The offset after the quoted scalar that opens at `start`.
fn quoted_end(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 1,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
            c if c == quote => return Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The quote character a scalar is written with, if any.
pub fn quote_of(text: &str, at: usize) -> Option<char> {
    match text[at..].chars().next() {
        Some(c @ ('"' | '\'')) => Some(c),
        _ => None,
    }
}

/// A scalar written in the given quoting, or plain when that is safe for the text. Flow collections
/// need quotes around `${…}`: a plain scalar there ends at `{`, `}` or `,`.
pub fn scalar(value: &str, quote: Option<char>, flow: bool) -> String {
    let plain_ok = !flow
        && !value.is_empty()
        && !value.starts_with(|c: char| c.is_whitespace() || "!&*?|>'\"%@`#,[]{}-:".contains(c))
        && !value.ends_with(char::is_whitespace)
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with(':');
    match quote {
        Some('\'') => format!("'{}'", value.replace('\'', "''")),
        None if plain_ok => value.to_string(),
        _ => format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")),
    }
}

/// Rewrites a block of lines from one indentation to another: `from` leading spaces are taken off each
/// line (blank and comment lines may have fewer) and `to` is put in front. `None` when a line is less
/// indented than the block, which would make it something else.
pub fn reindent(block: &str, from: usize, to: &str, newline: &str) -> Option<String> {
    let mut out = Vec::new();
    for line in block.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let content = &line[spaces..];
        if spaces < from && !content.is_empty() && !content.starts_with('#') {
            return None;
        }
        out.push(if content.is_empty() {
            String::new()
        } else {
            format!("{to}{}", &line[spaces.min(from)..])
        });
    }
    Some(out.join(newline))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_end_at_their_last_content_line() {
        let text = "a:\n  args:\n    A: 1\n    B:\n    - x\n\n  # next\n  target: t\n";
        let first = text.find("A:").unwrap();
        assert_eq!(
            &text[..block_end(text, first, 4, false)],
            "a:\n  args:\n    A: 1\n    B:\n    - x"
        );
        let text = "args:\n- A=1\n- B=2\ntarget: t\n";
        let first = text.find("A=1").unwrap();
        assert_eq!(
            &text[..block_end(text, first, 0, true)],
            "args:\n- A=1\n- B=2"
        );
    }

    #[test]
    fn flow_collections_close_after_quotes_and_comments() {
        let text = "{ A: \"}\", B: [1] , # }\n }";
        assert_eq!(
            flow_end(text, 0),
            Some((text.len() - 1, text.find(" ,").unwrap() + 2))
        );
        assert_eq!(flow_end("[ ]", 0), Some((2, 1)));
        assert_eq!(flow_end("[a, 'b''", 0), None);
    }

    #[test]
    fn scalars_quote_when_they_must() {
        assert_eq!(scalar("${X:-unknown}", None, false), "${X:-unknown}");
        assert_eq!(scalar("${X:-unknown}", None, true), "\"${X:-unknown}\"");
        assert_eq!(scalar("${X:-a b}", Some('\''), false), "'${X:-a b}'");
        assert_eq!(scalar("a: b", None, false), "\"a: b\"");
    }

    #[test]
    fn reindenting_keeps_relative_indentation() {
        let block = "    A: 1\r\n    # c\r\n    B: |\r\n      x";
        assert_eq!(
            reindent(block, 4, "  ", "\n").unwrap(),
            "  A: 1\n  # c\n  B: |\n    x"
        );
        assert_eq!(reindent("  A: 1\nB: 2", 2, "", "\n"), None);
    }
}
