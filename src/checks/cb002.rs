//! CB002 cache-bust-out-of-scope: a bust arg exists but cannot reach the remote layer.
use super::analysis::{Analysis, OutOfScope, Place};
use super::{cb001, fixes, wording};
use crate::catalogue::known;
use crate::finding::{Applicability, Finding, Fix, Label};

pub fn check(analysis: &Analysis<'_>, findings: &mut Vec<Finding>) {
    let rule = known("CB002");
    for layer in cb001::uncovered(analysis) {
        let Some((bust, why)) = analysis.out_of_scope_bust(layer) else {
            continue;
        };
        let Some(source) = analysis.mutable_sources(layer).next() else {
            continue;
        };
        let stage = analysis.stage_name(layer.stage);
        let (headline, where_, value) = match why {
            OutOfScope::GlobalOnly => (
                format!(
                    "`{}` is declared only before `FROM`, so {stage} never sees it",
                    bust.name
                ),
                "a global arg: visible to `FROM` lines only".to_string(),
                // `ARG NAME` with no value inherits the global default.
                None,
            ),
            OutOfScope::AfterLayer => (
                format!("`{}` is declared after the layer it should bust", bust.name),
                "declared here, after the layer: too late to change its cache key".to_string(),
                bust.default.clone(),
            ),
            OutOfScope::OtherStage => {
                let Place::Stage { stage: other, .. } = bust.place else {
                    continue;
                };
                (
                    format!(
                        "`{}` is declared in {}, which {stage} is not built from",
                        bust.name,
                        analysis.stage_name(other)
                    ),
                    format!(
                        "declared in {}: invisible to {stage}",
                        analysis.stage_name(other)
                    ),
                    bust.default.clone(),
                )
            }
        };
        findings.push(Finding {
            code: "CB002",
            severity: rule.severity,
            message: format!("{headline}: `{}` {} stays cached", source.tool, wording::what_it_fetches(source)),
            span: source.command.clone(),
            label: wording::label(source),
            related: vec![Label { span: bust.span.clone(), text: where_ }],
            help: format!(
                "Declare `ARG {}` inside {stage}, right before this layer (`cachebust check --fix`). \
                 A stage sees only the args it declares itself or inherits from the stage it is built from.",
                bust.name
            ),
            fix: Some(Fix {
                title: format!("Declare `ARG {}` in {stage}, right before the layer", bust.name),
                applicability: Applicability::Safe,
                edits: vec![fixes::insert_bust(analysis, cb001::first_uncovered_like(analysis, layer), &bust.name, value.as_deref())],
            }),
        });
    }
}
