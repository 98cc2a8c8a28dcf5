//! Pins whose ref comes from an `ARG` default (or an `ENV` value): the default is rewritten to the commit (`ARG
//! TOOLKIT_REF=3f2a…`, with `# cachebust: track main` above the `ARG`), not each use, so every layer
//! that reads the arg follows the pin and a `--build-arg` still overrides it.
use std::ops::Range;

use crate::checks::analysis::Layer;
use crate::checks::Analysis;
use crate::detect::RemoteSource;
use crate::model::{ArgDecl, ItemKind};

/// An `ARG` default that carries a source's ref: the declaration and where its value is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgRef {
    pub name: String,
    /// The `ARG` instruction.
    pub instruction: Range<usize>,
    /// The default's bytes (inside its quotes, if quoted).
    pub value: Range<usize>,
}

/// The `ARG` default that holds `source`'s ref, when the ref is exactly one build arg's value; an
/// error when a commit cannot take its place (`git clone -b` and `cargo install --branch` need a
/// branch or tag name). `None`: the ref does not come from an arg default.
pub fn arg_ref(
    analysis: &Analysis<'_>,
    layer: &Layer,
    source: &RemoteSource,
) -> Option<Result<ArgRef, String>> {
    let text = &analysis.file.text;
    let reference = source.reference.as_deref()?;
    // The fetching command's variables first, then the layer's (a later `git checkout $REF`).
    let words = [source.command.clone(), layer.span.clone()].map(|span| {
        variables(&text[span.clone()])
            .into_iter()
            .map(move |(at, name)| (span.start, span.start + at, name))
    });
    for (start, at, name) in words.into_iter().flatten() {
        let Some((decl, value)) = declaration(analysis, layer, name) else {
            continue;
        };
        if text[value.clone()] != *reference || decl.default.as_deref() != Some(reference) {
            continue;
        }
        if takes_a_branch(&text[start..at]) {
            return Some(Err(format!(
                "the ref comes from `ARG {name}` and is a branch option's value, which a commit \
                 cannot replace: pin the clone by hand"
            )));
        }
        return Some(Ok(ArgRef {
            name: name.to_string(),
            instruction: decl.span.clone(),
            value,
        }));
    }
    None
}

/// Every `ARG` and `ENV` instruction of the file (global `ARG`s first), with what it declares (an
/// `ENV` pair as a declaration with its value as the default).
pub fn arg_instructions(analysis: &Analysis<'_>) -> Vec<(Range<usize>, Vec<ArgDecl>)> {
    let dockerfile = &analysis.dockerfile;
    let mut out: Vec<(Range<usize>, Vec<ArgDecl>)> = Vec::new();
    if !dockerfile.global_args.is_empty() {
        let mut global: Vec<(Range<usize>, Vec<ArgDecl>)> = Vec::new();
        for decl in &dockerfile.global_args {
            match global.last_mut() {
                Some((span, decls)) if *span == decl.span => decls.push(decl.clone()),
                _ => global.push((decl.span.clone(), vec![decl.clone()])),
            }
        }
        out.extend(global);
    }
    for item in dockerfile.stages.iter().flat_map(|s| &s.items) {
        if item.onbuild {
            continue;
        }
        match &item.kind {
            ItemKind::Arg(decls) => out.push((item.span.clone(), decls.clone())),
            ItemKind::Env(pairs) => out.push((item.span.clone(), env_decls(item, pairs))),
            _ => {}
        }
    }
    out
}

/// An `ENV` instruction's pairs as declarations whose defaults are their values.
fn env_decls(item: &crate::model::Item, pairs: &[(String, String)]) -> Vec<ArgDecl> {
    pairs
        .iter()
        .map(|(name, value)| ArgDecl {
            name: name.clone(),
            default: Some(value.clone()),
            span: item.span.clone(),
        })
        .collect()
}

/// Where `decl`'s default is written in its instruction (inside its quotes), if it has one.
pub fn default_range(text: &str, decl: &ArgDecl) -> Option<Range<usize>> {
    let default = decl.default.as_deref()?;
    let instruction = &text[decl.span.clone()];
    let key = format!("{}=", decl.name);
    let mut from = 0;
    while let Some(found) = instruction[from..].find(&key) {
        let at = from + found;
        from = at + key.len();
        let bounded = instruction[..at].ends_with(char::is_whitespace);
        let rest = &instruction[from..];
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
        let start = from + quote.map_or(0, char::len_utf8);
        if bounded && instruction[start..].starts_with(default) {
            let end = start + default.len();
            let closed = match quote {
                Some(q) => instruction[end..].starts_with(q),
                None => instruction[end..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace),
            };
            if closed {
                return Some(decl.span.start + start..decl.span.start + end);
            }
        }
    }
    None
}

/// The declaration of `name` the layer sees, with its default's range: the last `ENV name=…` of the
/// layer's stage before it (an `ENV` overrides an `ARG` of the same name), else its last `ARG name`, a
/// default-less one taking the global `ARG`'s default.
fn declaration(
    analysis: &Analysis<'_>,
    layer: &Layer,
    name: &str,
) -> Option<(ArgDecl, Range<usize>)> {
    let dockerfile = &analysis.dockerfile;
    let stage = dockerfile.stages.get(layer.stage)?;
    let before = || {
        stage.items[..layer.item.min(stage.items.len())]
            .iter()
            .rev()
            .filter(|i| !i.onbuild)
    };
    let env = before().find_map(|i| match &i.kind {
        ItemKind::Env(pairs) => env_decls(i, pairs)
            .into_iter()
            .rev()
            .find(|d| d.name == name),
        _ => None,
    });
    let decl = match env {
        Some(decl) => decl,
        None => {
            let decl = before().find_map(|i| match &i.kind {
                ItemKind::Arg(decls) => decls.iter().rev().find(|d| d.name == name),
                _ => None,
            })?;
            if decl.default.is_some() {
                decl.clone()
            } else {
                dockerfile
                    .global_args
                    .iter()
                    .rev()
                    .find(|d| d.name == name)?
                    .clone()
            }
        }
    };
    let value = default_range(&analysis.file.text, &decl)?;
    Some((decl, value))
}

/// Whether `text` reads the variable `name` (`$NAME` or `${NAME}`).
pub fn reads(text: &str, name: &str) -> bool {
    variables(text).iter().any(|(_, n)| *n == name)
}

/// The names of the `$NAME` and `${NAME}` references in `text`, each with its offset.
fn variables(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices('$') {
        let braced = bytes.get(at + 1) == Some(&b'{');
        let start = at + 1 + usize::from(braced);
        let len = text[start..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let closed = !braced || bytes.get(start + len) == Some(&b'}');
        if len > 0 && closed {
            out.push((at, &text[start..start + len]));
        }
    }
    out
}

/// Whether the word before a variable is a branch option (`-b`, `--branch`, `--branch=`).
fn takes_a_branch(before: &str) -> bool {
    let before = before.trim_end_matches(['"', '\'']);
    let option = before
        .strip_suffix('=')
        .unwrap_or(before.trim_end())
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or_default();
    matches!(option, "-b" | "--branch")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_and_branch_options_are_read() {
        assert_eq!(
            variables("git clone -b ${REF} $URL/x $ {A} ${B"),
            vec![(13, "REF"), (20, "URL")]
        );
        assert!(takes_a_branch("git clone -b "));
        assert!(takes_a_branch("git clone -b \""));
        assert!(takes_a_branch("cargo install --branch="));
        assert!(!takes_a_branch("pip install git+https://h/o/r@"));
        assert!(!takes_a_branch("git -C /src checkout "));
    }
}
