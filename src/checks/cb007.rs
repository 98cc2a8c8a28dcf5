//! CB007 needless-cache-bust: a bust whose remote layers are all pinned.
use super::analysis::{Analysis, Place};
use super::wording;
use crate::catalogue::known;
use crate::finding::{Finding, Label};

pub fn check(analysis: &Analysis<'_>, findings: &mut Vec<Finding>) {
    let rule = known("CB007");
    for bust in analysis
        .busts
        .iter()
        .filter(|b| b.repo.is_none() && matches!(b.place, Place::Stage { .. }))
    {
        let reached: Vec<_> = analysis
            .layers
            .iter()
            .filter(|l| analysis.reaches(bust, l))
            .collect();
        // A ref from a build arg may be a branch at build time (`--build-arg REF=main`): the bust is
        // needed then, whatever the default says.
        let overridable = reached
            .iter()
            .flat_map(|l| &l.sources)
            .any(|s| s.ref_from_variable);
        if reached.is_empty()
            || overridable
            || reached
                .iter()
                .any(|l| analysis.mutable_sources(l).next().is_some())
        {
            continue;
        }
        let pinned = &reached[0].sources[0];
        let count = reached.len();
        findings.push(Finding {
            code: "CB007",
            severity: rule.severity,
            message: format!(
                "`{}` busts {} that {}: it only rebuilds for nothing",
                bust.name,
                if count == 1 { "1 remote layer".to_string() } else { format!("{count} remote layers") },
                if count == 1 { "is pinned (to a commit or tag)" } else { "are all pinned (to commits or tags)" }
            ),
            span: bust.span.clone(),
            label: "a cache bust with nothing that moves after it".into(),
            related: vec![Label { span: pinned.command.clone(), text: wording::label(pinned) }],
            help: format!(
                "A pinned remote never moves, so busting it only reruns this layer and every RUN after `{}`. \
                 Remove the arg unless something else in the stage needs a periodic rebuild.",
                bust.name
            ),
            fix: None,
        });
    }
}
