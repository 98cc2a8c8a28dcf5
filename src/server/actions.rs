//! Code actions: each finding's fix as a `quickfix` (the safe ones preferred), a suppression comment per
//! finding, and `source.fixAll.cachebust`, which applies every safe fix of the document and of the other
//! files of its compose set exactly as `check --fix` would (Dockerfiles first, then the compose files
//! that must pass their new args), each as a `WorkspaceEdit` of exact ranges.
// `WorkspaceEdit::changes` is a map keyed by lsp-types' `Uri`, whose cached parse clippy takes for
// interior mutability; its hash and equality read only the URI's text.
#![allow(clippy::mutable_key_type)]
use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, Range, TextEdit, Uri,
    WorkspaceEdit,
};

use super::diagnostics::{to_diagnostic, Text};
use super::documents::{kind_of, path_to_uri, Kind};
use super::position::Encoding;
use super::workspace::{Overlay, Workspace};
use crate::checks::{check_dockerfile, instruction_spans};
use crate::finding::{Applicability, Edit, Finding};
use crate::fix::{fix_from, fix_with};
use crate::lint::FileReport;
use crate::parse::dockerfile::parse_dockerfile;
use crate::source::SourceFile;

/// The kind of the fix-all action: editors run it on save with `"source.fixAll"`.
pub const FIX_ALL: &str = "source.fixAll.cachebust";

/// What a code action request is about.
pub struct Request<'a> {
    pub uri: &'a Uri,
    pub path: &'a Path,
    pub range: Range,
    /// The kinds the client asked for (`None`: any).
    pub only: Option<&'a [CodeActionKind]>,
    pub encoding: Encoding,
}

impl Request<'_> {
    fn wants(&self, kind: &str) -> bool {
        self.only.is_none_or(|only| {
            only.iter()
                .any(|k| kind == k.as_str() || kind.starts_with(&format!("{}.", k.as_str())))
        })
    }
}

/// The actions for the findings of `reports` (as `Workspace::lint_around` gave them) in the request's
/// range, and the fix-all action.
pub fn code_actions(
    workspace: &mut Workspace,
    overlay: &Overlay,
    reports: &[FileReport],
    request: &Request<'_>,
) -> Vec<CodeActionOrCommand> {
    let mut actions = Vec::new();
    let Some(mine) = reports.iter().find(|r| r.file.path == request.path) else {
        return actions;
    };
    let text = Text::new(&mine.file.text, request.encoding);
    if request.wants(CodeActionKind::QUICKFIX.as_str()) {
        for finding in &mine.findings {
            let diagnostic = to_diagnostic(finding, &mine.file, request.uri, &text);
            if !overlaps(&diagnostic.range, &request.range) {
                continue;
            }
            if let Some(fix) = &finding.fix {
                let edits = fix.edits.iter().map(|e| text_edit(&text, e)).collect();
                actions.push(action(
                    fix.title.clone(),
                    CodeActionKind::QUICKFIX,
                    Some(diagnostic.clone()),
                    HashMap::from([(request.uri.clone(), edits)]),
                    fix.applicability == Applicability::Safe,
                ));
            }
            if let Some(edit) = suppression(&mine.file, finding) {
                let title = format!(
                    "Suppress {} with `# cachebust: ignore[{}]`",
                    finding.code, finding.code
                );
                let edits = vec![text_edit(&text, &edit)];
                actions.push(action(
                    title,
                    CodeActionKind::QUICKFIX,
                    Some(diagnostic),
                    HashMap::from([(request.uri.clone(), edits)]),
                    false,
                ));
            }
        }
    }
    if request.wants(FIX_ALL) {
        let changes = fix_all(workspace, overlay, reports, request.encoding);
        if !changes.is_empty() {
            let title = "Fix all safe cachebust findings".to_string();
            let kind = CodeActionKind::new(FIX_ALL);
            actions.push(action(title, kind, None, changes, false));
        }
    }
    actions
}

fn action(
    title: String,
    kind: CodeActionKind,
    diagnostic: Option<Diagnostic>,
    changes: HashMap<Uri, Vec<TextEdit>>,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit::new(changes)),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    })
}

