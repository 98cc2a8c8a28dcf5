//! CB000 syntax-error for compose files: YAML that does not parse, and a `build` that points nowhere
//! (a missing context or Dockerfile, an unknown target), which `docker compose build` rejects as well.
use std::ops::Range;

use super::yaml::YamlError;
use crate::catalogue::known;
use crate::finding::Finding;

/// The file is not valid YAML (or not UTF-8): nothing else in it was checked.
pub fn invalid_yaml(error: &YamlError) -> Finding {
    Finding {
        code: "CB000",
        severity: known("CB000").severity,
        message: format!("cannot parse this compose file: {}", error.message),
        span: error.span.clone(),
        label: error.message.clone(),
        related: Vec::new(),
        help: "Fix the YAML here; `docker compose` rejects this file too. The rest of the file was not checked."
            .into(),
        fix: None,
    }
}

/// The service's `build` names a context, Dockerfile or target that does not exist.
pub fn unbuildable(service: &str, span: Range<usize>, what: &str, label: &str) -> Finding {
    Finding {
        code: "CB000",
        severity: known("CB000").severity,
        message: format!("service `{service}` {what}"),
        span,
        label: label.into(),
        related: Vec::new(),
        help: "`docker compose build` fails here too. Fix `context`, `dockerfile` (relative to the \
               context) or `target`, or create what is missing; this service's cache busts were not checked."
            .into(),
        fix: None,
    }
}

/// A `build` field nested past what cachebust interpolates.
pub fn too_deep(service: &str, span: Range<usize>, what: &str) -> Finding {
    Finding {
        code: "CB000",
        severity: known("CB000").severity,
        message: format!("service `{service}`: this value {what}"),
        span,
        label: what.into(),
        related: Vec::new(),
        help:
            "cachebust bounds interpolation so that no file can exhaust its stack; write the value \
               with less nesting. This service's cache busts were not checked."
                .into(),
        fix: None,
    }
}
