//! A file as read from disk: its bytes as text, the path to show, and byte → line:column conversion.
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The largest file cachebust reads (10 MiB): a hundred times a big real Dockerfile or compose file.
/// Bigger ones are skipped with an error, which bounds a run's memory and time whatever it is given.
pub const MAX_FILE_BYTES: u64 = 10 << 20;

/// Reads a file to lint: a regular file of at most [`MAX_FILE_BYTES`]. A FIFO or device is refused
/// before anything is read from it, so reading can neither block nor go on for ever (`/dev/zero`).
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    read_file_with_id(path).map(|(bytes, _)| bytes)
}

/// Which file a path leads to: two paths to one file (a symlink, `a/../b`) have the same id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

impl FileId {
    /// The id of the file at `path` (following symlinks).
    pub fn of(path: &Path) -> std::io::Result<FileId> {
        file_id(path, &std::fs::metadata(path)?)
    }
}

#[cfg(unix)]
fn file_id(_: &Path, metadata: &std::fs::Metadata) -> std::io::Result<FileId> {
    use std::os::unix::fs::MetadataExt;
    Ok(FileId((metadata.dev(), metadata.ino())))
}

#[cfg(not(unix))]
fn file_id(path: &Path, _: &std::fs::Metadata) -> std::io::Result<FileId> {
    Ok(FileId(path.canonicalize()?))
}

/// [`read_file`], and the file's id, from one open and one `fstat`.
pub fn read_file_with_id(path: &Path) -> std::io::Result<(Vec<u8>, FileId)> {
    let file = open_without_blocking(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large(metadata.len()));
    }
    // One byte more than its size, so the read that finds the end needs no new allocation.
    let mut bytes = Vec::with_capacity(metadata.len() as usize + 1);
    // `take`: the file may grow between the size check and the read.
    (&file).take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok((bytes, file_id(path, &metadata)?))
}

/// Opens for reading without waiting: opening a FIFO with no writer blocks otherwise. Regular files
/// ignore the flag; anything else is refused by the caller before it is read.
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    std::fs::File::open(path)
}

/// The error for input over [`MAX_FILE_BYTES`] (`size` bytes, or more).
pub fn too_large(size: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!(
            "it is {:.1} MiB, over the {} MiB that cachebust reads of a file; skipped",
            size as f64 / f64::from(1 << 20),
            MAX_FILE_BYTES >> 20
        ),
    )
}

/// A text file that is being linted. Every span in the program is a byte range of `text`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where the file lives (used for reading and writing).
    pub path: PathBuf,
    /// The path as the user would type it (relative to the working directory when under it).
    pub display: String,
    pub text: String,
    line_starts: Vec<usize>,
    /// A same-length rewrite of `text` that `parse::dockerfile` hands its parser crate when the crate
    /// rejects what Docker accepts (a heredoc after the first word); kept here so the tree may borrow it.
    pub(crate) parse_text: std::sync::OnceLock<String>,
    /// The build context a Dockerfile was linted in when it is not the file's directory (a compose
    /// service's `context:`), kept so that a fix lints its result in the same context.
    pub context: Option<PathBuf>,
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            display,
            text,
            line_starts,
            parse_text: std::sync::OnceLock::new(),
            context: None,
        }
    }

    /// The same file with another text (its context kept).
    pub fn with_text(&self, text: String) -> SourceFile {
        SourceFile {
            context: self.context.clone(),
            ..SourceFile::new(self.path.clone(), self.display.clone(), text)
        }
    }

    /// The length of a UTF-8 byte order mark at the start of the text (0 or 3).
    pub fn bom_len(&self) -> usize {
        if self.text.starts_with('\u{feff}') {
            3
        } else {
            0
        }
    }

    /// The 1-based line and character column of byte `offset` (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let mut start = self.line_starts[line];
        if line == 0 {
            start = start.max(self.bom_len().min(offset));
        }
        let column = self.text[start..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The byte offset of a 1-based line and column, clamped to the text.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let end = self.line_end(start);
        self.text[start..end]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(end, |(i, _)| start + i)
    }

    /// The byte range of the line holding `offset`, without its line ending.
    pub fn line_range(&self, offset: usize) -> Range<usize> {
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        start..self.line_end(start)
    }

    fn line_end(&self, start: usize) -> usize {
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    }

    /// The line ending the file uses (`\r\n` when its first line ends so).
    pub fn newline(&self) -> &'static str {
        match self.text.find('\n') {
            Some(i) if i > 0 && self.text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }
}

/// The path as the user would type it: relative to `cwd` when under it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let shown = shown.strip_prefix(".").unwrap_or(shown);
    shown.to_string_lossy().into_owned()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Test support: the text of every UTF-8 file under `testdata/`, for tests that check a fast path
/// against its slow twin on real inputs.
#[cfg(test)]
pub fn testdata_texts() -> Vec<String> {
    let mut texts = Vec::new();
    let mut dirs = vec![PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                texts.push(text);
            }
        }
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("f".into(), "f".into(), text.into())
    }

    #[test]
    fn positions_count_characters_and_skip_the_bom() {
        let f = file("\u{feff}FROM a\r\nRUN é x\n");
        assert_eq!(f.position(3), Position { line: 1, column: 1 });
        let x = f.text.find('x').unwrap();
        assert_eq!(f.position(x), Position { line: 2, column: 7 });
        assert_eq!(f.offset(2, 7), x);
        assert_eq!(f.newline(), "\r\n");
        assert_eq!(&f.text[f.line_range(x)], "RUN é x");
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let f = file("a\nb");
        assert_eq!(f.offset(9, 1), 3);
        assert_eq!(f.offset(2, 9), 3);
        assert_eq!(f.position(99), Position { line: 2, column: 2 });
    }
}
