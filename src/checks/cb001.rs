//! CB001 unbusted-remote-source: a mutable remote layer with no cache bust in scope.
use super::analysis::{Analysis, Layer};
use super::{fixes, wording};
use crate::catalogue::known;
use crate::detect::RemoteSource;
use crate::finding::{Applicability, Finding, Fix, Label};

pub fn check(analysis: &Analysis<'_>, findings: &mut Vec<Finding>) {
    let rule = known("CB001");
    let settings = analysis.settings;
    for layer in uncovered(analysis).filter(|l| analysis.out_of_scope_bust(l).is_none()) {
        let fix_layer = first_uncovered_like(analysis, layer);
        let mut mutable = analysis.mutable_sources(layer);
        let Some(source) = mutable.next() else {
            continue;
        };
        let arg = analysis
            .per_layer_arg(layer)
            .filter(|_| settings.fix_per_layer)
            .unwrap_or_else(|| settings.fix_arg.clone());
        let mut help = with_others_named_in_files(
                format!(
                    "Docker reuses this layer while its text is unchanged, so {} never reach the image. \
                     Add a cache-bust arg right before it (`cachebust check --fix`) and build with \
                     {}, which passes the remote's head commit, or pin a commit SHA.",
                    wording::what_goes_missing(source),
                    docker_build(&arg),
                ),
                source,
                analysis.mutable_sources(layer),
        );
        let related = capped(related_labels(source, mutable), &mut help);
        let add_git = settings
            .fix_add_git
            .then(|| super::add_git::fix(analysis, layer));
        if let Some(Err(why)) = &add_git {
            help.push_str(&format!("\n{ADD_GIT_NOTE}{why}."));
        }
        findings.push(Finding {
            code: "CB001",
            severity: rule.severity,
            message: format!(
                "`{}` {} is served from cache forever",
                source.tool,
                wording::what_it_fetches(source)
            ),
            span: source.command.clone(),
            label: wording::label(source),
            related,
            help,
            fix: Some(match add_git {
                Some(Ok(fix)) => fix,
                _ => match analysis
                    .per_layer_arg(layer)
                    .filter(|_| settings.fix_per_layer)
                {
                    // One arg right before each layer, named as `cachebust bust --per-layer` names it.
                    Some(arg) => Fix {
                        title: format!("Insert `ARG {arg}` right before this layer"),
                        applicability: Applicability::Safe,
                        edits: vec![fixes::insert_bust(
                            analysis,
                            layer,
                            &arg,
                            Some(&settings.fix_default),
                        )],
                    },
                    None => Fix {
                        title: format!(
                            "Insert `ARG {}` before the first remote layer of the stage",
                            settings.fix_arg
                        ),
                        applicability: Applicability::Safe,
                        edits: vec![fixes::insert_bust(
                            analysis,
                            fix_layer,
                            &settings.fix_arg,
                            Some(&settings.fix_default),
                        )],
                    },
                },
            }),
        });
    }
}

/// How the help says to build a Dockerfile that no compose file builds: `docker build` passing the arg
/// from the environment, which `cachebust exec` sets.
fn docker_build(arg: &str) -> String {
    format!("{DOCKER_BUILD}{arg} .`")
}

const DOCKER_BUILD: &str = "`cachebust exec -- docker build --build-arg ";

/// A CB001 of a Dockerfile that a compose file builds: its help names `docker compose build`, the
/// driver the project uses, instead of `docker build`.
pub fn built_by_compose(finding: &mut Finding) {
    built_by(finding, "docker compose build");
}

/// A CB001 of a Dockerfile that a driver builds with `command` (`docker buildx bake api`): its help says
/// to run that under `cachebust exec`. The first driver to claim a Dockerfile names it.
pub fn built_by(finding: &mut Finding, command: &str) {
    if finding.code != "CB001" {
        return;
    }
    let Some(start) = finding.help.find(DOCKER_BUILD) else {
        return;
    };
    let Some(len) = finding.help[start + 1..].find('`') else {
        return;
    };
    finding.help.replace_range(
        start..start + len + 2,
        &format!("`cachebust exec -- {command}`"),
    );
}

/// The start of the help line that says why `--fix-strategy add-git` left the bust-arg fix.
pub const ADD_GIT_NOTE: &str = "`--fix-strategy add-git` does not apply here: ";

/// Layers with a mutable source that no bust covers.
pub fn uncovered<'a>(analysis: &'a Analysis<'_>) -> impl Iterator<Item = &'a Layer> + 'a {
    analysis.layers.iter().filter(|l| {
        analysis.mutable_sources(l).next().is_some() && analysis.covering_bust(l).is_none()
    })
}

/// The first uncovered layer of the same stage (and `ONBUILD`-ness) as `layer`: where a fix inserts the
/// arg, so that one insertion covers every layer after it and the fixes of a stage are identical.
pub fn first_uncovered_like<'a>(analysis: &'a Analysis<'_>, layer: &'a Layer) -> &'a Layer {
    uncovered(analysis)
        .find(|l| l.stage == layer.stage && l.onbuild == layer.onbuild)
        .unwrap_or(layer)
}

/// Labels for the layer's other mutable sources, one per URL word (the entries of one requirements
/// file share the `-r` word, so they are named in the message's file:line instead).
pub fn related_labels<'s>(
    primary: &RemoteSource,
    others: impl Iterator<Item = &'s RemoteSource>,
) -> Vec<Label> {
    let mut labels: Vec<Label> = Vec::new();
    for source in others {
        if source.url_span != primary.url_span && !labels.iter().any(|l| l.span == source.url_span)
        {
            labels.push(Label {
                span: source.url_span.clone(),
                text: wording::label(source),
            });
        }
    }
    labels
}

/// At most this many related labels (and remotes listed in the help) per finding: a layer with
/// thousands of remotes would otherwise drown the report (and miette's excerpts cost time per label).
const MAX_LISTED: usize = 8;

/// Keeps the first [`MAX_LISTED`] labels and says in the help how many more remotes the layer has.
fn capped(mut labels: Vec<Label>, help: &mut String) -> Vec<Label> {
    if labels.len() > MAX_LISTED {
        let more = labels.len() - MAX_LISTED;
        labels.truncate(MAX_LISTED);
        help.push_str(&format!(
            "\nThis layer fetches {more} more moving remotes than are labelled here."
        ));
    }
    labels
}

/// Appends the layer's other moving remotes that are named in build-context files (they share the
/// primary label's span, so they are listed here rather than labelled).
fn with_others_named_in_files<'s>(
    mut help: String,
    primary: &RemoteSource,
    sources: impl Iterator<Item = &'s RemoteSource>,
) -> String {
    let others: Vec<String> = sources
        .filter(|s| s.via.is_some() && s.url_span == primary.url_span && *s != primary)
        .map(wording::label)
        .collect();
    if !others.is_empty() {
        help.push_str("\nAlso moving: ");
        help.push_str(&others[..others.len().min(MAX_LISTED)].join("; "));
        if others.len() > MAX_LISTED {
            help.push_str(&format!("; and {} more", others.len() - MAX_LISTED));
        }
    }
    help
}
