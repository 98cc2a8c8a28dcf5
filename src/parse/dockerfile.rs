//! Parses a Dockerfile with `parse-dockerfile`, translating its errors to byte spans of the original text.
use std::ops::Range;

use crate::source::SourceFile;

/// Why a file could not be parsed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Range<usize>,
    pub message: String,
    /// Whether Docker builds the file anyway (a gap of our parser, not an error in the file).
    pub docker_accepts: bool,
}

/// Parses the file's text after its byte order mark. Spans in the returned tree are relative to that
/// text: add [`SourceFile::bom_len`] to get offsets into the file.
pub fn parse_dockerfile(
    file: &SourceFile,
) -> Result<parse_dockerfile::Dockerfile<'_>, SyntaxError> {
    let bom = file.bom_len();
    let text = &file.text[bom..];
    // The crate strips one byte order mark itself, as Docker does. Handed `text`, it would strip a
    // second one and every span would be 3 bytes off (a fix written in the middle of a line).
    let error = match parse_dockerfile::parse(&file.text) {
        Ok(ast) => return Ok(ast),
        Err(error) => error,
    };
    if let Some(ast) = parse_with_late_heredocs(file) {
        return Ok(ast);
    }
    Err({
        // The crate reports `… at line L column C`; its Debug form carries the bare message.
        let shown = error.to_string();
        let (message, line, column) = split_position(&shown);
        let start = offset_of(text, line, column) + bom;
        let end = token_end(&file.text, start);
        match several_heredocs(&file.text[..start]) {
            Some(run) => SyntaxError {
                span: run,
                message:
                    "this RUN has several heredocs, which BuildKit accepts but cachebust's parser \
                          (parse-dockerfile) does not yet; split it into one RUN per heredoc"
                        .to_string(),
                docker_accepts: true,
            },
            None => SyntaxError {
                span: start..end,
                message: message.to_string(),
                docker_accepts: false,
            },
        }
    })
}

/// Parses a file whose `RUN` opens its heredoc after the first word (`RUN python3 <<EOF`, BuildKit's own
/// example). parse-dockerfile 0.1 only reads a heredoc that starts the arguments (its own TODO says so),
/// so it is handed a same-length copy with each such marker moved to the front (`<<EOF python3`); each
/// rewritten `RUN`'s arguments then get back their original span and text. Bodies keep their bytes.
fn parse_with_late_heredocs(file: &SourceFile) -> Option<parse_dockerfile::Dockerfile<'_>> {
    let bom = file.bom_len();
    let (text, moved) = front_heredocs(&file.text)?;
    let text = file.parse_text.get_or_init(|| text);
    let mut ast = parse_dockerfile::parse(text).ok()?;
    for instruction in &mut ast.instructions {
        let parse_dockerfile::Instruction::Run(run) = instruction else {
            continue;
        };
        let parse_dockerfile::Command::Shell(arguments) = &mut run.arguments else {
            continue;
        };
        // The rewritten arguments start inside the original range (after the moved marker).
        let at = arguments.span.start + bom;
        let i = moved.partition_point(|r| r.end < at);
        if let Some(range) = moved.get(i).filter(|r| r.start <= at) {
            arguments.value = &file.text[range.clone()];
            arguments.span = range.start - bom..range.end - bom;
        }
    }
    Some(ast)
}

/// `text` with every `ENTRYPOINT []` read as `ENTRYPOINT ""` and the heredoc marker of every `RUN` that
/// has exactly one, not first, moved to the front of its arguments, and the arguments' original ranges
/// (in `text`); `None` when there is nothing to rewrite.
fn front_heredocs(text: &str) -> Option<(String, Vec<Range<usize>>)> {
    let mut out = text.as_bytes().to_vec();
    let mut moved = Vec::new();
    let mut cleared = false;
    let mut continued = false;
    let mut body_end: Option<String> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let at = start;
        start += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some(delimiter) = &body_end {
            if content.trim_start_matches('\t') == delimiter {
                body_end = None;
            }
            continue;
        }
        let was_continued = continued;
        continued = content.trim_end().ends_with(['\\', '`']);
        if was_continued || continued {
            continue;
        }
        if let Some(brackets) = empty_entrypoint(content) {
            // `ENTRYPOINT []` (Docker: clear the inherited entrypoint) is rejected by the crate; the
            // parser's copy reads `ENTRYPOINT ""` instead, the same length. No rule reads ENTRYPOINT.
            out[at + brackets.start] = b'"';
            out[at + brackets.end - 1] = b'"';
            cleared = true;
            continue;
        }
        let Some((args, marker)) = late_marker(content) else {
            continue;
        };
        let content = content.trim_end();
        let before = content[args..marker.start].trim_end();
        let mut rewritten = String::with_capacity(content.len() - args);
        rewritten.push_str(&content[marker.clone()]);
        rewritten.push(' ');
        rewritten.push_str(before);
        let pad = (content.len() - args) - rewritten.len() - (content.len() - marker.end);
        rewritten.extend(std::iter::repeat_n(' ', pad));
        rewritten.push_str(&content[marker.end..]);
        out[at + args..at + content.len()].copy_from_slice(rewritten.as_bytes());
        moved.push(at + args..at + content.len());
        body_end = Some(
            content[marker.start + 2..marker.end]
                .trim_start_matches('-')
                .trim_matches(['"', '\''])
                .to_string(),
        );
    }
    // Only ASCII bytes moved within a line, so the copy is still UTF-8.
    (cleared || !moved.is_empty()).then(|| {
        (
            String::from_utf8(out).expect("bytes moved within ASCII"),
            moved,
        )
    })
}

