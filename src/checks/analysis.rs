//! The facts every check reads: each RUN's remote sources, each cache bust, and which bust covers what,
//! following Docker's scoping (a stage sees its own ARGs and those of the stages it is built from,
//! never a global ARG it does not re-declare, never an ARG declared after the layer).
use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use super::files::{sources_from_files, sources_from_script, StageFiles};
use super::names::{layer_arg_names, RemoteKey};

use crate::context::{join, BuildContext, Placed};
use crate::detect::credentials::{
    is_literal, might_leak, redact_url, secret_ranges, secret_vars_in_url, vars_in_secrets,
};
use crate::detect::{apply_checkout, detect, Checkout, RemoteSource};
use crate::model::scope::{Breach, Scope};
use crate::model::{Dockerfile, ItemKind};
use crate::parse::shell::{ShellKind, SimpleCommand};
use crate::settings::Settings;
use crate::source::SourceFile;

/// A RUN instruction that fetches from at least one remote.
#[derive(Debug, Clone)]
pub struct Layer {
    pub stage: usize,
    pub item: usize,
    pub span: Range<usize>,
    pub onbuild: bool,
    pub shell: ShellKind,
    pub sources: Vec<RemoteSource>,
}

/// Where a cache bust is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Global,
    Stage { stage: usize, item: usize },
}

/// A cache-bust arg declaration, or an `ADD` idiom that busts like one.
#[derive(Debug, Clone)]
pub struct Bust {
    pub name: String,
    pub default: Option<String>,
    pub span: Range<usize>,
    pub place: Place,
    pub onbuild: bool,
    /// For an `ADD` idiom: the `owner/repo` whose moves it follows.
    pub repo: Option<String>,
}

/// A URL in a RUN that carries a credential into the image history and the cache key.
#[derive(Debug, Clone)]
pub struct SecretUse {
    /// The word holding the URL.
    pub span: Range<usize>,
    /// The command's program (`git`, `pip`, `curl`).
    pub program: String,
    /// The URL with credentials redacted.
    pub url: String,
    pub how: SecretHow,
}

/// How the credential gets into the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretHow {
    /// Written in the Dockerfile itself.
    Literal,
    /// From secret-named build args or env vars (`${GIT_TOKEN}`).
    Variables(Vec<String>),
    /// From the default value of a build arg or env var.
    Default,
}

