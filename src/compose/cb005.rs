//! CB005 compose-arg-not-declared: compose passes a cache-bust arg that the Dockerfile never declares,
//! so the value reaches no layer.
use std::collections::BTreeSet;

use super::layout::quote_of;
use super::merge::Merged;
use crate::catalogue::known;
use crate::finding::Finding;
use crate::settings::Settings;
use crate::source::SourceFile;

/// Reports each bust-named arg the merged service passes that `declared` lacks.
pub fn check(
    files: &[SourceFile],
    merged: &Merged<'_>,
    declared: &BTreeSet<String>,
    shown: &str,
    settings: &Settings,
    findings: &mut [Vec<Finding>],
) {
    for (index, arg) in merged.args() {
        if !settings.is_bust_name(&arg.name) || declared.contains(&arg.name) {
            continue;
        }
        let text = &files[index].text;
        let node = arg.node;
        // A list item's span is `NAME=value`: point at the name.
        let span = if arg.listed && node.is_local() {
            let start =
                node.defined.start + usize::from(quote_of(text, node.defined.start).is_some());
            start..start + arg.name.len()
        } else {
            node.referenced.clone()
        };
        let other = declared.iter().find(|d| d.eq_ignore_ascii_case(&arg.name));
        let (label, what_to_do) = match other {
            Some(other) => (
                format!("{shown} declares `{other}`: arg names are case-sensitive"),
                format!("Rename it to `{other}` in `build.args`."),
            ),
            None => (
                format!("not declared by {shown}"),
                format!(
                    "Declare `ARG {0}` in the stage right before its first remote layer \
                     (`cachebust check --fix` inserts one before an unbusted layer), or remove `{0}` \
                     from `build.args`.",
                    arg.name
                ),
            ),
        };
        findings[index].push(Finding {
            code: "CB005",
            severity: known("CB005").severity,
            message: format!(
                "service `{}` passes `{}` to {shown}, which never declares it: it does nothing",
                merged.name, arg.name
            ),
            span,
            label,
            related: Vec::new(),
            help: format!(
                "Docker ignores a build arg that the Dockerfile does not declare (the build warns that it \
                 was not consumed), so no layer is rebuilt. {what_to_do}"
            ),
            fix: None,
        });
    }
}
