//! `--fix` and `--diff`: lint, apply the wanted fixes, lint again until nothing changes, then write the
//! file back (or show the diff). A pass whose result is worse than its input is refused, not written.
use apply::conflicts;

use crate::checks::check_dockerfile;
use crate::finding::{Applicability, Edit, Finding, Fix};
use crate::settings::Settings;
use crate::source::SourceFile;

mod apply;
mod file;
mod write;

#[cfg(test)]
pub use apply::insert_and_remove;
pub use apply::{apply_edits, map_offset};
pub use file::{fix_file, fix_report, fix_report_after, FileFix, FixMode};
pub use write::{write_atomically, WriteError};

/// Lint→fix passes before giving up: each pass applies every fix that does not conflict with another,
/// so real files settle in one or two.
pub const MAX_PASSES: usize = 10;

/// The result of fixing one file's text.
#[derive(Debug, Clone)]
pub struct FixOutcome {
    /// The fixed text (the input when nothing was applied).
    pub text: String,
    /// Code and fix title of every finding that a fix resolved, in order.
    pub fixed: Vec<(&'static str, String)>,
    /// The findings of `text`.
    pub remaining: Vec<Finding>,
    /// Why fixing stopped early, naming the file and the fix, when a pass was refused.
    pub refused: Option<String>,
}

/// Applies the safe fixes (and the unsafe ones when `unsafe_fixes`) to the file's text, re-linting after
/// each pass, until no fix is left or a pass changes nothing (at most [`MAX_PASSES`]).
///
/// A pass is refused, keeping the text from before it, when its output does not parse, when a finding of
/// the code a fix was meant to resolve is still (or newly) at the fixed place, or when it raises the number
/// of findings.
pub fn fix_text(file: &SourceFile, settings: &Settings, unsafe_fixes: bool) -> FixOutcome {
    fix_with(file, unsafe_fixes, |f| check_dockerfile(f, settings))
}

/// [`fix_text`] with the linter passed in: compose files are fixed with the compose linter, and tests
/// feed it fixes no real check makes.
pub fn fix_with(
    file: &SourceFile,
    unsafe_fixes: bool,
    lint: impl Fn(&SourceFile) -> Vec<Finding>,
) -> FixOutcome {
    fix_from(file, lint(file), unsafe_fixes, lint)
}

/// [`fix_with`] from the findings `lint` gives for `file` as it is, when the caller has them already.
pub fn fix_from(
    file: &SourceFile,
    findings: Vec<Finding>,
    unsafe_fixes: bool,
    lint: impl Fn(&SourceFile) -> Vec<Finding>,
) -> FixOutcome {
    let mut current = file.clone();
    let mut findings = findings;
    let mut fixed = Vec::new();
    let mut refused = None;
    for pass in 0.. {
        let chosen = choose_fixes(&findings, unsafe_fixes);
        if chosen.is_empty() {
            break;
        }
        if pass == MAX_PASSES {
            refused = Some(format!(
                "{}: stopped after {MAX_PASSES} fix passes with fixes still to apply (`{}`); \
                 this is a bug in cachebust, please report it",
                file.display, chosen[0].1.title
            ));
            break;
        }
        let edits: Vec<_> = chosen
            .iter()
            .flat_map(|(_, fix)| fix.edits.iter().cloned())
            .collect();
        let text = apply_edits(&current.text, &edits);
        if text == current.text {
            break;
        }
        let next = current.with_text(text);
        let next_findings = lint(&next);
        let pass = Pass {
            before: &current,
            findings: &findings,
            chosen: &chosen,
            edits: &edits,
        };
        if let Some(why) = pass.refusal(&next_findings) {
            refused = Some(why);
            break;
        }
        fixed.extend(chosen.iter().map(|(f, fix)| (f.code, fix.title.clone())));
        current = next;
        findings = next_findings;
    }
    FixOutcome {
        text: current.text,
        fixed,
        remaining: findings,
        refused,
    }
}

/// The fixes of one pass: those of the wanted applicability, in order of their first edit, each taken
/// whole or not at all (a move is a deletion and an insertion), leaving out any that conflicts with one
/// taken before it. A fix identical to a taken one is taken too: it resolves its finding as well.
fn choose_fixes(findings: &[Finding], unsafe_fixes: bool) -> Vec<(&Finding, &Fix)> {
    let wanted = |fix: &Fix| fix.applicability == Applicability::Safe || unsafe_fixes;
    let mut candidates: Vec<(&Finding, &Fix)> = findings
        .iter()
        .filter_map(|f| Some((f, f.fix.as_ref()?)))
        .filter(|(_, fix)| wanted(fix) && !fix.edits.is_empty())
        .collect();
    candidates.sort_by_key(|(_, fix)| fix.edits.iter().map(|e| e.range.start).min());
    let mut taken: Vec<&Edit> = Vec::new();
    let mut chosen = Vec::new();
    for (finding, fix) in candidates {
        let edits = &fix.edits;
        let with_taken = edits.iter().any(|e| taken.iter().any(|t| conflicts(t, e)));
        // A fix whose own edits clash could only be applied in part.
        let with_itself =
            (0..edits.len()).any(|i| edits[i + 1..].iter().any(|e| conflicts(&edits[i], e)));
        if with_taken || with_itself {
            continue;
        }
        taken.extend(&fix.edits);
        chosen.push((finding, fix));
    }
    chosen
}

/// One lint→fix pass, for judging its result.
struct Pass<'a> {
    before: &'a SourceFile,
    findings: &'a [Finding],
    chosen: &'a [(&'a Finding, &'a Fix)],
    edits: &'a [Edit],
}

impl Pass<'_> {
    /// Why the pass's result must not be kept, if it must not.
    fn refusal(&self, after: &[Finding]) -> Option<String> {
        let display = &self.before.display;
        // A CB000 the file had before (a driver naming a missing Dockerfile) is not the fix's doing.
        let errors = |findings: &[Finding]| findings.iter().filter(|f| f.code == "CB000").count();
        if errors(after) > errors(self.findings) {
            let error = after.iter().find(|f| f.code == "CB000")?;
            return Some(format!(
                "{display}: refused to apply {}: the result would not parse ({})",
                self.titles(),
                error.message
            ));
        }
        let new_ranges = apply::new_ranges(self.edits);
        for (finding, fix) in self.chosen {
            let was = map_offset(&self.before.text, self.edits, finding.span.start);
            let inserted = |at: usize| {
                new_ranges
                    .iter()
                    .any(|(e, r)| fix.edits.contains(e) && r.contains(&at))
            };
            let stays = after.iter().any(|g| {
                g.code == finding.code && (Some(g.span.start) == was || inserted(g.span.start))
            });
            if stays {
                let line = self.before.position(finding.span.start).line;
                return Some(format!(
                    "{display}: refused to apply `{}`: the {} finding at line {line} would still be there",
                    fix.title, finding.code
                ));
            }
        }
        if after.len() > self.findings.len() {
            return Some(format!(
                "{display}: refused to apply {}: it would raise the number of findings from {} to {}",
                self.titles(),
                self.findings.len(),
                after.len()
            ));
        }
        None
    }

    /// The titles of the pass's fixes, each once, quoted.
    fn titles(&self) -> String {
        let mut titles: Vec<&str> = Vec::new();
        for (_, fix) in self.chosen {
            if !titles.contains(&fix.title.as_str()) {
                titles.push(&fix.title);
            }
        }
        titles
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
