//! One service's build: find the Dockerfile it builds (on disk or inline), then run the compose rules
//! against the stages its `target` builds.
use std::collections::HashSet;
use std::path::Path;

use super::dockerfiles::{tidy, Dockerfiles};
use super::inline::Inline;
use super::interpolate::{interpolate, nesting, Env, MAX_NESTING};
use super::merge::{Merged, Recipe};
use super::target::{built_stages, bust_args, declared_args};
use super::yaml::Node;
use super::{cb000, cb004, cb005};
use crate::checks::{check_dockerfile, Analysis};
use crate::finding::Finding;
use crate::model::{build_dockerfile, Dockerfile};
use crate::parse::dockerfile::parse_dockerfile;
use crate::settings::Settings;
use crate::source::{display_path, SourceFile};

/// How a run reads a file's bytes, as [`crate::source::read_file`] does.
pub type ReadFile<'a> = &'a (dyn Fn(&Path) -> std::io::Result<Vec<u8>> + Sync);

/// What the services of a run share: where paths are shown from, the settings, the environment that
/// interpolation reads, how files are read, the Dockerfiles linted so far, and errors to report.
pub struct Run<'a> {
    pub cwd: &'a Path,
    pub settings: &'a Settings,
    pub env: Env<'a>,
    /// How files are read: the disk for `check`, open editor buffers over it for the language server.
    pub read: ReadFile<'a>,
    pub dockerfiles: Dockerfiles,
    pub errors: Vec<String>,
}

/// The compose files of a set and their findings so far, one list per file.
pub struct SetFindings<'a> {
    pub files: &'a [SourceFile],
    pub findings: Vec<Vec<Finding>>,
    /// The inline Dockerfiles already linted (file, offset): services that share one report it once.
    pub inlined: HashSet<(usize, usize)>,
    /// The names of the services that build, in order: a fix's per-service variable is unique among them.
    pub services: Vec<String>,
    /// The services passing a bust arg through the shared variable of its name, checked once all are known.
    pub shared: Vec<super::shared::SharedUse>,
}

/// Checks one service of the set. Builds whose paths cannot be known (an unset variable, a remote git
/// context) are skipped.
pub fn check_service(run: &mut Run<'_>, set: &mut SetFindings<'_>, merged: &Merged<'_>) {
    let (home, _, build) = merged.home();
    let span = build.key.referenced.clone();
    let dir = set.files[home].path.parent().unwrap_or(Path::new(""));
    if let Some((index, finding)) = too_deep(merged) {
        set.findings[index].push(finding);
        return;
    }
    let Some(context) = resolve(run.env, merged.field(|b| b.context), ".") else {
        return;
    };
    if is_remote(&context) {
        return;
    }
    let context_dir = dir.join(&context);
    let unbuildable =
        |what: String, label: &str| cb000::unbuildable(&merged.name, span.clone(), &what, label);
    match merged.recipe() {
        Recipe::Inline(index, node) => {
            let Some(inline) = Inline::new(&set.files[index], node) else {
                return;
            };
            if set.inlined.insert((index, node.defined.start)) {
                let newline = set.files[index].newline();
                let found = check_dockerfile(&inline.file, run.settings);
                set.findings[index].extend(found.into_iter().map(|f| inline.place(f, newline)));
            }
            let model = parse_dockerfile(&inline.file)
                .ok()
                .map(|ast| build_dockerfile(&inline.file, &ast));
            let shown = "the inline Dockerfile (`dockerfile_inline`)";
            check_build(run, set, merged, &inline.file, model.as_ref(), shown);
        }
        Recipe::Path(name) => {
            let Some(name) = resolve(run.env, name, "Dockerfile") else {
                return;
            };
            if !context_dir.is_dir() {
                let shown = display_path(&tidy(&context_dir), run.cwd);
                let what = format!("builds from `{shown}`, which does not exist");
                let finding = unbuildable(what, "no such directory");
                set.findings[home].push(finding);
                return;
            }
            let path = context_dir.join(&name);
            let shown = display_path(&tidy(&path), run.cwd);
            if !path.is_file() {
                let what = format!("builds `{shown}`, which does not exist");
                let finding = unbuildable(what, "no such file");
                set.findings[home].push(finding);
                return;
            }
            let index = match run.dockerfiles.load(
                &path,
                shown.clone(),
                run.settings,
                run.read,
                Some(&context_dir),
            ) {
                Ok(index) => index,
                Err(e) => {
                    run.errors.push(format!("{shown}: cannot read: {e}"));
                    return;
                }
            };
            run.dockerfiles.built_by_compose(index);
            let linted = run.dockerfiles.get(index);
            let (file, model) = (linted.report.file.clone(), linted.model.clone());
            check_build(
                run,
                set,
                merged,
                &file,
                model.as_ref(),
                &format!("`{shown}`"),
            );
        }
    }
}

