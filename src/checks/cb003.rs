//! CB003 cache-bust-too-early: RUN layers between the bust arg and the first remote layer rebuild on
//! every bust.
use super::analysis::{Analysis, Bust, Layer, Place};
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
        let layers = if count == 1 {
            "1 RUN layer".to_string()
        } else {
            format!("{count} RUN layers")
        };
        findings.push(Finding {
            code: "CB003",
            severity: rule.severity,
            message: format!("`{}` is declared {count} RUN layer{} too early: they rebuild on every bust", bust.name, if count == 1 { "" } else { "s" }),
            span: bust.span.clone(),
            label: format!("every RUN after this line misses the cache when `{}` changes", bust.name),
            related: vec![
                Label { span: first.span.clone(), text: format!("{layers} here and below rebuild for nothing") },
                Label { span: target.span.clone(), text: "the first remote layer: the arg belongs right before it".into() },
            ],
            help: format!(
                "Move `ARG {}` (and its echo line) down to just before the first remote layer, so only that layer \
                 and the ones after it rebuild when the value changes.",
                bust.name
            ),
            fix: move_fix(analysis, bust, target, item),
        });
    }
}

/// Whether instruction text refers to `$name` / `${name…}`.
fn mentions(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before = &text[..i];
        let after = text[i + name.len()..].chars().next();
        let ends_name = !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        ends_name
            && (before.ends_with('$')
                || before.ends_with("${")
                || before.ends_with("$env:")
                || before.ends_with('%'))
    })
}

/// Moves the arg line (and an echo line right after it) to the line of the first remote layer, when the
/// `ARG` declares only this name and nothing in between uses it.
fn move_fix(analysis: &Analysis<'_>, bust: &Bust, target: &Layer, item: usize) -> Option<Fix> {
    let stage = &analysis.dockerfile.stages[target.stage];
    if !matches!(&stage.items[item].kind, ItemKind::Arg(decls) if decls.len() == 1) {
        return None;
    }
    let mut moved = vec![item];
    if let Some(next) = stage.items.get(item + 1) {
        let echoes = matches!(next.kind, ItemKind::Run(_))
            && mentions(&analysis.file.text[next.span.clone()], &bust.name);
        if echoes && item + 1 < target.item {
            moved.push(item + 1);
        }
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
    let lines = |i: usize| {
        let span = &stage.items[i].span;
        let start = file.line_range(span.start).start;
        let end = file.text[span.end..]
            .find('\n')
            .map_or(file.text.len(), |n| span.end + n + 1);
        start..end
    };
    let cut = lines(moved[0]).start..lines(moved[moved.len() - 1]).end;
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
