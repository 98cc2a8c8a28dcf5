//! What `cachebust bust` and `exec` read from compose files: for each service that builds a Dockerfile
//! on disk, that Dockerfile, its `target`, and the variable through which each build arg is passed
//! (`CACHE_BUST: ${CACHE_BUST_API:-unknown}` passes `CACHE_BUST` through `CACHE_BUST_API`), so that each
//! service's variable can be given the value of the remotes that service builds, and no others.
use std::path::{Path, PathBuf};

use super::files::compose_sets;
use super::interpolate::{interpolate, Env};
use super::merge::{merge_services, Recipe};
use super::model::services;
use super::yaml::{parse_yaml, Node};
use crate::source::SourceFile;

/// One service's build, as far as a cache-bust value needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceBuild {
    pub service: String,
    /// The compose file that defines it, as given.
    pub compose: PathBuf,
    pub dockerfile: PathBuf,
    /// The `target` stage (`None`: the last stage).
    pub target: Option<String>,
    /// `(arg, variable)` for each arg passed as a single `${variable…}`.
    pub passed: Vec<(String, String)>,
}

/// The builds of the services of every compose set among `files`. A set that cannot be read or parsed,
/// and a service whose context is remote, inline or cannot be interpolated, gives nothing: `check`
/// reports those.
pub fn service_builds(files: &[PathBuf], env: Env<'_>) -> Vec<ServiceBuild> {
    let mut builds = Vec::new();
    for set in compose_sets(files) {
        let Some(sources) = set
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).ok()?;
                Some(SourceFile::new(path.clone(), String::new(), text))
            })
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let Ok(roots) = sources
            .iter()
            .map(parse_yaml)
            .collect::<Result<Vec<_>, _>>()
        else {
            continue;
        };
        let per_file: Vec<_> = roots.iter().filter_map(|r| services(r)).collect();
        for merged in merge_services(&per_file) {
            let (home, ..) = merged.home();
            let dir = sources[home].path.parent().unwrap_or(Path::new(""));
            let Some(context) = resolve(env, merged.field(|b| b.context), ".") else {
                continue;
            };
            if context.contains("://") || context.starts_with("git@") {
                continue;
            }
            let Recipe::Path(name) = merged.recipe() else {
                continue;
            };
            let Some(name) = resolve(env, name, "Dockerfile") else {
                continue;
            };
            let target = match merged.field(|b| b.target) {
                Some(node) => match resolve(env, Some(node), "") {
                    Some(t) => Some(t).filter(|t| !t.is_empty()),
                    None => continue,
                },
                None => None,
            };
            let passed = merged
                .args()
                .into_iter()
                .filter_map(|(_, arg)| Some((arg.name, variable_of(arg.value.as_deref()?)?)))
                .collect();
            builds.push(ServiceBuild {
                service: merged.name.clone(),
                compose: sources[home].path.clone(),
                dockerfile: dir.join(context).join(name),
                target,
                passed,
            });
        }
    }
    builds
}

/// The variable a value is made of: `${NAME}`, `${NAME:-default}` (any operator) or `$NAME`, alone.
pub fn variable_of(value: &str) -> Option<String> {
    let (name, rest) = match value.strip_prefix("${") {
        Some(inner) => {
            let inner = inner.strip_suffix('}')?;
            let end = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            // The default may not hold another `${…}` or `}`: one variable, whole.
            let rest = &inner[end..];
            if rest.contains(['$', '}'])
                || !(rest.is_empty() || rest.starts_with([':', '-', '?', '+']))
            {
                return None;
            }
            (&inner[..end], "")
        }
        None => {
            let inner = value.strip_prefix('$')?;
            let end = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            (&inner[..end], &inner[end..])
        }
    };
    let valid = rest.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    valid.then(|| name.to_string())
}

/// A path-like field after interpolation, `default` when absent, `None` when it cannot be known.
fn resolve(env: Env<'_>, node: Option<&Node>, default: &str) -> Option<String> {
    match node {
        None => Some(default.to_string()),
        Some(node) => interpolate(node.as_str()?, env).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::variable_of;

    #[test]
    fn a_value_made_of_one_variable_names_it() {
        assert_eq!(
            variable_of("${CACHE_BUST_API:-unknown}").as_deref(),
            Some("CACHE_BUST_API")
        );
        assert_eq!(variable_of("${CACHE_BUST}").as_deref(), Some("CACHE_BUST"));
        assert_eq!(variable_of("$CACHE_BUST").as_deref(), Some("CACHE_BUST"));
        assert_eq!(variable_of("${A-x}").as_deref(), Some("A"));
        assert_eq!(variable_of("constant"), None);
        assert_eq!(variable_of("v-${A}"), None);
        assert_eq!(variable_of("${A}${B}"), None);
        assert_eq!(variable_of("${A:-${B}}"), None);
        assert_eq!(variable_of("$A-x"), None);
        assert_eq!(variable_of("${1}"), None);
    }
}
