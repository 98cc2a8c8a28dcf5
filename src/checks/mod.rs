//! The checks: from a Dockerfile's text to its findings. One file per rule.
use crate::finding::Finding;
use crate::model::build_dockerfile;
use crate::parse::dockerfile::parse_dockerfile;
use crate::settings::Settings;
use crate::source::SourceFile;

pub mod analysis;
mod cb000;
mod cb001;
mod cb002;
mod cb003;
mod cb006;
mod cb007;
mod files;
mod fixes;
mod wording;

pub use analysis::Analysis;

/// Lints one Dockerfile. A file that does not parse yields a single CB000 finding.
pub fn check_dockerfile(file: &SourceFile, settings: &Settings) -> Vec<Finding> {
    let ast = match parse_dockerfile(file) {
        Ok(ast) => ast,
        Err(error) => return vec![cb000::syntax_error(&error)],
    };
    let dockerfile = build_dockerfile(file, &ast);
    let analysis = Analysis::new(file, dockerfile, settings);
    let mut findings = Vec::new();
    cb001::check(&analysis, &mut findings);
    cb002::check(&analysis, &mut findings);
    cb003::check(&analysis, &mut findings);
    cb006::check(&analysis, &mut findings);
    cb007::check(&analysis, &mut findings);
    findings.sort_by(|a, b| (a.span.start, a.code).cmp(&(b.span.start, b.code)));
    findings
}
