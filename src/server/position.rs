//! Byte offsets ↔ LSP positions (line, character) in the encoding negotiated at `initialize`: UTF-8
//! code units (bytes) where the client offers it, else UTF-16 code units, which every client supports.
//! Lines end at `\n` (so a `\r\n` line's `\r` is the last character of its line, as clients count it
//! only when it ends the line: positions past the line's end are clamped before the `\r`).
use lsp_types::Position;

/// What a position's `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// The starts of a text's lines, for converting in both directions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        LineIndex { starts }
    }

    /// The position of byte `offset` (clamped to the text and down to a character boundary).
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = match encoding {
            Encoding::Utf8 => offset - start,
            Encoding::Utf16 => text[start..offset].chars().map(char::len_utf16).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of a position. A line past the end is the end of the text; a character past
    /// its line's end is that end (before the line's `\r\n` or `\n`); one inside a character (half a
    /// surrogate pair, a byte inside a UTF-8 sequence) is that character's start.
    pub fn offset(&self, text: &str, position: Position, encoding: Encoding) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let line = &text[start..];
        let end = line.find('\n').unwrap_or(line.len());
        let end = if line[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        let wanted = position.character as usize;
        let mut units = 0;
        for (i, c) in line[..end].char_indices() {
            if units + encoding.units(c) > wanted {
                return start + i;
            }
            units += encoding.units(c);
        }
        start + end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str, offset: usize, encoding: Encoding, line: u32, character: u32) {
        let index = LineIndex::new(text);
        let position = index.position(text, offset, encoding);
        assert_eq!(
            position,
            Position::new(line, character),
            "{text:?} at {offset}"
        );
        assert_eq!(index.offset(text, position, encoding), offset);
    }

    #[test]
    fn utf16_counts_code_units_and_utf8_counts_bytes() {
        // `é` is 2 bytes and 1 UTF-16 unit; `𝄞` is 4 bytes and 2 UTF-16 units.
        let text = "FROM a\nRUN é𝄞 git\n";
        let git = text.find("git").unwrap();
        round_trip(text, git, Encoding::Utf16, 1, 8);
        round_trip(text, git, Encoding::Utf8, 1, 11);
    }

    #[test]
    fn crlf_lines_and_clamping() {
        let text = "FROM a\r\nRUN x\r\n";
        let x = text.find('x').unwrap();
        round_trip(text, x, Encoding::Utf16, 1, 4);
        let index = LineIndex::new(text);
        // Past the end of line 0: before its `\r`.
        assert_eq!(index.offset(text, Position::new(0, 99), Encoding::Utf16), 6);
        assert_eq!(
            index.offset(text, Position::new(9, 0), Encoding::Utf16),
            text.len()
        );
        // The end of the text is on the empty last line.
        round_trip(text, text.len(), Encoding::Utf16, 2, 0);
    }

    #[test]
    fn inside_a_character_is_its_start() {
        let text = "a𝄞b";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, Position::new(0, 2), Encoding::Utf16), 1);
        assert_eq!(index.offset(text, Position::new(0, 3), Encoding::Utf16), 5);
        assert_eq!(index.offset(text, Position::new(0, 3), Encoding::Utf8), 1);
        assert_eq!(
            index.position(text, 3, Encoding::Utf16),
            Position::new(0, 1)
        );
    }
}