/// Whether the arg `name` is used by `items` (the rest of its stage) only in `RUN` lines that echo it
/// (`RUN echo "${LATEST_SHA_COMMIT}"`): such an arg exists to change the layer's text, which is what a
/// cache bust does, whatever its name.
fn echo_only(items: &[crate::model::Item], file: &SourceFile, name: &str) -> bool {
    let (braced, bare) = (format!("${{{name}}}"), format!("${name}"));
    let uses = |text: &str| {
        text.contains(&braced)
            || text.match_indices(&bare).any(|(at, m)| {
                !text[at + m.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
    };
    let mut users = items
        .iter()
        .filter(|i| uses(&file.text[i.span.clone()]))
        .peekable();
    users.peek().is_some()
        && users.all(|item| match &item.kind {
            ItemKind::Run(run) => run.commands.iter().all(|c| {
                c.words
                    .first()
                    .is_some_and(|w| matches!(w.text.as_str(), "echo" | "printf" | ":" | "true"))
            }),
            _ => false,
        })
}

/// Why a bust does not reach a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfScope {
    GlobalOnly,
    AfterLayer,
    OtherStage,
}

/// A Dockerfile with its layers and busts.
#[derive(Debug)]
pub struct Analysis<'a> {
    pub file: &'a SourceFile,
    pub settings: &'a Settings,
    pub dockerfile: Dockerfile,
    pub layers: Vec<Layer>,
    pub busts: Vec<Bust>,
    pub secrets: Vec<SecretUse>,
    /// The instruction whose expansion first hit a bound, and which: from there on variables are
    /// not expanded (their values are unknown).
    pub bound: Option<(Range<usize>, Breach)>,
    /// Each layer's per-layer arg name (see [`super::names`]), by the layer's start.
    layer_args: HashMap<usize, String>,
}

impl<'a> Analysis<'a> {
    /// Analyses a Dockerfile built from the directory it is in.
    pub fn new(
        file: &'a SourceFile,
        dockerfile: Dockerfile,
        settings: &'a Settings,
    ) -> Analysis<'a> {
        Analysis::in_context(file, dockerfile, settings, file.path.parent())
    }

    /// Analyses a Dockerfile built from `context` (a compose service's `context`), if known.
    pub fn in_context(
        file: &'a SourceFile,
        dockerfile: Dockerfile,
        settings: &'a Settings,
        context: Option<&Path>,
    ) -> Analysis<'a> {
        // Read lazily: most Dockerfiles install nothing from context files.
        let build_context = OnceCell::new();
        let build_context = || build_context.get_or_init(|| context.map(BuildContext::new));
        let mut layers = Vec::new();
        let mut busts: Vec<Bust> = dockerfile
            .global_args
            .iter()
            .filter(|a| settings.is_bust_name(&a.name))
            .map(|a| Bust {
                name: a.name.clone(),
                default: a.default.clone(),
                span: a.span.clone(),
                place: Place::Global,
                onbuild: false,
                repo: None,
            })
            .collect();
        let mut secrets = Vec::new();
        // One root, so that every stage's expansions draw on the file's one budget.
        let root = Scope::default();
        let mut bound = None;
        let mut end_scopes: Vec<Scope> = Vec::with_capacity(dockerfile.stages.len());
        let mut end_files: Vec<StageFiles<'_>> = Vec::with_capacity(dockerfile.stages.len());
        for (s, stage) in dockerfile.stages.iter().enumerate() {
            let mut files = stage
                .parent
                .map(|p| end_files[p].clone())
                .unwrap_or_default();
            let mut scope = stage
                .parent
                .map_or_else(|| root.clone(), |p| end_scopes[p].clone());
            let first_layer = layers.len();
            // Args that are busts by what they do (only echoed), kept only if a remote layer follows.
            let mut by_use_busts: Vec<(usize, usize)> = Vec::new();
            for (i, item) in stage.items.iter().enumerate() {
                let place = Place::Stage { stage: s, item: i };
                match &item.kind {
                    ItemKind::Arg(decls) => {
                        for decl in decls {
                            let value = match &decl.default {
                                Some(d) => Some(scope.expand(d).text),
                                None => global_default(&dockerfile, &decl.name).or_else(|| {
                                    scope.get(&decl.name).flatten().map(str::to_string)
                                }),
                            };
                            if !item.onbuild {
                                scope.declare(&decl.name, value);
                            }
                            let by_use = !settings.is_bust_name(&decl.name)
                                && echo_only(&stage.items[i + 1..], file, &decl.name);
                            if by_use {
                                by_use_busts.push((busts.len(), i));
                            }
                            if by_use || settings.is_bust_name(&decl.name) {
                                busts.push(Bust {
                                    name: decl.name.clone(),
                                    default: decl.default.clone(),
                                    span: item.span.clone(),
                                    place,
                                    onbuild: item.onbuild,
                                    repo: None,
                                });
                            }
                        }
                    }
                    ItemKind::Env(pairs) if !item.onbuild => {
                        for (name, value) in pairs {
                            let value = scope.expand(value).text;
                            scope.declare(name, Some(value));
                        }
                    }
                    ItemKind::Copy(copy) if copy.add => {
                        for source in &copy.sources {
                            let source = scope.expand(source).text;
                            if let Some(repo) = idiom_repo(settings, &source) {
                                busts.push(Bust {
                                    name: "ADD".into(),
                                    default: None,
                                    span: item.span.clone(),
                                    place,
                                    onbuild: item.onbuild,
                                    repo: Some(repo),
                                });
                            }
                        }
                    }
                    ItemKind::Workdir(path) if !item.onbuild => {
                        files.workdir = join(&files.workdir, &scope.expand(path).text);
                    }
                    ItemKind::Copy(copy) if !item.onbuild && copy.from.is_none() => {
                        files.copies.push(Placed {
                            copy,
                            workdir: files.workdir.clone(),
                        });
                    }
                    ItemKind::Run(run) => {
                        secrets.extend(run.commands.iter().flat_map(|c| secret_uses(c, &scope)));
                        let mut detection = detect(
                            settings.detectors,
                            &run.commands,
                            run.shell,
                            &scope,
                            &files.workdir,
                        );
                        let reads_context = !item.onbuild
                            && (!detection.scripts.is_empty()
                                || !detection.file_installs.is_empty());
                        if let Some(context) =
                            reads_context.then(build_context).and_then(Option::as_ref)
                        {
                            for script in &detection.scripts {
                                let found = sources_from_script(
                                    context,
                                    settings.detectors,
                                    &files,
                                    script,
                                    &scope,
                                );
                                detection.sources.extend(found);
                            }
                            for install in &detection.file_installs {
                                let found = sources_from_files(
                                    context,
                                    settings.detectors,
                                    &files,
                                    install,
                                );
                                detection.sources.extend(found);
                            }
                        }
                        // A checkout in a known directory also pins that directory's clones in earlier
                        // RUNs (`RUN cd /src && git fetch origin SHA && git checkout FETCH_HEAD`); one
                        // that fell back to this RUN's latest clone concerns that clone only.
                        let pinned_here = |c: &Checkout| {
                            detection
                                .sources
                                .iter()
                                .any(|s| s.pinned_by.as_ref() == Some(&c.command))
                        };
                        let later: Vec<Checkout> = detection
                            .checkouts
                            .iter()
                            .filter(|c| c.dir.is_some() || !pinned_here(c))
                            .cloned()
                            .collect();
                        pin_earlier_clones(
                            &mut layers[first_layer..],
                            &later,
                            &files.workdir,
                            settings.strict_tags,
                        );
                        if !detection.sources.is_empty() {
                            layers.push(Layer {
                                stage: s,
                                item: i,
                                span: item.span.clone(),
                                onbuild: item.onbuild,
                                shell: run.shell,
                                sources: detection.sources,
                            });
                        }
                    }
                    _ => {}
                }
                if bound.is_none() {
                    bound = scope.breach().map(|b| (item.span.clone(), b));
                }
            }
            for &(index, item) in by_use_busts.iter().rev() {
                if !layers[first_layer..].iter().any(|l| l.item > item) {
                    busts.remove(index);
                }
            }
            end_scopes.push(scope);
            end_files.push(files);
        }
        let layer_args = per_layer_args(settings, &layers);
        Analysis {
            file,
            settings,
            dockerfile,
            layers,
            busts,
            secrets,
            bound,
            layer_args,
        }
    }

    /// Whether a source still fetches something that can move.
    pub fn is_mutable(&self, source: &RemoteSource) -> bool {
        source.kind.is_mutable(self.settings.strict_tags)
    }

    /// The sources of a layer that can move.
    pub fn mutable_sources<'l>(
        &'l self,
        layer: &'l Layer,
    ) -> impl Iterator<Item = &'l RemoteSource> + 'l {
        layer.sources.iter().filter(move |s| self.is_mutable(s))
    }

    /// The first bust that covers every mutable source of the layer, if any.
    pub fn covering_bust(&self, layer: &Layer) -> Option<&Bust> {
        // Per layer, another layer's arg (`CACHE_BUST_OTHER`) changes only when *that* remote moves.
        let own = self.per_layer_arg(layer);
        let prefix = format!("{}_", self.settings.fix_arg);
        let mine = |b: &Bust| {
            !self.settings.fix_per_layer
                || !b.name.starts_with(&prefix)
                || Some(&b.name) == own.as_ref()
        };
        self.busts.iter().find(|bust| {
            mine(bust) && {
                self.reaches(bust, layer) && self.mutable_sources(layer).all(|s| covers(bust, s))
            }
        })
    }

    /// The layer's own arg when fixes insert one per layer: named after its moving remotes.
    pub fn per_layer_arg(&self, layer: &Layer) -> Option<String> {
        self.layer_args.get(&layer.span.start).cloned()
    }

    /// Whether a bust's declaration is visible to the layer (before it, in its stage or one it is built from).
    pub fn reaches(&self, bust: &Bust, layer: &Layer) -> bool {
        let Place::Stage { stage, item } = bust.place else {
            return false;
        };
        if bust.onbuild != layer.onbuild {
            return false;
        }
        if stage == layer.stage {
            return item < layer.item;
        }
        !layer.onbuild && self.dockerfile.lineage(layer.stage).any(|s| s == stage)
    }

    /// A bust arg the author meant for this layer that cannot reach it, and why.
    pub fn out_of_scope_bust(&self, layer: &Layer) -> Option<(&Bust, OutOfScope)> {
        let args = || {
            self.busts
                .iter()
                .filter(|b| b.repo.is_none() && !self.reaches(b, layer))
        };
        let same_stage_after =
            args().find(|b| matches!(b.place, Place::Stage { stage, .. } if stage == layer.stage));
        let global = args().find(|b| b.place == Place::Global);
        // An arg of another stage was misplaced only if it busts nothing where it is.
        let other = args().find(|b| {
            matches!(b.place, Place::Stage { stage, .. } if stage != layer.stage)
                && !self
                    .layers
                    .iter()
                    .any(|l| self.reaches(b, l) && self.mutable_sources(l).next().is_some())
        });
        same_stage_after
            .map(|b| (b, OutOfScope::AfterLayer))
            .or_else(|| global.map(|b| (b, OutOfScope::GlobalOnly)))
            .or_else(|| other.map(|b| (b, OutOfScope::OtherStage)))
    }

    /// The text of a stage's name for messages (`stage 2` when unnamed).
    pub fn stage_name(&self, stage: usize) -> String {
        match &self.dockerfile.stages[stage].name {
            Some(name) => format!("`{name}`"),
            None => format!("stage {}", stage + 1),
        }
    }
}

