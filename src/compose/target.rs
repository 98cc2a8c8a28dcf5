//! Which stages a build with `target:` runs, and which cache-bust args those stages declare.
use std::collections::BTreeSet;

use crate::checks::analysis::{Analysis, Place};
use crate::model::{Dockerfile, ItemKind};
use crate::source::SourceFile;

/// The stages `docker build --target` builds: the target (the last stage without one), the stages it
/// is built `FROM`, and those it copies or mounts from (`COPY --from=`, `RUN --mount=…,from=`),
/// transitively. `None` when no stage has the target's name.
pub fn built_stages(
    dockerfile: &Dockerfile,
    file: &SourceFile,
    target: Option<&str>,
) -> Option<Vec<usize>> {
    let last = dockerfile.stages.len().checked_sub(1)?;
    let start = match target {
        None => last,
        Some(name) => stage_index(dockerfile, name)?,
    };
    let mut built = BTreeSet::new();
    let mut todo = vec![start];
    while let Some(stage) = todo.pop() {
        if !built.insert(stage) {
            continue;
        }
        todo.extend(dockerfile.stages[stage].parent);
        for item in dockerfile.stages[stage].items.iter().filter(|i| !i.onbuild) {
            let text = &file.text[item.span.clone()];
            todo.extend(
                stage_refs(text, matches!(item.kind, ItemKind::Run(_)))
                    .filter_map(|name| stage_index(dockerfile, name))
                    .filter(|&s| s < dockerfile.stages.len()),
            );
        }
    }
    Some(built.into_iter().collect())
}

/// The cache-bust args declared (not under `ONBUILD`) in the given stages, in declaration order.
pub fn bust_args(analysis: &Analysis<'_>, stages: &[usize]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for bust in &analysis.busts {
        let in_build = matches!(bust.place, Place::Stage { stage, .. } if stages.contains(&stage));
        if in_build && bust.repo.is_none() && !bust.onbuild && !names.contains(&bust.name) {
            names.push(bust.name.clone());
        }
    }
    names
}

/// The [`bust_args`] a build must pass a value: a bust whose remote layers are all pinned (with the
/// values the build passes, in `analysis`) would only rebuild for nothing (CB007 says so).
pub fn needed_bust_args(analysis: &Analysis<'_>, stages: &[usize]) -> Vec<String> {
    bust_args(analysis, stages)
        .into_iter()
        .filter(|name| {
            !analysis
                .busts
                .iter()
                .filter(|b| &b.name == name && b.repo.is_none() && !b.onbuild)
                .all(|b| only_pinned(analysis, b))
        })
        .collect()
}

/// Whether every remote layer `bust` reaches is pinned (and it reaches at least one).
fn only_pinned(analysis: &Analysis<'_>, bust: &crate::checks::analysis::Bust) -> bool {
    let mut reached = analysis
        .layers
        .iter()
        .filter(|l| !l.sources.is_empty() && analysis.reaches(bust, l))
        .peekable();
    reached.peek().is_some() && reached.all(|l| analysis.mutable_sources(l).next().is_none())
}

/// Every arg name the Dockerfile declares, before `FROM` or in any stage.
pub fn declared_args(dockerfile: &Dockerfile) -> BTreeSet<String> {
    let staged = dockerfile
        .stages
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|i| match &i.kind {
            ItemKind::Arg(decls) => Some(decls),
            _ => None,
        })
        .flatten();
    dockerfile
        .global_args
        .iter()
        .chain(staged)
        .map(|a| a.name.clone())
        .collect()
}

/// A stage by name (case-insensitive, as Docker does) or by index.
fn stage_index(dockerfile: &Dockerfile, name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    dockerfile
        .stages
        .iter()
        .position(|s| s.name.as_deref() == Some(lower.as_str()))
        .or_else(|| name.parse().ok())
}

/// The stage names an instruction's flags refer to: `--from=NAME` of `COPY`/`ADD`, and the `from=NAME`
/// of a `RUN --mount=…`. Flags come right after the keyword, so reading up to the first other word is enough.
fn stage_refs(text: &str, run: bool) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .skip_while(|w| w.eq_ignore_ascii_case("ONBUILD"))
        .skip(1)
        .filter(|w| *w != "\\" && *w != "`")
        .take_while(|w| w.starts_with("--"))
        .filter_map(move |flag| {
            if run {
                flag.strip_prefix("--mount=")?
                    .split(',')
                    .find_map(|kv| kv.strip_prefix("from="))
            } else {
                flag.strip_prefix("--from=")
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build_dockerfile;
    use crate::parse::dockerfile::parse_dockerfile;

    fn stages(text: &str, target: Option<&str>) -> Option<Vec<usize>> {
        let file = SourceFile::new("Dockerfile".into(), "Dockerfile".into(), text.into());
        let ast = parse_dockerfile(&file).unwrap();
        built_stages(&build_dockerfile(&file, &ast), &file, target)
    }

    #[test]
    fn targets_follow_from_copy_and_mounts() {
        let text = "FROM a AS src\nFROM b AS tools\nFROM src AS build\n\
                    RUN --mount=type=bind,from=tools,target=/t make\n\
                    FROM c AS dev\nFROM c AS final\nCOPY --from=build /x /x\n";
        assert_eq!(stages(text, None), Some(vec![0, 1, 2, 4]));
        assert_eq!(stages(text, Some("DEV")), Some(vec![3]));
        assert_eq!(stages(text, Some("build")), Some(vec![0, 1, 2]));
        assert_eq!(stages(text, Some("nope")), None);
    }
}
