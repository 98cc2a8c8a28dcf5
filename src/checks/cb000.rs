//! CB000 syntax-error: the file cannot be parsed.
use super::analysis::Analysis;
use crate::catalogue::known;
use crate::finding::Finding;
use crate::parse::dockerfile::SyntaxError;

pub fn syntax_error(error: &SyntaxError) -> Finding {
    let rule = known("CB000");
    Finding {
        code: "CB000",
        severity: rule.severity,
        message: format!("cannot parse this file: {}", error.message),
        span: error.span.clone(),
        label: error.message.clone(),
        related: Vec::new(),
        help: if error.docker_accepts {
            "Docker builds this file, but cachebust cannot check it: the rest of the file was not checked."
        } else {
            "Fix the syntax here; `docker build` rejects this file too. The rest of the file was not checked."
        }
        .into(),
        fix: None,
    }
}

/// An expansion that hit one of cachebust's bounds (deep nesting, a value that grows past its cap):
/// checking goes on, with every variable from there on unknown.
pub fn check(analysis: &Analysis<'_>, findings: &mut Vec<Finding>) {
    let Some((span, breach)) = &analysis.bound else {
        return;
    };
    let what = breach.describe();
    findings.push(Finding {
        code: "CB000",
        severity: known("CB000").severity,
        message: format!("cannot expand the variables here: {what}"),
        span: span.clone(),
        label: what,
        related: Vec::new(),
        help:
            "cachebust bounds expansion so that no file can make a run slow or big; variables from \
               here on are treated as unknown. Write the value out, or nest less."
                .into(),
        fix: None,
    });
}
