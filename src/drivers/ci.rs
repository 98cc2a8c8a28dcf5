//! CI files: GitLab CI (`.gitlab-ci.yml`: `script`, `before_script`, `after_script` lines) and GitHub
//! Actions workflows (`.github/workflows/*.yml`: `run:` steps, and `docker/build-push-action` steps with
//! `context`, `file`, `target` and `build-args`). Both build from the repository's root.
use std::path::Path;

use super::command::{assign, invocation};
use super::value::{classify, known_value, resolved, Vars};
use super::{build_args, dockerfile_of, AddArg, Context, DriverKind, Invocation, PassedArg};
use crate::compose::yaml::{parse_yaml, Node, NodeKind};
use crate::parse::shell::{split_commands, Framing, ShellKind};
use crate::source::SourceFile;

/// The builds a CI file starts; `root` is the directory builds run in (the repository's root).
pub fn invocations(kind: DriverKind, root: &Path, path: &Path, text: &str) -> Vec<Invocation> {
    let file = SourceFile::new(path.to_path_buf(), String::new(), text.to_string());
    let Ok(tree) = parse_yaml(&file) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(kind, root, text, &tree, &mut out);
    out.sort_by_key(|i| i.span.start);
    out
}

fn walk(kind: DriverKind, root: &Path, text: &str, node: &Node, out: &mut Vec<Invocation>) {
    match &node.kind {
        NodeKind::Map(entries) => {
            if let Some(build) = build_push_action(kind, root, text, node) {
                out.push(build);
            }
            for (key, value) in entries.iter().filter(|(k, _)| k.is_local()) {
                let lines = matches!(
                    key.as_str(),
                    Some("script" | "before_script" | "after_script" | "run")
                );
                if lines {
                    let mut vars = Vars::new();
                    for line in scalars(value) {
                        shell(kind, root, text, line, &mut vars, out);
                    }
                } else {
                    walk(kind, root, text, value, out);
                }
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|i| walk(kind, root, text, i, out)),
        _ => {}
    }
}

/// A scalar, or the scalars of a sequence (GitLab's `script:` list), written in this file.
fn scalars(node: &Node) -> Vec<&Node> {
    match &node.kind {
        NodeKind::Scalar(_) if node.is_local() => vec![node],
        NodeKind::Seq(items) => items.iter().flat_map(scalars).collect(),
        _ => Vec::new(),
    }
}

/// The shell text of a scalar as written: a block scalar's lines after its header, a quoted one's
/// inside its quotes. Returns it with its offset in the file.
fn shell_text<'t>(text: &'t str, node: &Node) -> (&'t str, usize) {
    let raw = &text[node.defined.clone()];
    let start = node.defined.start;
    if raw.starts_with(['|', '>']) {
        let header = raw.find('\n').map_or(raw.len(), |i| i + 1);
        return (&raw[header..], start + header);
    }
    if raw.len() >= 2 && raw.starts_with(['"', '\'']) {
        return (&raw[1..raw.len() - 1], start + 1);
    }
    (raw, start)
}

fn shell(
    kind: DriverKind,
    root: &Path,
    text: &str,
    node: &Node,
    vars: &mut Vars,
    out: &mut Vec<Invocation>,
) {
    let (shell, base) = shell_text(text, node);
    let framing = Framing::Instruction { escape: '\\' };
    for command in split_commands(shell, base, framing, ShellKind::Posix) {
        assign(&command, vars);
        out.extend(invocation(kind, &command, text, root, vars));
    }
}

/// A `uses: docker/build-push-action@…` step and its `with:` inputs.
fn build_push_action(kind: DriverKind, root: &Path, text: &str, step: &Node) -> Option<Invocation> {
    let (uses_key, uses) = step.entry("uses")?;
    if !uses.as_str()?.starts_with("docker/build-push-action") {
        return None;
    }
    let with = step.get("with");
    let add_arg = match step.is_local() && uses.is_local() {
        true => {
            build_args::place(text, (uses_key, uses), step.entry("with")).map(AddArg::BuildArgs)
        }
        false => None,
    };
    let input = |name: &str| {
        with.and_then(|w| w.get(name))
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    // `${{ github.workspace }}` is the checkout, where builds run; other expressions (a matrix entry,
    // an input) are not known here.
    let known =
        |text: &str| known_value(&text.replace("${{ github.workspace }}", "."), &Vars::new());
    let context = input("context").unwrap_or_else(|| ".".into());
    let context = Context::named(root, &context, known(&context));
    let target = input("target").map(|t| known(&t));
    let dockerfile = dockerfile_of(Some(root), input("file").map(|f| known(&f)), &context)
        .filter(|_| target.as_ref().is_none_or(Option::is_some));
    let mut args = Vec::new();
    if let Some(node) = with
        .and_then(|w| w.get("build-args"))
        .filter(|n| n.is_local())
    {
        let (lines, base) = shell_text(text, node);
        let mut at = 0;
        for line in lines.split_inclusive('\n') {
            let entry = line.trim();
            let lead = line.len() - line.trim_start().len();
            if let Some((name, value)) = entry.split_once('=') {
                let (value_kind, origin) = classify(value, &Vars::new());
                args.push(PassedArg {
                    name: name.trim().to_string(),
                    value: value_kind,
                    text: resolved(value, &Vars::new()),
                    span: base + at + lead..base + at + lead + entry.len(),
                    origin,
                });
            }
            at += line.len();
        }
    }
    let file = input("file").unwrap_or_else(|| "Dockerfile".into());
    Some(Invocation {
        kind,
        span: uses.defined.clone(),
        command: format!("docker buildx build -f {file} ."),
        dockerfile_span: with.and_then(|w| w.get("file")).map(|n| n.defined.clone()),
        dockerfile,
        context,
        target: target.flatten(),
        args,
        compose: false,
        add_arg,
    })
}
