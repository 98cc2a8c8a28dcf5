//! Inline suppressions: `# cachebust: ignore[CB001]` (or `ignore` alone, for every code) on the comment
//! lines right before an instruction, and `# cachebust: ignore-file[CB003]` anywhere in the file. A
//! suppression that suppresses nothing, or names an unknown code, is reported (CB100) so it cannot rot.
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::catalogue::{known, rule};
use crate::finding::{Applicability, Edit, Finding, Fix};
use crate::source::SourceFile;

struct Suppression {
    /// The comment line (without its line ending).
    line: Range<usize>,
    /// The codes it names; empty means every code.
    codes: Vec<(String, Range<usize>)>,
    /// The instruction it applies to; `None` for `ignore-file`.
    target: Option<Range<usize>>,
    used: Vec<bool>,
    used_bare: bool,
}

fn pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(r"(?m)^[ \t]*#[ \t]*cachebust:[ \t]*(ignore-file|ignore)\b(?:\[([^\]\r\n]*)\])?")
            .expect("valid regex")
    })
}

/// Removes suppressed findings and reports unused or unknown suppressions. `instructions` are the
/// spans of every instruction of the file, in order; `enabled` tells which codes the run reports.
pub fn apply_suppressions(
    file: &SourceFile,
    instructions: &[Range<usize>],
    findings: Vec<Finding>,
    enabled: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let mut suppressions = parse(file, instructions);
    if suppressions.is_empty() {
        return findings;
    }
    let mut kept = Vec::with_capacity(findings.len());
    for finding in findings {
        let mut suppressed = false;
        for s in &mut suppressions {
            let applies = s
                .target
                .as_ref()
                .is_none_or(|t| t.contains(&finding.span.start) || t.start == finding.span.start);
            if !applies {
                continue;
            }
            if s.codes.is_empty() {
                s.used_bare = true;
                suppressed = true;
            }
            for (i, (code, _)) in s.codes.iter().enumerate() {
                if code.eq_ignore_ascii_case(finding.code) {
                    s.used[i] = true;
                    suppressed = true;
                }
            }
        }
        if !suppressed {
            kept.push(finding);
        }
    }
    for s in &suppressions {
        kept.extend(unused(file, s, enabled));
    }
    kept.sort_by(|a, b| (a.span.start, a.code).cmp(&(b.span.start, b.code)));
    kept
}

fn parse(file: &SourceFile, instructions: &[Range<usize>]) -> Vec<Suppression> {
    pattern()
        .captures_iter(&file.text)
        .map(|c| {
            let whole = c.get(0).expect("match");
            let line = file.line_range(whole.start());
            let file_wide = &c[1] == "ignore-file";
            let codes = c.get(2).map_or_else(Vec::new, |list| {
                let mut codes = Vec::new();
                let mut at = list.start();
                for part in list.as_str().split(',') {
                    let trimmed = part.trim();
                    let start = at + (part.len() - part.trim_start().len());
                    if !trimmed.is_empty() {
                        codes.push((trimmed.to_string(), start..start + trimmed.len()));
                    }
                    at += part.len() + 1;
                }
                codes
            });
            let target = if file_wide {
                None
            } else {
                next_instruction(file, instructions, line.end)
            };
            let used = vec![false; codes.len()];
            Suppression {
                line,
                codes,
                target: target.or(Some(0..0)).filter(|_| !file_wide).or(None),
                used,
                used_bare: false,
            }
        })
        .map(|mut s| {
            // An `ignore` with no instruction after it applies to nothing.
            if s.target == Some(0..0) {
                s.target = Some(usize::MAX..usize::MAX);
            }
            s
        })
        .collect()
}

/// The instruction right after `after`, if only comment and blank lines stand between.
fn next_instruction(
    file: &SourceFile,
    instructions: &[Range<usize>],
    after: usize,
) -> Option<Range<usize>> {
    let next = instructions.iter().find(|i| i.start >= after)?;
    let between = &file.text[after..next.start];
    let only_comments = between.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#')
    });
    only_comments.then(|| file.line_range(next.start).start..next.end)
}

fn unused(file: &SourceFile, s: &Suppression, enabled: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    let rule_info = known("CB100");
    let mut out = Vec::new();
    let mut finding =
        |span: Range<usize>, message: String, label: &str, help: &str, remove: Range<usize>| {
            out.push(Finding {
                code: "CB100",
                severity: rule_info.severity,
                message,
                span,
                label: label.to_string(),
                related: Vec::new(),
                help: help.to_string(),
                fix: Some(Fix {
                    title: "Remove the unused suppression".into(),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::delete(remove)],
                }),
            });
        };
    let whole_line = || {
        let end = file.text[s.line.end..]
            .find('\n')
            .map_or(file.text.len(), |i| s.line.end + i + 1);
        s.line.start..end
    };
    if s.codes.is_empty() {
        if !s.used_bare {
            finding(
                s.line.clone(),
                "this suppression suppresses nothing".into(),
                "nothing here to ignore",
                "Remove it.",
                whole_line(),
            );
        }
        return out;
    }
    let unused: Vec<usize> = (0..s.codes.len()).filter(|&i| !s.used[i]).collect();
    for &i in &unused {
        let (code, span) = &s.codes[i];
        let (message, help) = if rule(code).is_none() {
            (
                format!("unknown rule code `{code}` in a suppression"),
                "`cachebust rule --all` lists the codes.",
            )
        } else if !enabled(&code.to_ascii_uppercase()) {
            continue;
        } else {
            (
                format!("`{code}` is suppressed here but not reported"),
                "Remove it from the list.",
            )
        };
        // Removing the whole comment is right only when no code in it is used.
        let remove = if unused.len() == s.codes.len() {
            whole_line()
        } else {
            span.clone()
        };
        finding(
            span.clone(),
            message,
            "unused",
            help,
            if remove == *span {
                remove_from_list(file, span)
            } else {
                remove
            },
        );
    }
    out
}

/// The code's span plus one neighbouring comma and its spaces, so the list stays well-formed.
fn remove_from_list(file: &SourceFile, span: &Range<usize>) -> Range<usize> {
    let text = &file.text;
    let after = &text[span.end..];
    let trailing = after.len() - after.trim_start_matches([' ', '\t']).len();
    if after[trailing..].starts_with(',') {
        let rest = &after[trailing + 1..];
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        return span.start..span.end + trailing + 1 + spaces;
    }
    let before = &text[..span.start];
    let lead = before.len() - before.trim_end_matches([' ', '\t']).len();
    if before[..before.len() - lead].ends_with(',') {
        return span.start - lead - 1..span.end;
    }
    span.clone()
}
