//! CB004's fix: YAML text edits that make a service pass a changing cache-bust value, in the file's own
//! style. Every edit is re-parsed before it is offered: the service must then pass each arg with a
//! `${…}` value and keep every other arg, its context, Dockerfile and target; otherwise there is no fix.
use super::interpolate::has_interpolation;
use super::model::{services, Arg, Build, Origin, Service};
use super::yaml::{parse_yaml, Node};
use crate::finding::Edit;
use crate::source::SourceFile;

mod insert;
#[cfg(test)]
mod tests;

/// How the fix changes the service's `build`, for its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Entries appended to `args`, or an `args` block added.
    Added,
    /// `build: ./dir` rewritten as a mapping with `context:`.
    LongForm,
    /// A local `args` beside a merge key, with the anchor's args copied into it.
    BesideMerge,
}

/// What to pass: `${VARIABLE:-default}`.
pub fn changing_value(variable: &str, default: &str) -> String {
    format!("${{{variable}:-{default}}}")
}

/// The edit that adds `NAME: ${NAME<suffix>:-default}` for each name to the build's args (the service's
/// own variable, `CACHE_BUST: ${CACHE_BUST_API:-unknown}`), or why there is none.
pub fn add_args(
    file: &SourceFile,
    service: &Service<'_>,
    build: &Build<'_>,
    names: &[String],
    suffix: &str,
    default: &str,
) -> Result<(Edit, Shape), String> {
    let text = &file.text;
    match build.origin() {
        Origin::Inherited => {
            return Err(format!(
                "this service inherits `build` through a merge key (`{}`); pass the arg where that \
                 `build` is written, or give the service a `build` of its own",
                &text[build.key.referenced.clone()]
            ))
        }
        Origin::Alias => {
            return Err(format!(
            "`build: {}` is an alias of a mapping that other services may share; add the arg to \
                 the anchored mapping, or give the service a `build` of its own",
            &text[build.value.referenced.clone()]
        ))
        }
        Origin::Local => {}
    }
    let plan = insert::Plan {
        file,
        names,
        suffix,
        default,
    };
    let (edit, shape) = match build.args {
        _ if build.value.as_str().is_some() => (plan.long_form(service, build)?, Shape::LongForm),
        Some((key, value)) if key.is_local() => {
            if !value.is_local() {
                return Err(format!(
                    "`args: {}` is an alias that other services may share; add the arg to the \
                     anchored args, or give the service args of its own",
                    &text[value.referenced.clone()]
                ));
            }
            (plan.append(build, key, value)?, Shape::Added)
        }
        Some((_, value)) => (plan.beside_merge(build, value)?, Shape::BesideMerge),
        None => (plan.new_args(build)?, Shape::Added),
    };
    verify(file, service, &edit, names).map(|()| (edit, shape))
}

/// The edit that turns a constant arg into `${VARIABLE:-constant}`: the same value until one is passed.
pub fn pass_changing(
    file: &SourceFile,
    service: &Service<'_>,
    build: &Build<'_>,
    arg: &Arg<'_>,
    variable: &str,
) -> Result<Edit, String> {
    let node = arg.value_node;
    let constant = arg.value.as_deref().unwrap_or_default();
    if !node.is_local() || !arg.node.is_local() {
        return Err(format!(
            "`{}` comes from an anchor that other services may share",
            arg.name
        ));
    }
    if constant.contains(['$', '}', '\n']) {
        return Err(format!(
            "`{constant}` cannot be a `${{…}}` default as it is"
        ));
    }
    let flow = build
        .args
        .is_some_and(|(_, v)| file.text[v.defined.clone()].starts_with(['{', '[']));
    let value = changing_value(variable, constant);
    let written = if arg.listed {
        format!("{}={value}", arg.name)
    } else {
        value
    };
    let quote = super::layout::quote_of(&file.text, node.defined.start);
    let edit = Edit {
        range: node.defined.clone(),
        content: super::layout::scalar(&written, quote, flow),
    };
    verify(file, service, &edit, std::slice::from_ref(&arg.name)).map(|()| edit)
}

/// Re-parses the edited file: the service must pass every name with a `${…}` value and keep all else.
fn verify(
    file: &SourceFile,
    service: &Service<'_>,
    edit: &Edit,
    names: &[String],
) -> Result<(), String> {
    let refuse = || "the edit could not be checked to keep the file's meaning".to_string();
    let mut text = file.text.clone();
    text.replace_range(edit.range.clone(), &edit.content);
    let after = SourceFile::new(file.path.clone(), file.display.clone(), text);
    let root = parse_yaml(&after).map_err(|_| refuse())?;
    let fixed = services(&root).ok_or_else(refuse)?;
    let Some(build) = fixed
        .iter()
        .find(|s| s.name == service.name)
        .and_then(|s| s.build.as_ref())
    else {
        return Err(refuse());
    };
    let before = service.build.as_ref().ok_or_else(refuse)?;
    let fields = |b: &Build<'_>| {
        [b.context, b.dockerfile, b.inline, b.target]
            .map(|n| n.and_then(Node::as_str).map(str::to_string))
    };
    let fields_kept = fields(before) == fields(build);
    let now = build.args();
    let value = |name: &str| now.iter().find(|a| a.name == name).map(|a| &a.value);
    let args_kept = before
        .args()
        .iter()
        .all(|a| names.contains(&a.name) || value(&a.name) == Some(&a.value));
    let passed = names
        .iter()
        .all(|n| value(n).is_some_and(|v| v.as_deref().is_some_and(has_interpolation)));
    let count_kept = now.len()
        == before
            .args()
            .iter()
            .filter(|a| !names.contains(&a.name))
            .count()
            + names.len();
    if fields_kept && args_kept && passed && count_kept {
        Ok(())
    } else {
        Err(refuse())
    }
}
