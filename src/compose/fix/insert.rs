//! The text of each kind of insertion into a service's `build`: entries appended to `args` (block or
//! flow, map or list), a new `args` block, the long form of `build: ./dir`, and a local `args` beside a
//! merge key. New lines follow the file's line endings and the indentation of their neighbours.
use super::changing_value;
use crate::compose::layout::{
    block_end, column, flow_end, line_end, line_start, quote_of, reindent, scalar, starts_line,
};
use crate::compose::model::{Build, Service};
use crate::compose::yaml::{Node, NodeKind};
use crate::finding::Edit;
use crate::source::SourceFile;

/// The names to pass and the file to edit.
pub struct Plan<'a> {
    pub file: &'a SourceFile,
    pub names: &'a [String],
    /// What each name's variable adds to it: `_API` passes `CACHE_BUST` as `${CACHE_BUST_API:-…}`.
    pub suffix: &'a str,
    pub default: &'a str,
}

/// How `args` is written.
#[derive(Clone, Copy)]
enum Style {
    Map { quote: Option<char>, flow: bool },
    List { quote: Option<char>, flow: bool },
}

const NOT_BLOCK: &str = "its `build` is not laid out in a way this fix can extend safely";

impl Plan<'_> {
    fn text(&self) -> &str {
        &self.file.text
    }

    fn entries(&self, style: Style) -> Vec<String> {
        self.names
            .iter()
            .map(|name| {
                let value = changing_value(&format!("{name}{}", self.suffix), self.default);
                match style {
                    Style::Map { quote, flow } => {
                        format!("{name}: {}", scalar(&value, quote, flow))
                    }
                    Style::List { quote, flow } => scalar(&format!("{name}={value}"), quote, flow),
                }
            })
            .collect()
    }

    /// Block lines `NAME: value` at `indent`, each after a line break.
    fn block_lines(&self, indent: usize, style: Style, dash: &str) -> String {
        let newline = self.file.newline();
        self.entries(style)
            .iter()
            .map(|e| format!("{newline}{}{dash}{e}", " ".repeat(indent)))
            .collect()
    }

    /// Appends to the service's own `args`.
    pub fn append(&self, build: &Build<'_>, key: &Node, args: &Node) -> Result<Edit, String> {
        let text = self.text();
        let at = args.defined.start;
        let flow = text[at..].starts_with(['{', '[']);
        let last = match &args.kind {
            NodeKind::Map(e) => e.last().map(|(_, v)| v),
            NodeKind::Seq(items) => items.last(),
            _ => None,
        };
        let quote = last.and_then(|v| quote_of(text, v.defined.start));
        let style = match args.kind {
            NodeKind::Seq(_) => Style::List { quote, flow },
            _ => Style::Map { quote, flow },
        };
        match &args.kind {
            NodeKind::Null => {
                let indent = column(text, key.defined.start) + self.unit(build);
                let content = self.block_lines(indent, style, "");
                Ok(Edit::insert(line_end(text, key.defined.start), content))
            }
            _ if flow => self.flow_insert(at, &self.entries(style)),
            NodeKind::Map(_) if starts_line(text, at) => {
                let indent = column(text, at);
                let end = block_end(text, at, indent, false);
                Ok(Edit::insert(end, self.block_lines(indent, style, "")))
            }
            NodeKind::Seq(items) => {
                let (dash, item) = first_dash(text, items).ok_or(NOT_BLOCK)?;
                let indent = column(text, dash);
                let end = block_end(text, dash, indent, true);
                let gap = format!("-{}", &text[dash + 1..item]);
                Ok(Edit::insert(end, self.block_lines(indent, style, &gap)))
            }
            _ => Err(NOT_BLOCK.into()),
        }
    }

    /// Adds an `args` mapping to a build that has none.
    pub fn new_args(&self, build: &Build<'_>) -> Result<Edit, String> {
        let text = self.text();
        let at = build.value.defined.start;
        let style = Style::Map {
            quote: None,
            flow: true,
        };
        if text[at..].starts_with('{') {
            let args = format!("args: {{{}}}", self.entries(style).join(", "));
            return self.flow_insert(at, &[args]);
        }
        if !starts_line(text, at) {
            return Err(NOT_BLOCK.into());
        }
        let indent = column(text, at);
        let content = format!(
            "{}{}args:{}",
            self.file.newline(),
            " ".repeat(indent),
            self.block_lines(
                indent + self.unit(build),
                Style::Map {
                    quote: None,
                    flow: false
                },
                ""
            )
        );
        Ok(Edit::insert(block_end(text, at, indent, false), content))
    }

    /// `build: ./dir` → `build:` with `context: ./dir` and `args:` below it (or a flow mapping where the
    /// service itself is written in flow style).
    pub fn long_form(&self, service: &Service<'_>, build: &Build<'_>) -> Result<Edit, String> {
        let text = self.text();
        let (key, value) = (&build.key.defined, &build.value.defined);
        let path = &text[value.clone()];
        let colon = text[key.end..value.start]
            .find(':')
            .map(|i| key.end + i + 1);
        let block = text[service.value.defined.clone()].is_empty()
            && line_start(text, key.start) == line_start(text, value.start);
        let Some(colon) = colon.filter(|_| block) else {
            let args = self
                .entries(Style::Map {
                    quote: None,
                    flow: true,
                })
                .join(", ");
            return Ok(Edit {
                range: value.clone(),
                content: format!("{{context: {path}, args: {{{args}}}}}"),
            });
        };
        let unit = column(text, key.start)
            .checked_sub(column(text, service.key.defined.start))
            .filter(|u| *u > 0)
            .unwrap_or(2);
        let indent = column(text, key.start) + unit;
        let (newline, pad) = (self.file.newline(), " ".repeat(indent));
        let style = Style::Map {
            quote: None,
            flow: false,
        };
        let args = self.block_lines(indent + unit, style, "");
        // A comment after the path stays beside it, on the `context:` line.
        let end = line_end(text, value.end);
        let rest = &text[value.end..end];
        Ok(Edit {
            range: colon..end,
            content: format!("{newline}{pad}context: {path}{rest}{newline}{pad}args:{args}"),
        })
    }

    /// A local `args` beside `<<: *anchor`, holding the anchor's args and the new ones: YAML's merge
    /// takes a whole `args` value from one side, so a local `args` must repeat the anchor's entries.
    pub fn beside_merge(&self, build: &Build<'_>, merged: &Node) -> Result<Edit, String> {
        let text = self.text();
        let at = build.value.defined.start;
        if !starts_line(text, at) {
            return Err(NOT_BLOCK.into());
        }
        let indent = column(text, at);
        let inner = indent + self.unit(build);
        let (newline, pad) = (self.file.newline(), " ".repeat(inner));
        let from = merged.defined.start;
        let copied = match &merged.kind {
            NodeKind::Null => self.block_lines(
                inner,
                Style::Map {
                    quote: None,
                    flow: false,
                },
                "",
            ),
            _ if text[from..].starts_with(['{', '[']) => {
                let (close, _) = flow_end(text, from).ok_or(NOT_BLOCK)?;
                if text[from..close].contains('\n') {
                    return Err(NOT_BLOCK.into());
                }
                let flow = self.flow_with(from, &self.flow_entries(merged))?;
                format!(" {flow}")
            }
            NodeKind::Map(_) | NodeKind::Seq(_) => {
                let (seq, (first, item)) = match &merged.kind {
                    NodeKind::Seq(items) => (true, first_dash(text, items).ok_or(NOT_BLOCK)?),
                    _ => (false, (from, from)),
                };
                if !starts_line(text, first) {
                    return Err(NOT_BLOCK.into());
                }
                let column = column(text, first);
                let end = block_end(text, first, column, seq);
                let block = &text[line_start(text, first)..end];
                let moved = reindent(block, column, &pad, newline).ok_or(NOT_BLOCK)?;
                let gap = if seq {
                    format!("-{}", &text[first + 1..item])
                } else {
                    String::new()
                };
                let last = match &merged.kind {
                    NodeKind::Map(e) => e.last().map(|(_, v)| v),
                    NodeKind::Seq(items) => items.last(),
                    _ => None,
                };
                let quote = last.and_then(|v| quote_of(text, v.defined.start));
                let style = if seq {
                    Style::List { quote, flow: false }
                } else {
                    Style::Map { quote, flow: false }
                };
                format!("{newline}{moved}{}", self.block_lines(inner, style, &gap))
            }
            NodeKind::Scalar(_) => return Err(NOT_BLOCK.into()),
        };
        let content = format!("{newline}{}args:{copied}", " ".repeat(indent));
        Ok(Edit::insert(block_end(text, at, indent, false), content))
    }

    fn flow_entries(&self, args: &Node) -> Vec<String> {
        let quote = match &args.kind {
            NodeKind::Map(e) => e
                .last()
                .and_then(|(_, v)| quote_of(self.text(), v.defined.start)),
            NodeKind::Seq(i) => i
                .last()
                .and_then(|v| quote_of(self.text(), v.defined.start)),
            _ => None,
        };
        let quote = quote.or(Some('"'));
        match args.kind {
            NodeKind::Seq(_) => self.entries(Style::List { quote, flow: true }),
            _ => self.entries(Style::Map { quote, flow: true }),
        }
    }

    /// The flow collection opened at `open` with the entries added before its closing bracket.
    fn flow_with(&self, open: usize, entries: &[String]) -> Result<String, String> {
        let edit = self.flow_insert(open, entries)?;
        let (close, _) = flow_end(self.text(), open).ok_or(NOT_BLOCK)?;
        let text = self.text();
        Ok(format!(
            "{}{}{}",
            &text[open..edit.range.start],
            edit.content,
            &text[edit.range.start..=close]
        ))
    }

    /// Inserts entries into the flow collection opened at `open`, after its last entry.
    fn flow_insert(&self, open: usize, entries: &[String]) -> Result<Edit, String> {
        let text = self.text();
        let (_, last) = flow_end(text, open).ok_or(NOT_BLOCK)?;
        let joined = entries.join(", ");
        let content = if last == open + 1 {
            joined
        } else if text[..last].ends_with(',') {
            format!(" {joined}")
        } else {
            format!(", {joined}")
        };
        Ok(Edit::insert(last, content))
    }

    /// The indentation step inside `build`: its entries' column less the key's, else the file's habit.
    fn unit(&self, build: &Build<'_>) -> usize {
        let text = self.text();
        column(text, build.value.defined.start)
            .checked_sub(column(text, build.key.defined.start))
            .filter(|u| *u > 0 && build.value.defined.is_empty())
            .unwrap_or(2)
    }
}

/// The `-` of a block sequence's first item and the start of that item's text, when the `-` starts its
/// line (after indentation).
fn first_dash(text: &str, items: &[Node]) -> Option<(usize, usize)> {
    let item = items.first()?.defined.start;
    let dash = text[..item].rfind('-')?;
    let between = text[dash + 1..item].chars().all(|c| c == ' ');
    (between && starts_line(text, dash)).then_some((dash, item))
}
