//! Bake files (`docker-bake.hcl`, `docker-bake.override.hcl`, other `*.hcl` named on the command line):
//! `target` blocks with `context`, `dockerfile`, `target`, `args` and `inherits` (resolved in order),
//! `group`s, and `variable`s whose defaults the environment overrides, as `docker buildx bake` does.
//! `timestamp()`, `formattimestamp()` and `uuidv4()` change on every build.
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use hcl_edit::expr::{Expression, Object};
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;

use super::{AddArg, Context, DriverKind, Invocation, PassedArg, ValueKind};
use crate::finding::Edit;

/// Functions whose value is new on every build.
const PER_BUILD: &[&str] = &["timestamp(", "formattimestamp(", "uuidv4("];

/// A `variable` block: its value (the environment's, else its default) and what kind it is.
struct Variable {
    kind: ValueKind,
    text: String,
    span: Range<usize>,
}

/// Where a fix adds an arg to a target: into its `args` object, or a new `args` attribute in its block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BakeFix {
    /// The entry to insert into `args`: offset and the text around the entry.
    at: usize,
    before: String,
    after: String,
    /// Where `variable "NAME" { default = "unknown" }` goes when the file has no such variable.
    variable_at: Option<usize>,
    variables: Vec<String>,
}

impl BakeFix {
    pub fn edits(&self, name: &str) -> Vec<Edit> {
        let entry = format!("{}{name} = \"${{{name}}}\"{}", self.before, self.after);
        let mut edits = vec![Edit::insert(self.at, entry)];
        if let Some(at) = self
            .variable_at
            .filter(|_| !self.variables.iter().any(|v| v == name))
        {
            edits.push(Edit::insert(
                at,
                format!("\nvariable \"{name}\" {{\n  default = \"unknown\"\n}}\n"),
            ));
        }
        edits
    }
}

/// The parse error of a bake file, as a message and the offset it starts at.
pub fn syntax_error(text: &str) -> Option<(String, usize)> {
    let error = hcl_edit::parser::parse_body(text).err()?;
    let location = error.location();
    let line_start: usize = text
        .split_inclusive('\n')
        .take(location.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let at = (line_start + location.column().saturating_sub(1)).min(text.len());
    Some((error.message().to_string(), at))
}

/// The directory bake runs from. Bake resolves `context` against its working directory, not the bake
/// file's (docker/buildx#1028), so `docker buildx bake -f docker/docker-bake.hcl` run at the top of a
/// repository reads `docker/base.Dockerfile` from there: the bake file's directory when the Dockerfile
/// is there, else the nearest enclosing directory (up to the repository's top) where it is.
fn invoked_from(dir: &Path, context: &str, file: &str) -> std::path::PathBuf {
    let found = |d: &Path| d.join(context).join(file).is_file();
    if found(dir) {
        return dir.to_path_buf();
    }
    for up in dir.ancestors().skip(1) {
        if found(up) {
            return up.to_path_buf();
        }
        if up.join(".git").exists() {
            break;
        }
    }
    dir.to_path_buf()
}

/// The builds a bake file starts: each target that a group names or no other target inherits.
pub fn invocations(dir: &Path, text: &str) -> Vec<Invocation> {
    let Ok(body) = hcl_edit::parser::parse_body(text) else {
        return Vec::new();
    };
    let variables = variables(&body, text);
    let targets: HashMap<String, &Block> = blocks(&body, "target").collect();
    let grouped: Vec<String> = blocks(&body, "group")
        .flat_map(|(_, b)| strings(b.body.get_attribute("targets").map(|a| &a.value)))
        .collect();
    let inherited: Vec<String> = targets
        .values()
        .flat_map(|b| strings(b.body.get_attribute("inherits").map(|a| &a.value)))
        .collect();
    let mut names: Vec<&String> = targets
        .keys()
        .filter(|n| grouped.contains(n) || !inherited.contains(n))
        .collect();
    names.sort_by_key(|n| targets[*n].span().map_or(0, |s| s.start));
    let names_of_vars: Vec<String> = variables.keys().cloned().collect();
    let end = text.len();
    let mut out = Vec::new();
    for name in names {
        let block = targets[name];
        let mut chain = Vec::new();
        lineage(name, &targets, &mut chain, 0);
        let attr = |key: &str| -> Option<String> {
            chain.iter().rev().find_map(|b| {
                let value = &b.body.get_attribute(key)?.value;
                Some(evaluate(value, text, &variables).1)
            })
        };
        if chain
            .iter()
            .any(|b| b.body.has_attribute("dockerfile-inline"))
        {
            continue;
        }
        let context = attr("context").unwrap_or_else(|| ".".into());
        let file = attr("dockerfile").unwrap_or_else(|| "Dockerfile".into());
        let context = if context.contains("://") || context.starts_with("git@") {
            Context::Remote
        } else {
            Context::Dir(invoked_from(dir, &context, &file).join(&context))
        };
        let dockerfile = match &context {
            Context::Dir(d) => d.join(&file),
            Context::Remote => dir.join(&file),
        };
        let mut args: Vec<PassedArg> = Vec::new();
        for b in &chain {
            let Some(object) = b
                .body
                .get_attribute("args")
                .and_then(|a| a.value.as_object())
            else {
                continue;
            };
            for (key, value) in object.iter() {
                let key_text = key.span().map_or(String::new(), |s| text[s].to_string());
                let name = key_text.trim_matches('"').to_string();
                let (kind, resolved, origin) = evaluate(value.expr(), text, &variables);
                let span =
                    key.span().unwrap_or(0..0).start..value.expr().span().map_or(0, |s| s.end);
                args.retain(|a| a.name != name);
                args.push(PassedArg {
                    name,
                    value: kind,
                    text: resolved,
                    span,
                    origin,
                });
            }
        }
        let header = block.span().unwrap_or(0..0).start
            ..block
                .labels
                .last()
                .and_then(Span::span)
                .map_or(block.span().unwrap_or(0..0).end, |s| s.end);
        let dockerfile_span = chain
            .iter()
            .rev()
            .find_map(|b| b.body.get_attribute("dockerfile").and_then(Span::span));
        out.push(Invocation {
            kind: DriverKind::Bake,
            span: header,
            command: format!("docker buildx bake {name}"),
            dockerfile,
            dockerfile_span,
            context,
            target: attr("target"),
            args,
            compose: false,
            add_arg: fix_place(block, text, end, names_of_vars.clone()).map(AddArg::Bake),
        });
    }
    out
}

/// The labelled blocks `kind` of the body, by their first label.
fn blocks<'b>(body: &'b Body, kind: &'b str) -> impl Iterator<Item = (String, &'b Block)> + 'b {
    body.get_blocks(kind)
        .filter_map(|b| Some((b.labels.first()?.as_str().to_string(), b)))
}