/// The words of a command whose URL carries a credential.
fn secret_uses(command: &SimpleCommand, scope: &Scope) -> Vec<SecretUse> {
    let program = || {
        command
            .words
            .first()
            .map_or_else(String::new, |w| w.text.clone())
    };
    command
        .words
        .iter()
        .filter_map(|word| {
            let raw = &word.text;
            // Only a URL or a query can carry a credential, in the word or in what its variables hold.
            if !might_leak(raw) && !raw.contains('$') {
                return None;
            }
            let expanded = scope.expand(raw).text;
            if !might_leak(raw) && !might_leak(&expanded) {
                return None;
            }
            let literal = |text: &str| {
                secret_ranges(text)
                    .iter()
                    .any(|(r, leak)| is_literal(&text[r.clone()], *leak))
            };
            let mut vars = vars_in_secrets(raw);
            for name in secret_vars_in_url(raw) {
                if !vars.contains(&name) {
                    vars.push(name);
                }
            }
            let how = if literal(raw) {
                SecretHow::Literal
            } else if literal(&expanded) {
                SecretHow::Default
            } else if !vars.is_empty() {
                SecretHow::Variables(vars)
            } else {
                return None;
            };
            Some(SecretUse {
                span: word.span.clone(),
                program: program(),
                url: redact_url(&expanded),
                how,
            })
        })
        .collect()
}

