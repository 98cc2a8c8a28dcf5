//! YAML text → a tree of nodes with byte spans, through `serde-saphyr`.
//!
//! A generic tree rather than typed structs: serde-saphyr gives a span to every node (keys included) only
//! through `Spanned<T>`, and `Spanned` loses its spans inside serde's buffered `untagged` enums, while
//! compose's `build` and `args` each come in several shapes. Merge keys (`<<: *a`) are applied by the
//! parser; a merged node keeps the alias as its `referenced` span and its anchor text as `defined`.
use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

use crate::source::SourceFile;

/// One YAML node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    /// Where this node is used: its own text, or the alias (`*a`) that brought it here.
    pub referenced: Range<usize>,
    /// Where this node is written (inside the anchor for an alias or a merged entry). A scalar's span
    /// covers its text with its quotes; a block collection's is empty, at its first entry; a flow
    /// collection's is its opening bracket.
    pub defined: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    Null,
    Scalar(String),
    Seq(Vec<Node>),
    /// Entries in document order; entries merged with `<<` follow the mapping's own entries.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// Whether the node is written here, not brought in by an alias or a merge key.
    pub fn is_local(&self) -> bool {
        self.referenced == self.defined
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The entry of a mapping with this key.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.entries()
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }
}

/// Why a file is not valid YAML, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub span: Range<usize>,
    pub message: String,
}

/// Parses a YAML document, with limits that stop alias bombs (`&a [*b, *b, …]` nested) and other
/// blow-ups long before they cost memory or time: a compose file has a few thousand nodes at most.
pub fn parse_yaml(file: &SourceFile) -> Result<Node, YamlError> {
    let options = serde_saphyr::options! {
        with_snippet: false,
        // Compose reads YAML 1.2: `n`, `y`, `on`, `off` are strings (service names, arg names).
        strict_booleans: true,
        budget: serde_saphyr::budget! {
            max_nodes: 50_000,
            max_events: 200_000,
            max_aliases: 5_000,
            max_depth: 64,
            max_documents: 1,
            max_total_scalar_bytes: 8 << 20,
            // A ratio of aliases to anchors rejects ordinary files (100 services `<<: *defaults`);
            // the replay limits below already bound what aliases can cost.
            enforce_alias_anchor_ratio: false,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
            max_replay_stack_depth: 16,
        },
    };
    match serde_saphyr::from_str_with_options::<Option<Spanned<Raw>>>(&file.text, options) {
        Ok(Some(raw)) => Ok(convert(file, raw)),
        Ok(None) => Ok(Node {
            kind: NodeKind::Null,
            referenced: 0..0,
            defined: 0..0,
        }),
        Err(error) => Err(yaml_error(file, &error)),
    }
}

fn yaml_error(file: &SourceFile, error: &serde_saphyr::Error) -> YamlError {
    // Our span shows where; keep the text on one line.
    let message: String = message(error)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let at = error
        .location()
        .map_or(file.text.len(), |l| offset(file, &l));
    let end = file.text[at..]
        .chars()
        .next()
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(at, |c| at + c.len_utf8());
    YamlError {
        span: at..end,
        message,
    }
}

/// The parser's error in words for the user: the limits are ours (named with what they bound), and
/// the parser's own text never names its API (`DuplicateKeyPolicy`, `Options`, `Debug` output).
fn message(error: &serde_saphyr::Error) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    use serde_saphyr::Error as E;
    use serde_saphyr::MessageFormatter;
    let mut error = error;
    while let E::AliasError { error: inner, .. } | E::WithSnippet { error: inner, .. } = error {
        error = inner;
    }
    let limit =
        |what: &str| format!("the file has more {what} than cachebust reads in a compose file");
    match error {
        E::Budget { breach, .. } => match breach {
            B::Documents { .. } => {
                "the file holds more than one YAML document (`---`); cachebust reads compose files \
                 of one document"
                    .into()
            }
            B::Depth { .. } => "collections nest deeper than 64 levels".into(),
            B::Nodes { .. } => limit("nodes (50,000)"),
            B::Events { .. } => limit("YAML events (200,000)"),
            B::Aliases { .. } => limit("aliases (5,000)"),
            B::Anchors { .. } => limit("anchors"),
            B::ScalarBytes { .. } => limit("text in its values (8 MiB)"),
            B::MergeKeys { .. } => limit("merge keys (`<<`)"),
            _ => "the file is larger or more complex than cachebust reads in a compose file".into(),
        },
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => {
            "its aliases expand to more than cachebust reads (100,000 events): an alias bomb?"
                .into()
        }
        E::AliasReplayStackDepthExceeded { .. } => {
            "aliases refer to aliases more than 16 deep".into()
        }
        E::DuplicateMappingKey { key: Some(key), .. } => {
            format!("the key `{key}` appears twice in one mapping; compose rejects it too")
        }
        E::DuplicateMappingKey { key: None, .. } => {
            "a key appears twice in one mapping; compose rejects it too".into()
        }
        E::UnknownAnchor { .. } => {
            "an alias (`*name`) refers to an anchor (`&name`) that is not defined before it".into()
        }
        E::MultipleDocuments { .. } => {
            "the file holds more than one YAML document (`---`); cachebust reads compose files of \
             one document"
                .into()
        }
        other => match serde_saphyr::UserMessageFormatter.format_message(other) {
            // The scanner's own depth guard.
            text if text == "recursion limit exceeded" => {
                "collections nest deeper than cachebust reads".into()
            }
            text => text.into_owned(),
        },
    }
}