/// The target `name` after the targets it inherits, in the order bake applies them (parents first).
fn lineage<'b>(
    name: &str,
    targets: &HashMap<String, &'b Block>,
    chain: &mut Vec<&'b Block>,
    depth: usize,
) {
    let Some(block) = targets.get(name) else {
        return;
    };
    if depth > 16 || chain.iter().any(|b| std::ptr::eq(*b, *block)) {
        return;
    }
    for parent in strings(block.body.get_attribute("inherits").map(|a| &a.value)) {
        lineage(&parent, targets, chain, depth + 1);
    }
    chain.push(block);
}

/// The strings of an array expression (`["a", "b"]`).
fn strings(value: Option<&Expression>) -> Vec<String> {
    value
        .and_then(Expression::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The `variable` blocks: the environment overrides a default, as bake does.
fn variables(body: &Body, text: &str) -> HashMap<String, Variable> {
    let mut out = HashMap::new();
    for (name, block) in blocks(body, "variable") {
        let attribute = block.body.get_attribute("default");
        // The finding about a default is on its line, not the whole block.
        let span = attribute
            .and_then(Span::span)
            .or(block.span())
            .unwrap_or(0..0);
        let default = attribute.map(|a| &a.value);
        let raw = default.and_then(Span::span).map_or("", |s| &text[s]);
        let variable = match std::env::var(&name) {
            Ok(value) => Variable {
                kind: ValueKind::Environment(name.clone()),
                text: value,
                span,
            },
            Err(_) if PER_BUILD.iter().any(|f| raw.contains(f)) => Variable {
                kind: ValueKind::PerBuild,
                text: raw.to_string(),
                span,
            },
            Err(_) => Variable {
                kind: ValueKind::Environment(name.clone()),
                text: default
                    .and_then(Expression::as_str)
                    .unwrap_or("")
                    .to_string(),
                span,
            },
        };
        out.insert(name, variable);
    }
    out
}

/// What an expression holds, its value for the Dockerfile's resolution, and the variable that decided it.
fn evaluate(
    value: &Expression,
    text: &str,
    variables: &HashMap<String, Variable>,
) -> (ValueKind, String, Option<Range<usize>>) {
    let raw = value.span().map_or("", |s| &text[s]);
    if PER_BUILD.iter().any(|f| raw.contains(f)) {
        return (ValueKind::PerBuild, raw.to_string(), None);
    }
    if let Some(literal) = value.as_str() {
        return (
            ValueKind::Constant(literal.to_string()),
            literal.to_string(),
            None,
        );
    }
    let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"'));
    let Some(inner) = inner.or_else(|| value.as_variable().map(|v| v.as_str())) else {
        return (
            ValueKind::Environment(raw.to_string()),
            raw.to_string(),
            None,
        );
    };
    // `"${VAR}"`, `"${VAR}-suffix"` or a bare `VAR`: each variable's value in place.
    let mut resolved = String::new();
    let (mut kind, mut origin) = (None, None);
    let mut rest = inner;
    if value.is_variable() {
        rest = "";
        if let Some(var) = variables.get(inner) {
            resolved.push_str(&var.text);
            kind = Some(var.kind.clone());
            origin = Some(var.span.clone());
        }
    }
    while let Some(at) = rest.find("${") {
        resolved.push_str(&rest[..at]);
        let Some(close) = rest[at..].find('}') else {
            break;
        };
        let name = rest[at + 2..at + close].trim();
        match variables.get(name) {
            Some(var) => {
                resolved.push_str(&var.text);
                if kind.is_none() || var.kind == ValueKind::PerBuild {
                    kind = Some(var.kind.clone());
                    origin = Some(var.span.clone());
                }
            }
            None => {
                resolved.push_str(&rest[at..at + close + 1]);
                kind = Some(ValueKind::Environment(name.to_string()));
            }
        }
        rest = &rest[at + close + 1..];
    }
    resolved.push_str(rest);
    match kind {
        Some(ValueKind::PerBuild) => (ValueKind::PerBuild, resolved, origin),
        Some(kind) => (kind, resolved, None),
        None => (ValueKind::Constant(resolved.clone()), resolved, None),
    }
}

/// Where a new arg entry goes in the target's own block, in the file's own layout.
fn fix_place(
    block: &Block,
    text: &str,
    end: usize,
    variables_named: Vec<String>,
) -> Option<BakeFix> {
    let variable_at = Some(end);
    let block_span = block.span()?;
    let indent_of = |at: usize| {
        let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
        text[line..at]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect::<String>()
    };
    let block_indent = indent_of(block_span.start);
    if let Some(attr) = block.body.get_attribute("args") {
        let object: &Object = attr.value.as_object()?;
        let span = attr.value.span()?;
        let close = span.end - 1;
        let last = object.iter().last().and_then(|(k, v)| {
            let key = k.span()?;
            Some(key.start..v.expr().span()?.end)
        });
        let multi = text[span.clone()].contains('\n');
        return Some(match (last, multi) {
            (None, false) => BakeFix {
                at: close,
                before: " ".into(),
                after: " ".into(),
                variable_at,
                variables: variables_named,
            },
            (Some(last), false) => {
                let last = last.clone();
                let after_last = &text[last.end..close];
                match after_last.find(',') {
                    Some(comma) => BakeFix {
                        at: last.end + comma + 1,
                        before: " ".into(),
                        after: ",".into(),
                        variable_at,
                        variables: variables_named,
                    },
                    None => BakeFix {
                        at: last.end,
                        before: ", ".into(),
                        after: String::new(),
                        variable_at,
                        variables: variables_named,
                    },
                }
            }
            (last, true) => {
                let entry_indent = match &last {
                    Some(l) => indent_of(l.start),
                    None => format!("{}  ", indent_of(attr.span()?.start)),
                };
                let comma = last.is_some_and(|l| text[l.end..close].trim_start().starts_with(','));
                let close_line = text[..close].rfind('\n').map_or(0, |i| i + 1);
                if text[close_line..close].trim().is_empty() && close_line > span.start {
                    BakeFix {
                        at: close_line,
                        before: entry_indent,
                        after: format!("{}\n", if comma { "," } else { "" }),
                        variable_at,
                        variables: variables_named,
                    }
                } else {
                    BakeFix {
                        at: close,
                        before: format!("\n{entry_indent}"),
                        after: format!("\n{}", indent_of(close)),
                        variable_at,
                        variables: variables_named,
                    }
                }
            }
        });
    }
    // No `args` of its own: a new attribute before the block's closing brace (bake merges it over
    // the args the target inherits).
    let close = block_span.end - 1;
    let close_line = text[..close].rfind('\n').map_or(0, |i| i + 1);
    if close_line <= block_span.start || !text[close_line..close].trim().is_empty() {
        return None;
    }
    let inner = format!("{block_indent}  ");
    Some(BakeFix {
        at: close_line,
        before: format!("{inner}args = {{\n{inner}  "),
        after: format!("\n{inner}}}\n"),
        variable_at,
        variables: variables_named,
    })
}
