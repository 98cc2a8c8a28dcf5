//! HCL bake files, through hcl-edit (spans on every node, and the file's own text to fix).
use std::collections::HashMap;

use hcl_edit::expr::{Expression, Object};
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;

use super::{template, Bake, Target, Value, Variable, Variables, PER_BUILD};
use crate::drivers::{AddArg, ValueKind};
use crate::finding::Edit;

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
pub(super) fn syntax_error(text: &str) -> Option<(String, usize)> {
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

/// The bake file's targets, groups and variables; `None` when it does not parse.
pub(super) fn read(text: &str) -> Option<Bake> {
    let body = hcl_edit::parser::parse_body(text).ok()?;
    let variables = variables(&body, text);
    let grouped = blocks(&body, "group")
        .flat_map(|(_, b)| strings(b.body.get_attribute("targets").map(|a| &a.value)))
        .collect();
    let names_of_vars: Vec<String> = variables.keys().cloned().collect();
    let mut targets = Vec::new();
    for (name, block) in blocks(&body, "target") {
        let mut attributes = HashMap::new();
        for key in ["context", "dockerfile", "target"] {
            if let Some(attribute) = block.body.get_attribute(key) {
                let mut value = evaluate(&attribute.value, text, &variables);
                value.span = attribute.span().unwrap_or(0..0);
                attributes.insert(key, value);
            }
        }
        let mut args = Vec::new();
        if let Some(object) = block
            .body
            .get_attribute("args")
            .and_then(|a| a.value.as_object())
        {
            for (key, value) in object.iter() {
                let key_text = key.span().map_or(String::new(), |s| text[s].to_string());
                let mut evaluated = evaluate(value.expr(), text, &variables);
                evaluated.span =
                    key.span().unwrap_or(0..0).start..value.expr().span().map_or(0, |s| s.end);
                args.push((key_text.trim_matches('"').to_string(), evaluated));
            }
        }
        let header = block.span().unwrap_or(0..0).start
            ..block
                .labels
                .last()
                .and_then(Span::span)
                .map_or(block.span().unwrap_or(0..0).end, |s| s.end);
        targets.push(Target {
            name,
            header,
            inherits: strings(block.body.get_attribute("inherits").map(|a| &a.value)),
            attributes,
            args,
            inline: block.body.has_attribute("dockerfile-inline"),
            fix: fix_place(block, text, text.len(), names_of_vars.clone()).map(AddArg::Bake),
        });
    }
    Some(Bake { targets, grouped })
}

/// The labelled blocks `kind` of the body, by their first label.
fn blocks<'b>(body: &'b Body, kind: &'b str) -> impl Iterator<Item = (String, &'b Block)> + 'b {
    body.get_blocks(kind)
        .filter_map(|b| Some((b.labels.first()?.as_str().to_string(), b)))
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
fn variables(body: &Body, text: &str) -> Variables {
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
        let variable = Variable::new(&name, raw, default.and_then(Expression::as_str), span);
        out.insert(name, variable);
    }
    out
}

/// What an expression holds: a string literal, a `"${VAR}"` template, a bare variable, or something
/// bake computes (not known here).
fn evaluate(value: &Expression, text: &str, variables: &Variables) -> Value {
    let span = value.span().unwrap_or(0..0);
    let raw = &text[span.clone()];
    let opaque = |kind| Value {
        kind,
        text: raw.to_string(),
        origin: None,
        known: false,
        span: span.clone(),
    };
    if PER_BUILD.iter().any(|f| raw.contains(f)) {
        return opaque(ValueKind::PerBuild);
    }
    if let Some(literal) = value.as_str() {
        return Value {
            kind: ValueKind::Constant(literal.to_string()),
            text: literal.to_string(),
            origin: None,
            known: !literal.is_empty(),
            span,
        };
    }
    if let Some(name) = value.as_variable() {
        let Some(var) = variables.get(name.as_str()) else {
            return Value {
                text: String::new(),
                ..opaque(ValueKind::Environment(name.to_string()))
            };
        };
        return Value {
            kind: var.kind.clone(),
            text: var.text.clone(),
            origin: (var.kind == ValueKind::PerBuild).then(|| var.span.clone()),
            known: var.set && !var.text.is_empty(),
            span,
        };
    }
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => template(inner, variables, span.clone()),
        None => opaque(ValueKind::Environment(raw.to_string())),
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
