//! JSON bake files (`docker-bake.json`): `{"variable": {"V": {"default": …}}, "group": {"g": {"targets":
//! […]}}, "target": {"t": {"context": …, "args": {…}, "inherits": […]}}}`, strings interpolating
//! `${VAR}` as HCL's do. serde_json says whether the file is JSON; the YAML reader (JSON is YAML) gives
//! every node its span for the findings.
use std::collections::HashMap;

use super::{template, Bake, Target, Value, Variable, Variables};
use crate::compose::yaml::{parse_yaml, Node, NodeKind};
use crate::drivers::ValueKind;
use crate::source::SourceFile;

/// Why the file is not JSON, and the offset where it stops.
pub(super) fn syntax_error(text: &str) -> Option<(String, usize)> {
    let error = serde_json::from_str::<serde_json::Value>(text).err()?;
    let line_start: usize = text
        .split_inclusive('\n')
        .take(error.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let at = (line_start + error.column().saturating_sub(1)).min(text.len());
    let at = (0..=at)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let message = error.to_string();
    // serde_json ends its message with the place, which the report shows anyway.
    let message = message.split(" at line ").next().unwrap_or(&message);
    Some((message.to_string(), at))
}

/// The bake file's targets, groups and variables; `None` when it is not JSON of that shape.
pub(super) fn read(text: &str) -> Option<Bake> {
    syntax_error(text).is_none().then_some(())?;
    let file = SourceFile::new("docker-bake.json".into(), String::new(), text.to_string());
    let root = parse_yaml(&file).ok()?;
    let mut variables = Variables::new();
    for (key, block) in entries(root.get("variable")) {
        let Some(name) = key.as_str() else { continue };
        let default = block.get("default");
        let span = default.map_or(key.defined.clone(), |d| d.defined.clone());
        let raw = default.map_or("", |d| &text[d.defined.clone()]);
        let literal = default.and_then(Node::as_str);
        variables.insert(name.to_string(), Variable::new(name, raw, literal, span));
    }
    let grouped = entries(root.get("group"))
        .flat_map(|(_, group)| strings(group.get("targets")))
        .collect();
    let mut targets = Vec::new();
    for (key, body) in entries(root.get("target")) {
        let Some(name) = key.as_str() else { continue };
        let mut attributes = HashMap::new();
        for attribute in ["context", "dockerfile", "target"] {
            if let Some((k, v)) = body.entry(attribute) {
                let mut value = evaluate(v, text, &variables);
                value.span = k.defined.start..v.defined.end;
                attributes.insert(attribute, value);
            }
        }
        let args = entries(body.get("args"))
            .filter_map(|(k, v)| {
                let mut value = evaluate(v, text, &variables);
                value.span = k.defined.start..v.defined.end;
                Some((k.as_str()?.to_string(), value))
            })
            .collect();
        targets.push(Target {
            name: name.to_string(),
            header: key.defined.clone(),
            inherits: strings(body.get("inherits")),
            attributes,
            args,
            inline: body.get("dockerfile-inline").is_some(),
            fix: None,
        });
    }
    Some(Bake { targets, grouped })
}

/// The entries of an object, or none.
fn entries(node: Option<&Node>) -> impl Iterator<Item = &(Node, Node)> {
    node.map(Node::entries).unwrap_or_default().iter()
}

/// The strings of an array.
fn strings(node: Option<&Node>) -> Vec<String> {
    match node.map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// A JSON value: a string is a template (`"${VAR}"` interpolates); a number or a boolean is a constant.
fn evaluate(node: &Node, text: &str, variables: &Variables) -> Value {
    let span = node.defined.clone();
    let raw = &text[span.clone()];
    match node.as_str() {
        Some(value) if raw.starts_with('"') => template(value, variables, span),
        Some(value) => Value {
            kind: ValueKind::Constant(value.to_string()),
            text: value.to_string(),
            origin: None,
            known: true,
            span,
        },
        None => Value {
            kind: ValueKind::Environment(raw.to_string()),
            text: raw.to_string(),
            origin: None,
            known: false,
            span,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_variables_and_groups_are_read_with_their_spans() {
        let text = "{\"variable\": {\"B\": {\"default\": \"main\"}, \"U\": {}},\n\
                    \"group\": {\"default\": {\"targets\": [\"app\"]}},\n\
                    \"target\": {\"app\": {\"dockerfile\": \"${U}\", \"target\": \"${B}-x\",\n\
                    \"args\": {\"REF\": \"${B}\", \"N\": 1}, \"inherits\": [\"base\"]}}}\n";
        let bake = read(text).expect("a bake file");
        assert_eq!(bake.grouped, ["app"]);
        let app = &bake.targets[0];
        assert_eq!(&text[app.header.clone()], "\"app\"");
        assert_eq!(app.inherits, ["base"]);
        let stage = &app.attributes["target"];
        assert_eq!((stage.text.as_str(), stage.known), ("main-x", true));
        assert!(!app.attributes["dockerfile"].known, "U has no default");
        let (name, reference) = &app.args[0];
        assert_eq!(name, "REF");
        assert_eq!(&text[reference.span.clone()], "\"REF\": \"${B}\"");
        assert_eq!(reference.kind, ValueKind::Environment("B".into()));
        assert_eq!(app.args[1].1.kind, ValueKind::Constant("1".into()));
    }

    #[test]
    fn a_file_that_is_not_json_is_located() {
        let text = "{\n  \"target\": {\n    \"app\": {,}\n  }\n}\n";
        let (message, at) = syntax_error(text).expect("an error");
        assert_eq!(&text[at..at + 1], ",", "{message}");
        assert!(read(text).is_none());
        assert!(syntax_error("{\"target\": {}}").is_none());
    }
}
