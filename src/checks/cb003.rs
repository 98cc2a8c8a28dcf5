//! CB003 cache-bust-too-early: RUN layers between the bust arg and the first remote layer rebuild on
//! every bust.
use super::analysis::{Analysis, Bust, Layer, Place};
use super::fixes::{echo_item, item_lines, mentions};
use crate::catalogue::known;
use crate::finding::{Applicability, Edit, Finding, Fix, Label};
use crate::model::ItemKind;

pub fn check(analysis: &Analysis<'_>, findings: &mut Vec<Finding>) {
    let rule = known("CB003");
    for bust in analysis.busts.iter().filter(|b| b.repo.is_none()) {
        let Place::Stage { stage, item } = bust.place else {
            continue;
        };
        let Some(target) = analysis.layers.iter().find(|l| {
            l.stage == stage
                && l.item > item
                && l.onbuild == bust.onbuild
                && analysis.mutable_sources(l).next().is_some()
        }) else {
            continue;
        };
        let items = &analysis.dockerfile.stages[stage].items[item + 1..target.item];
        let rebuilt: Vec<_> = items
            .iter()
            .filter(|i| i.onbuild == bust.onbuild && matches!(i.kind, ItemKind::Run(_)))
            .filter(|i| !mentions(&analysis.file.text[i.span.clone()], &bust.name))
            .collect();
        let Some(first) = rebuilt.first() else {
            continue;
        };
        let count = rebuilt.len();
        let (layers, they, here) = if count == 1 {
            (
                "1 RUN layer".to_string(),
                "it rebuilds",
                "this RUN layer rebuilds".to_string(),
            )
        } else {
            (
                format!("{count} RUN layers"),
                "they rebuild",
                format!("{count} RUN layers, from here down, rebuild"),
            )
        };
        let echo = if echo_item(analysis, bust, item).is_some_and(|echo| echo < target.item) {
            " (and its echo line)"
        } else {
            ""
        };
        findings.push(Finding {
            code: "CB003",
            severity: rule.severity,
            message: format!("`{}` is declared {layers} too early: {they} on every bust", bust.name),
            span: bust.span.clone(),
            label: format!("every RUN after this line misses the cache when `{}` changes", bust.name),
            related: vec![
                Label { span: first.span.clone(), text: format!("{here} for nothing") },
                Label { span: target.span.clone(), text: "the first remote layer: the arg belongs right before it".into() },
            ],
            help: format!(
                "Move `ARG {}`{echo} down to just before the first remote layer, so only that layer \
                 and the ones after it rebuild when the value changes.",
                bust.name
            ),
            fix: move_fix(analysis, bust, target, item),
        });
    }
}

/// Moves the arg line (and an echo line right after it) to the line of the first remote layer, when the
/// `ARG` declares only this name and nothing in between uses it.
fn move_fix(analysis: &Analysis<'_>, bust: &Bust, target: &Layer, item: usize) -> Option<Fix> {
    let stage = &analysis.dockerfile.stages[target.stage];
    if !matches!(&stage.items[item].kind, ItemKind::Arg(decls) if decls.len() == 1) {
        return None;
    }
    let mut moved = vec![item];
    if let Some(echo) = echo_item(analysis, bust, item).filter(|echo| *echo < target.item) {
        moved.push(echo);
    }
    let between_items = moved[moved.len() - 1] + 1..target.item;
    let between = &stage.items[between_items.clone()];
    if between
        .iter()
        .any(|i| mentions(&analysis.file.text[i.span.clone()], &bust.name))
    {
        return None;
    }
    // Another bust arg in between would then be too early in turn, and the two fixes would move each
    // arg below the other for ever.
    let other_bust = analysis.busts.iter().any(|b| {
        matches!(b.place, Place::Stage { stage: s, item: i } if s == target.stage && between_items.contains(&i))
    });
    if other_bust {
        return None;
    }
    let file = analysis.file;
    let cut = item_lines(analysis, target.stage, moved[0]).start
        ..item_lines(analysis, target.stage, moved[moved.len() - 1]).end;
    let mut text = file.text[cut.clone()].to_string();
    if !text.ends_with('\n') {
        text += file.newline();
    }
    let at = super::fixes::attached_comments_start(file, file.line_range(target.span.start).start);
    Some(Fix {
        title: format!(
            "Move `ARG {}` down to just before the first remote layer",
            bust.name
        ),
        applicability: Applicability::Unsafe,
        edits: vec![Edit::delete(cut), Edit::insert(at, text)],
    })
}

#[cfg(test)]
mod tests {
    use crate::lint::lint_bytes;
    use crate::settings::Settings;

    fn cb003(text: &str) -> (String, String) {
        let report = lint_bytes(
            "Dockerfile".as_ref(),
            "Dockerfile".into(),
            text.as_bytes().to_vec(),
            &Settings::default(),
        );
        let f = report
            .findings
            .iter()
            .find(|f| f.code == "CB003")
            .expect("a CB003");
        (f.message.clone(), f.help.clone())
    }

    #[test]
    fn one_layer_is_it_and_no_echo_line_is_not_mentioned() {
        let (message, help) = cb003(
            "FROM debian\nARG CACHE_BUST=1\nRUN apt-get update\n\
             RUN git clone -b main https://github.com/acme/t.git /t\n",
        );
        assert_eq!(
            message,
            "`CACHE_BUST` is declared 1 RUN layer too early: it rebuilds on every bust"
        );
        assert!(help.starts_with("Move `ARG CACHE_BUST` down to"), "{help}");
    }

    #[test]
    fn several_layers_are_they_and_the_echo_line_moves_too() {
        let (message, help) = cb003(
            "FROM debian\nARG CACHE_BUST=1\nRUN echo \"${CACHE_BUST}\"\nRUN apt-get update\n\
             RUN make\nRUN git clone -b main https://github.com/acme/t.git /t\n",
        );
        assert_eq!(
            message,
            "`CACHE_BUST` is declared 2 RUN layers too early: they rebuild on every bust"
        );
        assert!(
            help.starts_with("Move `ARG CACHE_BUST` (and its echo line) down to"),
            "{help}"
        );
    }
}