/// An `ADD` idiom bust covers only remotes of its own repository; an arg covers everything.
/// The per-layer arg name of every layer with a moving remote, keyed by the layer's start.
fn per_layer_args(settings: &Settings, layers: &[Layer]) -> HashMap<usize, String> {
    let remotes: Vec<Vec<RemoteKey<'_>>> = layers
        .iter()
        .map(|layer| {
            layer
                .sources
                .iter()
                .filter(|s| s.kind.is_mutable(settings.strict_tags))
                .map(|s| (s.url.as_str(), s.reference.as_deref()))
                .collect()
        })
        .collect();
    let names = layer_arg_names(&settings.fix_arg, &remotes);
    layers
        .iter()
        .zip(names)
        .filter_map(|(layer, name)| Some((layer.span.start, name?)))
        .collect()
}

fn covers(bust: &Bust, source: &RemoteSource) -> bool {
    match &bust.repo {
        None => true,
        Some(repo) => source
            .url
            .to_ascii_lowercase()
            .contains(&repo.to_ascii_lowercase()),
    }
}

fn global_default(dockerfile: &Dockerfile, name: &str) -> Option<String> {
    dockerfile
        .global_args
        .iter()
        .rev()
        .find(|a| a.name == name)
        .and_then(|a| a.default.clone())
}

fn idiom_repo(settings: &Settings, source: &str) -> Option<String> {
    settings.detectors.bust_idioms.iter().find_map(|idiom| {
        let caps = idiom.pattern.captures(source)?;
        Some(caps.name("path").map_or_else(String::new, |m| {
            format!("/{}", m.as_str().trim_end_matches(".git"))
        }))
    })
}

/// A checkout in a later RUN pins the earlier RUNs' clones of the directory it runs in (`RUN git clone …`
/// then `WORKDIR /src` and `RUN git checkout <sha>`), when it names a commit or tag. Directories are
/// compared as full paths: `git -C /opt/a/src checkout` does not pin `/opt/b/src`.
fn pin_earlier_clones(
    stage_layers: &mut [Layer],
    checkouts: &[Checkout],
    workdir: &str,
    strict_tags: bool,
) {
    for checkout in checkouts.iter().filter(|c| !c.kind.is_mutable(strict_tags)) {
        // Without `-C`/`cd`, a checkout in a later RUN works in the WORKDIR.
        let dir = checkout.dir.as_deref().unwrap_or(workdir);
        // A directory from an arg with no value could be any clone's: the latest one.
        let unknown = dir.contains('$');
        for layer in stage_layers.iter_mut().rev() {
            let applied = if unknown {
                apply_checkout(&mut layer.sources, checkout, None, true)
            } else {
                apply_checkout(&mut layer.sources, checkout, Some(dir), false)
            };
            if applied {
                break;
            }
        }
    }
}