/// In an `ENTRYPOINT []` line (any case, spaces inside the brackets), the range from `[` to `]`.
fn empty_entrypoint(line: &str) -> Option<Range<usize>> {
    let trimmed = line.trim_start();
    let keyword = line.len() - trimmed.len();
    let rest = trimmed.get(10..)?;
    if !trimmed[..10].eq_ignore_ascii_case("ENTRYPOINT") || !rest.starts_with([' ', '\t']) {
        return None;
    }
    let open = keyword + 10 + (rest.len() - rest.trim_start().len());
    let inside = line[open..]
        .trim_end()
        .strip_prefix('[')?
        .strip_suffix(']')?;
    inside
        .trim()
        .is_empty()
        .then(|| open..open + line[open..].trim_end().len())
}

/// In a `RUN` line, where its arguments start and the range of its one heredoc marker, when that marker
/// is not the first word (`RUN --mount=… python3 <<"EOF" > out`).
fn late_marker(line: &str) -> Option<(usize, Range<usize>)> {
    let trimmed = line.trim_start();
    let keyword = line.len() - trimmed.len();
    if !trimmed.get(..3)?.eq_ignore_ascii_case("RUN") || !trimmed[3..].starts_with([' ', '\t']) {
        return None;
    }
    let mut args = keyword + 3;
    loop {
        let rest = &line[args..];
        let word = rest.trim_start();
        args += rest.len() - word.len();
        if !word.starts_with("--") {
            break;
        }
        args += word.find(char::is_whitespace).unwrap_or(word.len());
    }
    if line[args..].starts_with("<<") {
        return None;
    }
    let mut markers = line[args..].match_indices("<<").filter_map(|(i, _)| {
        let i = args + i;
        let after = line[i + 2..]
            .trim_start_matches('-')
            .trim_start_matches(['"', '\'']);
        let opens = line[..i].ends_with([' ', '\t'])
            && after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
        let end = line[i..]
            .find(char::is_whitespace)
            .map_or(line.len(), |n| i + n);
        opens.then_some(i..end)
    });
    let marker = markers.next()?;
    markers.next().is_none().then_some((args, marker))
}

/// Splits `msg at line L column C` into its parts (line and column 1-based; 1:1 when absent).
fn split_position(shown: &str) -> (&str, usize, usize) {
    let Some(at) = shown.rfind(" at line ") else {
        return (shown, 1, 1);
    };
    let mut numbers = shown[at + 9..]
        .split(" column ")
        .map(|n| n.trim().parse::<usize>().ok());
    match (numbers.next().flatten(), numbers.next().flatten()) {
        (Some(line), Some(column)) => (&shown[..at], line, column),
        _ => (shown, 1, 1),
    }
}

/// The last `RUN` line before an error, when it opens two or more heredocs (`RUN <<A cat > a && <<B …`):
/// parse-dockerfile rejects those, and the error it gives points at a body line.
fn several_heredocs(before: &str) -> Option<std::ops::Range<usize>> {
    let markers = |line: &str| {
        line.match_indices("<<")
            .filter(|(i, _)| {
                let rest = line[i + 2..]
                    .trim_start_matches('-')
                    .trim_start_matches(['"', '\'']);
                rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            })
            .count()
    };
    let mut end = before.len();
    while end > 0 {
        // Bytes, not `str`: `end - 1` is inside a character when the text ends with one that is not `\n`.
        let start = before.as_bytes()[..end.saturating_sub(1)]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = &before[start..end];
        let trimmed = line.trim_start();
        if trimmed
            .get(..4)
            .is_some_and(|word| word.eq_ignore_ascii_case("RUN "))
        {
            let at = start + (line.len() - trimmed.len());
            return (markers(line) >= 2).then(|| at..at + 3);
        }
        end = start;
    }
    None
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    text[start..line_end]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_end, |(i, _)| start + i)
}

/// The end of the word starting at `start` (at least one character, unless at the end of the text).
fn token_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let len = if len == 0 {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        len
    };
    start + len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(text: &str) -> SyntaxError {
        let file = SourceFile::new("Dockerfile".into(), "Dockerfile".into(), text.into());
        parse_dockerfile(&file).unwrap_err()
    }

    #[test]
    fn errors_point_at_the_offending_word() {
        let text = "\u{feff}FROM a\nBOGUS x\n";
        let err = parse_err(text);
        assert_eq!(&text[err.span.clone()], "BOGUS");
        assert_eq!(err.message, "unknown instruction 'BOGUS'");
        let err = parse_err("RUN x\n");
        assert_eq!(err.span, 0..3);
        assert_eq!(err.message, "expected FROM");
    }

    #[test]
    fn several_heredocs_in_one_run_are_named() {
        let text = "FROM a\nRUN <<A cat > /a && <<B cat > /b\nfoo\nA\nbar\nB\n";
        let err = parse_err(text);
        assert_eq!(err.span, 7..10);
        assert!(err.message.contains("several heredocs"), "{}", err.message);
    }

    #[test]
    fn an_empty_entrypoint_parses_and_spans_stay() {
        let text = "FROM a\nENTRYPOINT [ ]\nentrypoint []\nRUN git clone https://h/o/r.git\n";
        let file = SourceFile::new("Dockerfile".into(), "Dockerfile".into(), text.into());
        let ast = parse_dockerfile(&file).expect("Docker accepts ENTRYPOINT []");
        assert_eq!(ast.instructions.len(), 4);
        let parse_dockerfile::Instruction::Run(run) = &ast.instructions[3] else {
            panic!("a RUN");
        };
        let parse_dockerfile::Command::Shell(args) = &run.arguments else {
            panic!("shell form");
        };
        assert_eq!(&text[args.span.clone()], "git clone https://h/o/r.git");
    }
}
