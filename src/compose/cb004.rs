//! CB004 compose-cache-bust-not-passed: a service builds a Dockerfile whose cache-bust arg it never
//! passes, or passes as a constant, so the value never changes and the bust never happens.
use super::fix::{add_args, changing_value, pass_changing, Shape};
use super::interpolate::has_interpolation;
use super::merge::Merged;
use crate::catalogue::known;
use crate::finding::{Applicability, Finding, Fix, Label};
use crate::settings::Settings;
use crate::source::SourceFile;

/// Reports the bust args of `names` that the merged service does not pass with a changing value.
/// `shown` names the Dockerfile in messages.
pub fn check(
    files: &[SourceFile],
    merged: &Merged<'_>,
    names: &[String],
    suffix: &str,
    shown: &str,
    settings: &Settings,
    findings: &mut [Vec<Finding>],
) {
    // The service's own variable (`CACHE_BUST_API`): `cachebust exec` gives it the value of the
    // remotes this service builds, so another service's remote does not rebuild it.
    let variable = |name: &str| format!("{name}{suffix}");
    let args = merged.args();
    let passed = |name: &String| args.iter().find(|(_, a)| &a.name == name);
    let missing: Vec<String> = names
        .iter()
        .filter(|n| passed(n).is_none())
        .cloned()
        .collect();
    if !missing.is_empty() {
        let (home, service, build) = merged.home();
        let file = &files[home];
        let fix = match over_budget(file, &findings[home]) {
            Some(why) => Err(why),
            None => add_args(
                file,
                service,
                build,
                &missing,
                suffix,
                &settings.fix_default,
            ),
        };
        let values = missing
            .iter()
            .map(|n| {
                format!(
                    "`{n}: {}`",
                    changing_value(&variable(n), &settings.fix_default)
                )
            })
            .collect::<Vec<_>>()
            .join(" and ");
        let list = quoted_list(&missing);
        let mut help = format!(
            "`docker compose build` passes {shown} only the args in `build.args`: without a value that \
             changes per build, {list} keeps its default and the remote layers after it stay cached. \
             Add {values} to `build.args` and build with `cachebust exec -- docker compose build`, \
             which sets `{}` to the head commits of the remotes this service builds.",
            variable(&missing[0])
        );
        let fix = match fix {
            Ok((edit, shape)) => Some(Fix {
                title: title(shape, &values, &file.text[build.value.defined.clone()]),
                applicability: Applicability::Safe,
                edits: vec![edit],
            }),
            Err(why) => {
                help += &format!(" No automatic fix: {why}.");
                None
            }
        };
        findings[home].push(Finding {
            code: "CB004",
            severity: known("CB004").severity,
            message: format!(
                "service `{}` never passes {list} to {shown}, so its cache bust never happens",
                merged.name
            ),
            span: build.key.referenced.clone(),
            label: format!("builds {shown} without {list}"),
            related: Vec::new(),
            help,
            fix,
        });
    }
    for name in names {
        let Some((index, arg)) = passed(name) else {
            continue;
        };
        let Some(constant) = arg.value.as_deref().filter(|v| !has_interpolation(v)) else {
            continue;
        };
        let Some((_, service, build)) = merged.builds().find(|(i, ..)| i == index) else {
            continue;
        };
        let file = &files[*index];
        let value = changing_value(&variable(name), constant);
        let mut help = format!(
            "`{name}` is always `{constant}` here, so the layers it should rebuild stay cached. Pass \
             `{value}` (the same value until one is set) and build with \
             `cachebust exec -- docker compose build`, which sets `{}` to the head commits of the \
             remotes this service builds.",
            variable(name)
        );
        let checked = match over_budget(file, &findings[*index]) {
            Some(why) => Err(why),
            None => pass_changing(file, service, build, arg, &variable(name)),
        };
        let fix = match checked {
            Ok(edit) => Some(Fix {
                title: format!("Pass `{value}` instead of the constant `{constant}`"),
                applicability: Applicability::Safe,
                edits: vec![edit],
            }),
            Err(why) => {
                help += &format!(" No automatic fix: {why}.");
                None
            }
        };
        findings[*index].push(Finding {
            code: "CB004",
            severity: known("CB004").severity,
            message: format!(
                "service `{}` passes `{name}` as the constant `{constant}`, so its cache bust never happens",
                merged.name
            ),
            span: build.key.referenced.clone(),
            label: format!("builds {shown} with a `{name}` that never changes"),
            related: vec![Label {
                span: arg.value_node.referenced.clone(),
                text: format!("always `{constant}`"),
            }],
            help,
            fix,
        });
    }
}

/// How much YAML the fixes of one file may re-parse in one lint to check themselves (each check parses
/// the whole file). Past it a finding comes without a fix, so that a file of thousands of services is
/// linted in seconds rather than hours (the checks grew as services times file size).
const FIX_CHECK_BUDGET: usize = 8 << 20;

/// Why the next finding of `file` gets no fix: the budget is spent.
fn over_budget(file: &SourceFile, findings: &[Finding]) -> Option<String> {
    let tried = findings.iter().filter(|f| f.code == "CB004").count();
    ((tried + 1) * file.text.len() > FIX_CHECK_BUDGET).then(|| {
        "this file has too many of these findings to check every fix at once; run `--fix` again"
            .to_string()
    })
}

fn title(shape: Shape, values: &str, build: &str) -> String {
    match shape {
        Shape::Added => format!("Add {values} to `build.args`"),
        Shape::LongForm => {
            format!("Write `build: {build}` in the long form, with `context:`, and add {values} to its args")
        }
        Shape::BesideMerge => format!(
            "Add a local `build.args` beside the merge key with the anchor's args and {values} \
             (a merge takes `args` whole, so the anchor's entries are repeated; the anchor is left alone)"
        ),
    }
}

/// `` `A` `` or `` `A` and `B` ``.
pub fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" and ")
}
