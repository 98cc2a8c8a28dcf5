//! Bake files (`docker-bake.hcl`, `docker-bake.json`, their `.override` twins, other `*.hcl` named on
//! the command line): `target`s with `context`, `dockerfile`, `target`, `args` and `inherits` (resolved in
//! order), `group`s, and `variable`s whose defaults the environment overrides, as `docker buildx bake`
//! does. `timestamp()`, `formattimestamp()` and `uuidv4()` change on every build.
//!
//! Each syntax is read into one [`Bake`] model (`hcl.rs` through hcl-edit, `json.rs` through the YAML
//! reader, whose nodes carry spans); the builds are made from the model once.
mod hcl;
mod json;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use super::{dockerfile_of, AddArg, Context, DriverKind, Invocation, PassedArg, ValueKind};

pub use hcl::BakeFix;

/// Functions whose value is new on every build.
const PER_BUILD: &[&str] = &["timestamp(", "formattimestamp(", "uuidv4("];

/// A bake file as the builds need it, whatever its syntax.
struct Bake {
    targets: Vec<Target>,
    /// The targets the file's groups name.
    grouped: Vec<String>,
}

/// One `target`, its own attributes evaluated (inheritance is applied when the builds are made).
struct Target {
    name: String,
    /// Where findings about the whole build go: the block's header, or the JSON key.
    header: Range<usize>,
    inherits: Vec<String>,
    /// `context`, `dockerfile` and `target`, when the target sets them.
    attributes: HashMap<&'static str, Value>,
    /// `args` entries, each spanning its key and value.
    args: Vec<(String, Value)>,
    /// A `dockerfile-inline` target: its Dockerfile is in the bake file, not checked.
    inline: bool,
    fix: Option<AddArg>,
}

/// What a value holds, its text with the variables in place, the variable that decided it.
struct Value {
    kind: ValueKind,
    text: String,
    origin: Option<Range<usize>>,
    /// Whether the text is what bake will use: every variable it reads has a value here.
    known: bool,
    span: Range<usize>,
}

/// A `variable`: its value (the environment's, else its default) and what kind it is.
struct Variable {
    kind: ValueKind,
    text: String,
    span: Range<usize>,
    /// Whether it has a value here: a default, or the environment's.
    set: bool,
}

type Variables = HashMap<String, Variable>;

impl Variable {
    /// The variable `name` with its default as written (`raw`) and as a string (`literal`): the
    /// environment overrides the default, as bake does.
    fn new(name: &str, raw: &str, literal: Option<&str>, span: Range<usize>) -> Variable {
        match std::env::var(name) {
            Ok(value) => Variable {
                kind: ValueKind::Environment(name.to_string()),
                text: value,
                span,
                set: true,
            },
            Err(_) if PER_BUILD.iter().any(|f| raw.contains(f)) => Variable {
                kind: ValueKind::PerBuild,
                text: raw.to_string(),
                span,
                set: false,
            },
            Err(_) => Variable {
                kind: ValueKind::Environment(name.to_string()),
                text: literal.unwrap_or("").to_string(),
                span,
                set: literal.is_some(),
            },
        }
    }
}

/// A string template's value (`${VAR}` and `${VAR}-suffix`, the inside of its quotes), at `span`.
fn template(inner: &str, variables: &Variables, span: Range<usize>) -> Value {
    if PER_BUILD.iter().any(|f| inner.contains(f)) {
        return Value {
            kind: ValueKind::PerBuild,
            text: inner.to_string(),
            origin: None,
            known: false,
            span,
        };
    }
    let mut resolved = String::new();
    let (mut kind, mut origin, mut known) = (None, None, true);
    let mut rest = inner;
    while let Some(at) = rest.find("${") {
        resolved.push_str(&rest[..at]);
        let Some(close) = rest[at..].find('}') else {
            known = false;
            break;
        };
        let name = rest[at + 2..at + close].trim();
        match variables.get(name) {
            Some(var) => {
                resolved.push_str(&var.text);
                known &= var.set;
                if kind.is_none() || var.kind == ValueKind::PerBuild {
                    kind = Some(var.kind.clone());
                    origin = Some(var.span.clone());
                }
            }
            None => {
                // Not a variable of the file (a function call, an unknown name): not known here.
                resolved.push_str(&rest[at..at + close + 1]);
                kind = Some(ValueKind::Environment(name.to_string()));
                known = false;
            }
        }
        rest = &rest[at + close + 1..];
    }
    resolved.push_str(rest);
    let (kind, origin) = match kind {
        Some(ValueKind::PerBuild) => (ValueKind::PerBuild, origin),
        Some(kind) => (kind, None),
        None => (ValueKind::Constant(resolved.clone()), None),
    };
    Value {
        kind,
        known: known && !resolved.is_empty(),
        text: resolved,
        origin,
        span,
    }
}