/// The compose rules for a service whose Dockerfile is known.
fn check_build(
    run: &Run<'_>,
    set: &mut SetFindings<'_>,
    merged: &Merged<'_>,
    file: &SourceFile,
    model: Option<&Dockerfile>,
    shown: &str,
) {
    // A Dockerfile that does not parse has its own CB000.
    let Some(model) = model else {
        return;
    };
    let target = match merged.field(|b| b.target) {
        Some(node) => match resolve(run.env, Some(node), "") {
            // Compose omits an empty target (`target: ''`, or `${T}` with T unset): the last stage.
            Some(target) => Some(target).filter(|t| !t.is_empty()),
            None => return,
        },
        None => None,
    };
    let Some(stages) = built_stages(model, file, target.as_deref()) else {
        if let (Some(target), false) = (&target, model.stages.is_empty()) {
            let (home, _, build) = merged.home();
            let what = format!("builds target `{target}`, which {shown} does not define");
            set.findings[home].push(cb000::unbuildable(
                &merged.name,
                build.key.referenced.clone(),
                &what,
                "no such stage",
            ));
        }
        return;
    };
    let analysis = Analysis::new(file, model.clone(), run.settings);
    let names = bust_args(&analysis, &stages);
    let suffix = service_suffix(&merged.name, &set.services);
    cb004::check(
        set.files,
        merged,
        &names,
        &suffix,
        shown,
        run.settings,
        &mut set.findings,
    );
    let shared = super::shared::uses(merged, &analysis, &stages, &names, &suffix);
    set.shared.extend(shared);
    let declared = declared_args(model);
    cb005::check(
        set.files,
        merged,
        &declared,
        shown,
        run.settings,
        &mut set.findings,
    );
}

/// A path field whose `${…}` nest past what cachebust interpolates: a CB000 where it is written.
fn too_deep(merged: &Merged<'_>) -> Option<(usize, Finding)> {
    merged.builds().find_map(|(index, _, build)| {
        [build.context, build.dockerfile, build.target]
            .into_iter()
            .flatten()
            .find(|node| node.as_str().is_some_and(|t| nesting(t) > MAX_NESTING))
            .map(|node| {
                let what = format!("nests `${{…}}` more than {MAX_NESTING} deep");
                let finding = cb000::too_deep(&merged.name, node.referenced.clone(), &what);
                (index, finding)
            })
    })
}

/// What a service's own variable adds to the arg's name (`_API` for `api`: `CACHE_BUST_API`): the name
/// upper-cased, each other character than a letter or digit `_`. Services whose names give the same
/// suffix (`api-x`, `api.x`) get `_2`, `_3` after the first, in file order.
pub fn service_suffix(name: &str, services: &[String]) -> String {
    let base = |n: &str| -> String {
        n.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect()
    };
    let mine = base(name);
    let before = services
        .iter()
        .take_while(|s| s.as_str() != name)
        .filter(|s| base(s) == mine)
        .count();
    match before {
        0 => format!("_{mine}"),
        n => format!("_{mine}_{}", n + 1),
    }
}

/// A path-like field after interpolation, `default` when absent, `None` when it cannot be known.
fn resolve(env: Env<'_>, node: Option<&Node>, default: &str) -> Option<String> {
    match node {
        None => Some(default.to_string()),
        Some(node) => interpolate(node.as_str()?, env).ok(),
    }
}

/// A build context that `docker compose` fetches: a git or HTTP URL. It is resolved on every build, so it
/// never goes stale, and there is nothing here to read.
fn is_remote(context: &str) -> bool {
    context.contains("://") || context.starts_with("git@") || context.starts_with("github.com/")
}

#[cfg(test)]
mod tests {
    use super::service_suffix;

    #[test]
    fn each_service_has_a_variable_of_its_own() {
        let all: Vec<String> = ["api", "api-x", "api.x", "Api_X", "worker2"]
            .map(String::from)
            .to_vec();
        let suffixes: Vec<String> = all.iter().map(|s| service_suffix(s, &all)).collect();
        assert_eq!(
            suffixes,
            ["_API", "_API_X", "_API_X_2", "_API_X_3", "_WORKER2"]
        );
    }
}
