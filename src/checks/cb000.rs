//! CB000 syntax-error: the file cannot be parsed.
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
