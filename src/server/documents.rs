//! The documents the client has open: their unsaved text, kept in step with full and incremental
//! changes, and the file path each `file://` URI names.
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::position::{Encoding, LineIndex};
use crate::discover::{is_compose_name, is_dockerfile_name};

/// What cachebust lints a document as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dockerfile,
    Compose,
    /// Neither: a document the client opened that cachebust has nothing to say about.
    Other,
}

/// An open document.
#[derive(Debug)]
pub struct Document {
    pub uri: Uri,
    pub path: PathBuf,
    pub version: i32,
    pub kind: Kind,
    pub text: String,
}

/// The open documents, by URI.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<String, Document>,
}

impl Documents {
    /// Starts tracking a document; `None` when its URI is not a `file://` path.
    pub fn open(&mut self, uri: Uri, language_id: &str, version: i32, text: String) -> Option<()> {
        let path = uri_to_path(&uri)?;
        let kind = kind_of(&path, language_id);
        let key = uri.as_str().to_string();
        let document = Document {
            uri,
            path,
            version,
            kind,
            text,
        };
        self.open.insert(key, document);
        Some(())
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.open.remove(uri.as_str())
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri.as_str())
    }

    /// Applies the changes in order (each incremental range is in the text as the previous one left
    /// it, per the protocol). Unknown documents are ignored.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) {
        let Some(document) = self.open.get_mut(uri.as_str()) else {
            return;
        };
        for change in changes {
            match change.range {
                None => document.text = change.text,
                Some(range) => {
                    let index = LineIndex::new(&document.text);
                    let start = index.offset(&document.text, range.start, encoding);
                    let end = index.offset(&document.text, range.end, encoding).max(start);
                    document.text.replace_range(start..end, &change.text);
                }
            }
        }
        document.version = version;
    }

    /// The open documents.
    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.open.values()
    }

    pub fn by_path(&self, path: &Path) -> Option<&Document> {
        self.open
            .values()
            .find(|d| d.path == path || same_file(&d.path, path))
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// A Dockerfile by name, as `check` recognises them, or by the client's language id; a compose file by
/// name or by the id editors give it (`dockercompose`, VS Code's).
pub fn kind_of(path: &Path, language_id: &str) -> Kind {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    if is_compose_name(&name) || language_id == "dockercompose" {
        Kind::Compose
    } else if is_dockerfile_name(&name) || language_id == "dockerfile" {
        Kind::Dockerfile
    } else {
        Kind::Other
    }
}

/// The path of a `file://` URI (percent-decoded); `None` for any other scheme.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path`: only the local host (empty or `localhost`) names a path here.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let mut bytes = Vec::with_capacity(rest.len());
    let mut input = rest.bytes();
    while let Some(b) = input.next() {
        if b == b'%' {
            let hex = [input.next()?, input.next()?];
            let hex = std::str::from_utf8(&hex).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

/// The `file://` URI of an absolute path, percent-encoding what a URI path may not hold.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let mut uri = String::from("file://");
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(b as char)
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    #[test]
    fn uris_and_paths_round_trip() {
        let path = Path::new("/tmp/a dir/é/Dockerfile");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20dir/%C3%A9/Dockerfile");
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        let other: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&other), None);
    }

    #[test]
    fn incremental_changes_apply_in_order_in_utf16() {
        let mut documents = Documents::default();
        let uri: Uri = "file:///w/Dockerfile".parse().unwrap();
        let text = "FROM a\nRUN é x\n".to_string();
        documents.open(uri.clone(), "dockerfile", 1, text);
        let edit = |l1, c1, l2, c2, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.into(),
        };
        // `x` is at UTF-16 column 6 (after `é`, one unit); the second edit sees the first's result.
        let changes = vec![edit(1, 6, 1, 7, "yz"), edit(0, 5, 0, 6, "b\n")];
        documents.change(&uri, 2, changes, Encoding::Utf16);
        let document = documents.get(&uri).unwrap();
        assert_eq!(document.text, "FROM b\n\nRUN é yz\n");
        assert_eq!(document.version, 2);
    }
}