/// The parse error of a bake file, as a message and the offset it starts at.
pub fn syntax_error(path: &Path, text: &str) -> Option<(String, usize)> {
    match is_json(path) {
        true => json::syntax_error(text),
        false => hcl::syntax_error(text),
    }
}

fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json")
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

/// The builds the bake file at `path` starts: each target that a group names or no other target
/// inherits, with what it inherits applied.
pub fn invocations(path: &Path, text: &str) -> Vec<Invocation> {
    let dir = path.parent().unwrap_or(Path::new(""));
    let bake = match is_json(path) {
        true => json::read(text),
        false => hcl::read(text),
    };
    let Some(bake) = bake else {
        return Vec::new();
    };
    let targets: HashMap<&str, &Target> = bake.targets.iter().map(|t| (&*t.name, t)).collect();
    let inherited: Vec<&String> = bake.targets.iter().flat_map(|t| &t.inherits).collect();
    let mut out = Vec::new();
    for target in &bake.targets {
        let name = &target.name;
        if !bake.grouped.contains(name) && inherited.contains(&name) {
            continue;
        }
        let mut chain = Vec::new();
        lineage(name, &targets, &mut chain, 0);
        if chain.iter().any(|t| t.inline) {
            continue;
        }
        let attribute = |key: &str| chain.iter().rev().find_map(|t| t.attributes.get(key));
        let known = |key: &str| attribute(key).map(|v| v.known.then(|| v.text.clone()));
        let context_text = attribute("context").map_or(".", |v| &v.text);
        let context_value = known("context").unwrap_or(Some(".".into()));
        let from = match (&context_value, known("dockerfile")) {
            (Some(context), Some(Some(file))) => invoked_from(dir, context, &file),
            (Some(context), None) => invoked_from(dir, context, "Dockerfile"),
            _ => dir.to_path_buf(),
        };
        let context = Context::named(&from, context_text, context_value);
        let stage = known("target");
        // Bake reads `dockerfile` relative to the context.
        let dockerfile = dockerfile_of(None, known("dockerfile"), &context)
            .filter(|_| stage.as_ref().is_none_or(Option::is_some));
        let mut args: Vec<PassedArg> = Vec::new();
        for (name, value) in chain.iter().flat_map(|t| &t.args) {
            args.retain(|a| &a.name != name);
            args.push(PassedArg {
                name: name.clone(),
                value: value.kind.clone(),
                text: value.text.clone(),
                span: value.span.clone(),
                origin: value.origin.clone(),
            });
        }
        out.push(Invocation {
            kind: DriverKind::Bake,
            span: target.header.clone(),
            command: format!("docker buildx bake {name}"),
            dockerfile,
            dockerfile_span: attribute("dockerfile").map(|v| v.span.clone()),
            context,
            target: stage.flatten(),
            args,
            compose: false,
            add_arg: target.fix.clone(),
        });
    }
    out
}

/// The target `name` after the targets it inherits, in the order bake applies them (parents first).
fn lineage<'b>(
    name: &str,
    targets: &HashMap<&str, &'b Target>,
    chain: &mut Vec<&'b Target>,
    depth: usize,
) {
    let Some(target) = targets.get(name) else {
        return;
    };
    if depth > 16 || chain.iter().any(|t| std::ptr::eq(*t, *target)) {
        return;
    }
    for parent in &target.inherits {
        lineage(parent, targets, chain, depth + 1);
    }
    chain.push(target);
}

#[cfg(test)]
mod props;