/// A location's byte offset; errors of the scanner carry only a line and column.
fn offset(file: &SourceFile, location: &Location) -> usize {
    let span = location.span();
    match span.byte_offset() {
        Some(at) => (at as usize).min(file.text.len()),
        None => file.offset(location.line() as usize, location.column() as usize),
    }
}

fn range(file: &SourceFile, location: &Location) -> Range<usize> {
    let start = offset(file, location);
    let len = location.span().byte_len().unwrap_or(0) as usize;
    start..(start + len).min(file.text.len())
}

fn convert(file: &SourceFile, raw: Spanned<Raw>) -> Node {
    let referenced = range(file, &raw.referenced);
    let defined = range(file, &raw.defined);
    let kind = match raw.value {
        Raw::Null => NodeKind::Null,
        Raw::Str(s) => NodeKind::Scalar(s),
        // A number or boolean as written (`1.10`, `0x1F`), never as re-printed from its value.
        Raw::Typed => NodeKind::Scalar(file.text[defined.clone()].to_string()),
        Raw::Seq(items) => NodeKind::Seq(items.into_iter().map(|i| convert(file, i)).collect()),
        Raw::Map(entries) => NodeKind::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(file, k), convert(file, v)))
                .collect(),
        ),
    };
    Node {
        kind,
        referenced,
        defined,
    }
}

/// The node as serde-saphyr hands it over, before its spans become byte ranges.
enum Raw {
    Null,
    Str(String),
    Typed,
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Raw, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Raw, E> {
        Ok(Raw::Typed)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Raw, E> {
        Ok(Raw::Typed)
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Raw, E> {
        Ok(Raw::Typed)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Raw, E> {
        Ok(Raw::Typed)
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Raw, E> {
        Ok(Raw::Typed)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Raw, E> {
        Ok(Raw::Typed)
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Typed)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Raw::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Node, YamlError> {
        parse_yaml(&SourceFile::new(
            "c.yaml".into(),
            "c.yaml".into(),
            text.into(),
        ))
    }

    #[test]
    fn spans_and_merges() {
        let text = "x: &b\n  args: {A: 1}\ns:\n  n:\n    <<: *b\n    on: \"q\"\n";
        let root = parse(text).unwrap();
        let n = root.get("s").unwrap().get("n").unwrap();
        let (on_key, on) = n.entry("on").expect("`on` is a string key in YAML 1.2");
        assert_eq!(&text[on_key.defined.clone()], "on");
        assert_eq!(&text[on.defined.clone()], "\"q\"");
        assert_eq!(on.as_str(), Some("q"));
        let (args_key, args) = n.entry("args").unwrap();
        assert!(!args_key.is_local());
        assert_eq!(&text[args_key.referenced.clone()], "*b");
        assert_eq!(args.get("A").unwrap().as_str(), Some("1"));
    }

    #[test]
    fn errors_have_a_position_even_without_a_byte_offset() {
        let text = "services:\r\n  a: [\r\n";
        let error = parse(text).unwrap_err();
        assert!(error.span.start >= text.find('[').unwrap(), "{error:?}");
        assert!(!error.message.contains("at line"), "{error:?}");
    }

    #[test]
    fn alias_bombs_stop_early() {
        let mut text = String::from("a: &a [1,1,1,1,1,1,1,1,1]\n");
        for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip("abcdefgh".chars())
        {
            let alias = format!("*{prev},").repeat(9);
            text += &format!("{name}: &{name} [{}]\n", alias.trim_end_matches(','));
        }
        // 9^9 (387 million) values if expanded; a bound on work (nodes, replayed events) stops it and
        // the error names it: a bound, not a timed test, which fails on a loaded machine.
        let error = parse(&text).unwrap_err();
        assert!(error.message.contains("than cachebust reads"), "{error:?}");
    }

    /// 100 services merging one anchor is an ordinary file (it was "budget breached: AliasAnchorRatio").
    #[test]
    fn many_merges_of_one_anchor_are_ordinary() {
        let mut text = String::from("x-d: &d\n  build: .\nservices:\n");
        for i in 0..100 {
            text += &format!("  s{i}:\n    <<: *d\n");
        }
        let root = parse(&text).unwrap();
        let s99 = root.get("services").unwrap().get("s99").unwrap();
        assert_eq!(s99.get("build").and_then(Node::as_str), Some("."));
    }

    /// Every message is written for the user: no parser API, no `Debug` output.
    #[test]
    fn messages_are_for_users() {
        let cases = [
            (
                "a: 1\n---\nb: 2\n",
                "the file holds more than one YAML document (`---`); cachebust reads compose files of one document",
            ),
            (
                "a:\n  b: 1\n  b: 2\n",
                "the key `b` appears twice in one mapping; compose rejects it too",
            ),
            ("a: [\n", "unclosed bracket '['"),
        ];
        for (text, message) in cases {
            assert_eq!(parse(text).unwrap_err().message, message, "{text}");
        }
        let deep = format!("a: {}{}\n", "[".repeat(1000), "]".repeat(1000));
        let error = parse(&deep).unwrap_err().message;
        assert!(error.starts_with("collections nest deeper"), "{error}");
        let mut bomb = String::from("a: &a [1,1,1,1,1,1,1,1,1]\n");
        for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip("abcdefgh".chars())
        {
            let alias = format!("*{prev},").repeat(9);
            bomb += &format!("{name}: &{name} [{}]\n", alias.trim_end_matches(','));
        }
        let error = parse(&bomb).unwrap_err().message;
        assert!(!error.contains('{') && !error.contains("budget"), "{error}");
    }
}
