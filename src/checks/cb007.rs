//! CB007 needless-cache-bust: a bust whose remote layers are all pinned.
use super::analysis::{Analysis, Bust, Place};
use super::fixes::{echo_item, item_lines, mentions};
use super::wording;
use crate::catalogue::known;
use crate::finding::{Applicability, Edit, Finding, Fix, Label};
use crate::model::ItemKind;

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
            fix: remove_fix(analysis, bust),
        });
    }
}

/// Removes the `ARG` line (and the echo line right after it) when the `ARG` declares only this name and
/// nothing else in the stage uses it. Unsafe: the author may keep the arg for a periodic rebuild.
fn remove_fix(analysis: &Analysis<'_>, bust: &Bust) -> Option<Fix> {
    let Place::Stage { stage, item } = bust.place else {
        return None;
    };
    let items = &analysis.dockerfile.stages[stage].items;
    if !matches!(&items[item].kind, ItemKind::Arg(decls) if decls.len() == 1) {
        return None;
    }
    let echo = echo_item(analysis, bust, item);
    let used = (item + 1..items.len())
        .filter(|i| Some(*i) != echo)
        .any(|i| mentions(&analysis.file.text[items[i].span.clone()], &bust.name));
    if used {
        return None;
    }
    let edits = std::iter::once(item)
        .chain(echo)
        .map(|i| Edit::delete(item_lines(analysis, stage, i)))
        .collect();
    Some(Fix {
        title: format!("Remove `ARG {}` (its layers are pinned)", bust.name),
        applicability: Applicability::Unsafe,
        edits,
    })
}

#[cfg(test)]
mod tests {
    use crate::fix::apply_edits;
    use crate::lint::lint_bytes;
    use crate::settings::Settings;

    const PINNED: &str = "RUN git clone https://h/o/t.git /src && git -C /src checkout 0123456789abcdef0123456789abcdef01234567\n";

    /// The text after CB007's fix, or `None` when it offers none.
    fn fixed(text: &str) -> Option<String> {
        let report = lint_bytes(
            "Dockerfile".as_ref(),
            "Dockerfile".into(),
            text.as_bytes().to_vec(),
            &Settings::default(),
        );
        let finding = report.findings.iter().find(|f| f.code == "CB007")?;
        let fix = finding.fix.as_ref()?;
        Some(apply_edits(text, &fix.edits))
    }

    #[test]
    fn removes_the_arg_and_its_echo_line_keeping_comments() {
        let text = format!(
            "FROM a\n# why we bust\nARG CACHE_BUST\n# keep me\nRUN echo \"${{CACHE_BUST}}\"\n{PINNED}"
        );
        assert_eq!(
            fixed(&text).as_deref(),
            Some(format!("FROM a\n# why we bust\n# keep me\n{PINNED}").as_str())
        );
    }

    #[test]
    fn not_offered_when_the_arg_is_used_or_shares_its_line() {
        let used = format!("FROM a\nARG CACHE_BUST\n{PINNED}RUN make V=$CACHE_BUST\n");
        assert_eq!(fixed(&used), None);
        let shared = format!("FROM a\nARG CACHE_BUST OTHER=1\n{PINNED}");
        assert_eq!(fixed(&shared), None);
        let crlf = format!(
            "FROM a\r\nARG CACHE_BUST\r\n{}",
            PINNED.replace('\n', "\r\n")
        );
        assert_eq!(
            fixed(&crlf).as_deref(),
            Some(format!("FROM a\r\n{}", PINNED.replace('\n', "\r\n")).as_str())
        );
    }
}
