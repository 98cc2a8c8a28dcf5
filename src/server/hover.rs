//! Hover on a RUN that fetches a remote: each source's URL (redacted), its ref and what kind of ref it
//! is, and what busts or pins the layer, from the same analysis the checks read. No network: resolving a
//! ref's commit is `cachebust bust`'s job.
use crate::checks::analysis::{Analysis, Layer};
use crate::detect::credentials::redact_url;
use crate::detect::refs::RefKind;
use crate::detect::RemoteSource;
use crate::model::build_dockerfile;
use crate::parse::dockerfile::parse_dockerfile;
use crate::settings::Settings;
use crate::source::SourceFile;

/// The hover text (Markdown) for byte `offset` of a Dockerfile, when it is inside a remote layer.
pub fn hover_text(file: &SourceFile, offset: usize, settings: &Settings) -> Option<String> {
    let ast = parse_dockerfile(file).ok()?;
    let model = build_dockerfile(file, &ast);
    let analysis = Analysis::new(file, model, settings);
    let layer = analysis
        .layers
        .iter()
        .find(|l| l.span.start <= offset && offset <= l.span.end)?;
    // The source under the cursor, else every source of the layer.
    let under: Vec<&RemoteSource> = layer
        .sources
        .iter()
        .filter(|s| s.command.start <= offset && offset <= s.command.end)
        .collect();
    let sources = if under.is_empty() {
        layer.sources.iter().collect()
    } else {
        under
    };
    let mut out: Vec<String> = sources
        .iter()
        .map(|s| describe(file, &analysis, s))
        .collect();
    out.push(cure(file, &analysis, layer));
    Some(out.join("\n\n"))
}

fn describe(file: &SourceFile, analysis: &Analysis<'_>, source: &RemoteSource) -> String {
    let reference = match &source.reference {
        Some(r) => format!("`{}`", r.replace('`', "'")),
        None => "none (the remote's default branch)".to_string(),
    };
    let class = match source.kind {
        RefKind::Commit => "a commit: it never moves",
        RefKind::Tag if analysis.settings.strict_tags => {
            "a tag: it can be moved (`strict-tags` is on)"
        }
        RefKind::Tag => "a tag: immutable by convention",
        RefKind::Branch => "a branch: it moves with every push",
        RefKind::Default => "the default branch: it moves with every push",
        RefKind::Latest => "the newest release: it moves with every release",
        RefKind::Unresolved => "unknown until build time: a build arg can change it",
    };
    let mut text = format!(
        "**{}** `{}`\n\nref: {reference}, {class}",
        source.tool,
        redact_url(&source.url).replace('`', "'")
    );
    if let Some(pinned) = &source.pinned_by {
        let line = file.position(pinned.start).line;
        text.push_str(&format!("\n\npinned by the checkout on line {line}"));
    }
    text
}

/// What busts or pins the layer.
fn cure(file: &SourceFile, analysis: &Analysis<'_>, layer: &Layer) -> String {
    if analysis.mutable_sources(layer).next().is_none() {
        return "Pinned: Docker's cache is right for this layer; it needs no cache bust.".into();
    }
    match analysis.covering_bust(layer) {
        Some(bust) => format!(
            "Rebuilt when the build arg `{}` (line {}) changes: build with \
             `cachebust exec -- docker build …` to pass it a value that changes exactly when the \
             remote moves.",
            bust.name,
            file.position(bust.span.start).line
        ),
        None => "Served from the build cache until this line's text changes. Add a cache-bust arg \
                 before it (the quick fix, or `cachebust check --fix`) and build with `cachebust exec`, \
                 or pin a commit SHA."
            .into(),
    }
}