/// Whether two ranges share a position (an empty request range at a diagnostic's edge counts).
fn overlaps(a: &Range, b: &Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn text_edit(text: &Text<'_>, edit: &Edit) -> TextEdit {
    TextEdit::new(text.range(&edit.range), edit.content.clone())
}

/// Every safe fix of the files of `reports`, as `check --fix` applies them: the Dockerfiles first, then
/// the compose files linted against the fixed Dockerfiles. One edit per changed file, from its first
/// changed byte to its last.
pub fn fix_all(
    workspace: &mut Workspace,
    overlay: &Overlay,
    reports: &[FileReport],
    encoding: Encoding,
) -> HashMap<Uri, Vec<TextEdit>> {
    let mut fixed = overlay.clone();
    let mut changed: Vec<(&SourceFile, String)> = Vec::new();
    let compose = |r: &&FileReport| kind_of(&r.file.path, "") == Kind::Compose;
    for report in reports.iter().filter(|r| !compose(r)) {
        if !report.findings.iter().any(is_safe) {
            continue;
        }
        let settings = workspace.configs.settings_for(&report.file.path);
        let lint = |f: &SourceFile| check_dockerfile(f, &settings);
        let outcome = fix_from(&report.file, report.findings.clone(), false, lint);
        if outcome.text != report.file.text {
            fixed.set(&report.file.path, outcome.text.clone());
            changed.push((&report.file, outcome.text));
        }
    }
    for report in reports.iter().filter(compose) {
        let path = &report.file.path;
        let settings = workspace.configs.settings_for(path);
        let lint = |f: &SourceFile| -> Vec<Finding> {
            let mut overlay = fixed.clone();
            overlay.set(path, f.text.clone());
            let set = workspace.lint_set(&overlay, path, &settings);
            let mine = set.compose.into_iter().find(|r| r.file.path == *path);
            mine.map(|r| r.findings).unwrap_or_default()
        };
        let outcome = fix_with(&report.file, false, lint);
        if outcome.text != report.file.text {
            changed.push((&report.file, outcome.text));
        }
    }
    changed
        .into_iter()
        .filter_map(|(file, after)| {
            let uri = path_to_uri(&std::path::absolute(&file.path).ok()?)?;
            let text = Text::new(&file.text, encoding);
            Some((uri, vec![text_edit(&text, &difference(&file.text, &after))]))
        })
        .collect()
}

fn is_safe(finding: &Finding) -> bool {
    finding
        .fix
        .as_ref()
        .is_some_and(|f| f.applicability == Applicability::Safe)
}

/// The one edit that turns `before` into `after`: what lies between their common prefix and suffix.
fn difference(before: &str, after: &str) -> Edit {
    let mut start = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(start) || !after.is_char_boundary(start) {
        start -= 1;
    }
    let room = before.len().min(after.len()) - start;
    let mut suffix = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(before.len() - suffix)
        || !after.is_char_boundary(after.len() - suffix)
    {
        suffix -= 1;
    }
    Edit {
        range: start..before.len() - suffix,
        content: after[start..after.len() - suffix].to_string(),
    }
}

/// The edit that suppresses the finding: in a Dockerfile, a comment line before its instruction; in a
/// compose file, a comment ending the line of the service's `build:` key above it. `None` for what a
/// comment cannot suppress (CB000, and CB100 itself).
fn suppression(file: &SourceFile, finding: &Finding) -> Option<Edit> {
    if matches!(finding.code, "CB000" | "CB100") {
        return None;
    }
    let comment = format!("# cachebust: ignore[{}]", finding.code);
    if kind_of(&file.path, "") == Kind::Compose {
        let text = &file.text;
        let mut line = file.line_range(finding.span.start);
        let indent =
            |l: &std::ops::Range<usize>| text[l.clone()].len() - text[l.clone()].trim_start().len();
        let limit = indent(&line);
        loop {
            let content = text[line.clone()].trim_start();
            if (content.starts_with("build:") || content == "build") && indent(&line) <= limit {
                if text[line.clone()].contains('#') {
                    return None;
                }
                return Some(Edit::insert(line.end, format!(" {comment}")));
            }
            if line.start == 0 {
                return None;
            }
            line = file.line_range(line.start - 1);
        }
    }
    let ast = parse_dockerfile(file).ok()?;
    let model = crate::model::build_dockerfile(file, &ast);
    let start = instruction_spans(&model)
        .into_iter()
        .filter(|s| s.start <= finding.span.start && finding.span.start < s.end.max(s.start + 1))
        .map(|s| s.start)
        .next_back()
        .unwrap_or(finding.span.start);
    let line = file.line_range(start);
    let indent = &file.text[line.start..start];
    let indent: String = indent.chars().take_while(|c| c.is_whitespace()).collect();
    Some(Edit::insert(
        line.start,
        format!("{indent}{comment}{}", file.newline()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_difference_is_one_exact_edit() {
        let edit = difference("FROM a\nRUN é x\n", "FROM a\nARG B\nRUN é x\n");
        assert_eq!(edit, Edit::insert(7, "ARG B\n"));
        // Common bytes inside a character do not split it: `é` (c3 a9) and `è` (c3 a8).
        let edit = difference("aé", "aè");
        assert_eq!(edit.range, 1..3);
        assert_eq!(edit.content, "è");
        assert_eq!(difference("same", "same"), Edit::insert(4, ""));
    }
}
