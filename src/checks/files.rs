//! Remote sources hidden one step away from the RUN: in files an earlier `COPY` brought from the build
//! context (`pip install -r requirements.txt`, `npm install` with a `package.json` and no lock file).
use std::collections::HashSet;

use crate::context::{join, BuildContext, Placed};
use crate::detect::manifests::read_manifest;
use crate::detect::spec::{Detectors, ManifestFormat};
use crate::detect::{detect_with_args, FileInstall, InstallPath, RemoteSource, ScriptRun, Via};
use crate::model::scope::Scope;
use crate::parse::shell::{split_commands, Framing, ShellKind};

/// What a stage's image holds from the build context so far: its working directory and its copies.
#[derive(Debug, Clone)]
pub struct StageFiles<'d> {
    pub workdir: String,
    pub copies: Vec<Placed<'d>>,
}

impl Default for StageFiles<'_> {
    fn default() -> Self {
        StageFiles {
            workdir: "/".into(),
            copies: Vec::new(),
        }
    }
}

/// How deep `-r other.txt` includes are followed.
const MAX_INCLUDES: usize = 8;

/// The remote sources named in the files an install reads.
pub fn sources_from_files(
    context: &BuildContext,
    detectors: &Detectors,
    files: &StageFiles<'_>,
    install: &FileInstall,
) -> Vec<RemoteSource> {
    let manifest = &detectors.manifests[install.manifest];
    let tool = install.tool.clone();
    let mut sources = Vec::new();
    for path in &install.paths {
        let image_paths: Vec<String> = match path {
            InstallPath::File(file) => vec![join(&files.workdir, file)],
            InstallPath::Dir(dir) => {
                let dir = join(&files.workdir, dir);
                // A lock file copied beside the manifest pins every dependency.
                if manifest
                    .locks
                    .iter()
                    .any(|lock| context.locate(&files.copies, &join(&dir, lock)).is_some())
                {
                    continue;
                }
                manifest.files.iter().map(|f| join(&dir, f)).collect()
            }
        };
        let mut queue: Vec<(String, usize)> = image_paths.into_iter().map(|p| (p, 0)).collect();
        let mut seen = HashSet::new();
        while let Some((image_path, depth)) = queue.pop() {
            let Some(relative) = context.locate(&files.copies, &image_path) else {
                continue;
            };
            if !seen.insert(relative.clone()) {
                continue;
            }
            let Some(text) = context.read(&relative) else {
                continue;
            };
            let name = relative.rsplit('/').next().unwrap_or(&relative);
            let contents =
                read_manifest(detectors, manifest.detector, manifest.format, name, &text);
            if manifest.format == ManifestFormat::Requirements && depth < MAX_INCLUDES {
                let dir = image_path
                    .rsplit_once('/')
                    .map_or("/", |(d, _)| d)
                    .to_string();
                queue.extend(
                    contents
                        .includes
                        .iter()
                        .map(|inc| (join(&dir, inc), depth + 1)),
                );
            }
            sources.extend(contents.entries.into_iter().map(|entry| RemoteSource {
                tool: tool.clone(),
                url: entry.url,
                reference: entry.reference,
                kind: entry.kind,
                command: install.command.clone(),
                url_span: install.word.clone(),
                unresolved: Vec::new(),
                pinnable: false,
                pinned_by: None,
                via: Some(Via {
                    file: tidy(&relative),
                    line: entry.line,
                }),
                dest: None,
                ref_from_variable: false,
            }));
        }
    }
    sources
}

/// `builder-scripts/./pak7.txt` → `builder-scripts/pak7.txt`, as a user would name the file.
fn tidy(path: &str) -> String {
    path.split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// How deep scripts that run other scripts of the context are followed (a script that sources itself
/// stops here).
const MAX_SCRIPTS: usize = 4;

/// The remote sources fetched by the commands of a script from the build context that a RUN executes,
/// with its words bound to `$1`…, reported at the RUN's script word with the script's file and line.
pub fn sources_from_script(
    context: &BuildContext,
    detectors: &Detectors,
    files: &StageFiles<'_>,
    script: &ScriptRun,
    scope: &Scope,
) -> Vec<RemoteSource> {
    let mut sources = Vec::new();
    script_sources(
        context,
        detectors,
        files,
        script,
        scope,
        0,
        &mut |mut source| {
            source.command = script.command.clone();
            source.url_span = script.word.clone();
            source.pinned_by = None;
            sources.push(source);
        },
    );
    sources
}

fn script_sources(
    context: &BuildContext,
    detectors: &Detectors,
    files: &StageFiles<'_>,
    script: &ScriptRun,
    scope: &Scope,
    depth: usize,
    found: &mut dyn FnMut(RemoteSource),
) {
    let Some(relative) = context.locate(&files.copies, &join(&files.workdir, &script.path)) else {
        return;
    };
    let Some(text) = context.read(&relative) else {
        return;
    };
    let mut scope = scope.clone();
    for (name, value) in &script.env {
        scope.declare(name, value.clone());
    }
    let commands = split_commands(&text, 0, Framing::Script, ShellKind::Posix);
    let detection = detect_with_args(
        detectors,
        &commands,
        ShellKind::Posix,
        &scope,
        &files.workdir,
        Some(script.args.clone()),
    );
    for mut source in detection.sources {
        let line = text[..source.command.start.min(text.len())]
            .matches('\n')
            .count()
            + 1;
        source.via = Some(Via {
            file: tidy(&relative),
            line,
        });
        found(source);
    }
    if depth + 1 < MAX_SCRIPTS {
        for inner in &detection.scripts {
            script_sources(context, detectors, files, inner, &scope, depth + 1, found);
        }
    }
}
