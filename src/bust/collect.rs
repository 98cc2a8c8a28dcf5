//! From paths to the mutable remotes that a cache-bust value must follow, each with the arg that
//! covers it. Reuses the checks' analysis, so `bust` and `check` agree on what is a remote and what covers it.
use std::path::PathBuf;

use super::outcome::BustError;
use crate::checks::Analysis;
use crate::compose::builds::{service_builds, ServiceBuild};
use crate::compose::target::built_stages;
use crate::detect::RemoteSource;
use crate::discover::discover_all;
use crate::model::build_dockerfile;
use crate::parse::dockerfile::parse_dockerfile;
use crate::settings::Settings;
use crate::source::{display_path, SourceFile};

/// A mutable remote of one RUN layer.
#[derive(Debug, Clone)]
pub struct Found {
    /// Index into [`Scan::paths`].
    pub file: usize,
    pub line: usize,
    /// The cache-bust arg that covers the layer, or the name the fix would insert.
    pub arg: String,
    /// The layer's own arg under `--per-layer`: the name `--fix` gives it (see `checks::names`).
    pub layer_arg: String,
    /// Whether `arg` is declared where the layer sees it (otherwise it is only the name a fix would give).
    pub declared: bool,
    /// Whether `layer_arg` is declared where the layer sees it.
    pub layer_arg_declared: bool,
    /// The layer's stage, by index.
    pub stage: usize,
    pub source: RemoteSource,
}

/// A variable through which a compose service passes a cache-bust arg (`CACHE_BUST: ${CACHE_BUST_API}`),
/// and the remotes that arg covers in the stages that service builds: its value is theirs alone.
#[derive(Debug, Clone)]
pub struct Feed {
    pub variable: String,
    /// Indices into [`Scan::found`].
    pub found: Vec<usize>,
}

/// The Dockerfiles read and what they fetch, in file order and then Dockerfile order.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Each Dockerfile as the user would type its path.
    pub paths: Vec<String>,
    pub found: Vec<Found>,
    /// The per-service variables of the compose files under the paths, in service order.
    pub feeds: Vec<Feed>,
    /// For each of [`Scan::paths`], whether it was read only because a compose service builds it (it is
    /// not under the paths): its remotes feed only that service's variable.
    pub extra: Vec<bool>,
}

/// Reads every Dockerfile under `paths`. A file that cannot be read or parsed is a problem: a value
/// computed without it could miss a remote.
pub fn scan(
    paths: &[PathBuf],
    settings: &Settings,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    compose_files: &[PathBuf],
) -> Result<Scan, BustError> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let found = discover_all(paths);
    let mut problems: Vec<String> = found
        .errors
        .iter()
        .map(|e| format!("{}: {}", e.path.display(), e.message))
        .collect();
    // Services that pass a bust arg through a variable of their own; their Dockerfiles are read too.
    let mut composes = found.compose_files.clone();
    composes.extend(compose_files.iter().cloned());
    let services: Vec<ServiceBuild> = service_builds(&composes, env)
        .into_iter()
        .filter(|b| b.passed.iter().any(|(arg, var)| arg != var))
        .collect();
    let given = found.dockerfiles.len();
    let mut files = found.dockerfiles;
    for build in &services {
        let known = files.iter().any(|f| same_file(f, &build.dockerfile));
        if !known && build.dockerfile.is_file() {
            files.push(build.dockerfile.clone());
        }
    }
    let mut help = None;
    let mut scan = Scan::default();
    for (walked, path) in files.into_iter().enumerate() {
        let display = display_path(&path, &cwd);
        let text = match crate::source::read_file(&path).and_then(|bytes| {
            String::from_utf8(bytes)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        }) {
            Ok(text) => text,
            Err(e) => {
                problems.push(format!("{display}: cannot read: {e}"));
                continue;
            }
        };
        let file = SourceFile::new(path.clone(), display.clone(), text);
        let ast = match parse_dockerfile(&file) {
            Ok(ast) => ast,
            Err(e) => {
                let at = file.position(e.span.start);
                problems.push(format!(
                    "{display}:{}:{}: cannot parse: {}",
                    at.line, at.column, e.message
                ));
                help = Some("`cachebust check` shows the error; a value computed without this file could miss a remote");
                continue;
            }
        };
        let analysis = Analysis::new(&file, build_dockerfile(&file, &ast), settings);
        let index = scan.paths.len();
        let first = scan.found.len();
        scan.paths.push(display);
        scan.extra.push(walked >= given);
        for layer in &analysis.layers {
            // An ONBUILD layer runs in another image's build, which gets its own value.
            if layer.onbuild {
                continue;
            }
            let covering = analysis.covering_bust(layer);
            // An `ADD` idiom busts the layer by itself whenever its repository moves.
            if covering.is_some_and(|b| b.repo.is_some()) {
                continue;
            }
            let arg = covering.map_or_else(|| settings.fix_arg.clone(), |b| b.name.clone());
            let layer_arg = analysis.per_layer_arg(layer).unwrap_or_else(|| arg.clone());
            let layer_arg_declared = analysis
                .busts
                .iter()
                .any(|b| b.name == layer_arg && b.repo.is_none() && analysis.reaches(b, layer));
            for source in analysis.mutable_sources(layer) {
                scan.found.push(Found {
                    file: index,
                    line: file.position(source.command.start).line,
                    arg: arg.clone(),
                    layer_arg: layer_arg.clone(),
                    declared: covering.is_some(),
                    layer_arg_declared,
                    stage: layer.stage,
                    source: source.clone(),
                });
            }
        }
        for build in services.iter().filter(|b| same_file(&path, &b.dockerfile)) {
            let Some(stages) = built_stages(&analysis.dockerfile, &file, build.target.as_deref())
            else {
                continue;
            };
            for (arg, variable) in build.passed.iter().filter(|(arg, var)| arg != var) {
                let found = (first..scan.found.len())
                    .filter(|&i| {
                        let f = &scan.found[i];
                        f.declared && &f.arg == arg && stages.contains(&f.stage)
                    })
                    .collect();
                scan.feeds.push(Feed {
                    variable: variable.clone(),
                    found,
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(scan)
    } else {
        Err(BustError::new(problems, help))
    }
}

/// Whether two paths name one file (`./api/Dockerfile` and `api/../api/Dockerfile` do).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
