//! The checks: from a Dockerfile's text to its findings. One file per rule.
use crate::finding::Finding;
use crate::model::{build_dockerfile, Dockerfile};
use crate::parse::dockerfile::parse_dockerfile;
use crate::settings::Settings;
use crate::source::SourceFile;

pub mod add_git;
pub mod analysis;
mod cb000;
mod cb001;
pub use cb001::{built_by, built_by_compose};
mod cb002;
mod cb003;
mod cb006;
mod cb007;
mod files;
mod fixes;
pub mod names;
pub(crate) mod suppress;
mod wording;

pub use analysis::Analysis;
pub use cb001::ADD_GIT_NOTE;
use suppress::apply_suppressions;

/// Lints one Dockerfile. A file that does not parse yields a single CB000 finding.
/// Suppression comments and the settings' rule selection apply.
pub fn check_dockerfile(file: &SourceFile, settings: &Settings) -> Vec<Finding> {
    check_dockerfile_and_model(file, settings, None).0
}

/// [`check_dockerfile`], and the file's model for the compose rules (`None` when it does not parse),
/// so that a Dockerfile a compose file builds is parsed once. Context files (requirements, scripts) are
/// read from `context` when given (a compose service's `context:`), else from the file's directory.
pub fn check_dockerfile_and_model(
    file: &SourceFile,
    settings: &Settings,
    context: Option<&std::path::Path>,
) -> (Vec<Finding>, Option<Dockerfile>) {
    let ast = match parse_dockerfile(file) {
        Ok(ast) => ast,
        Err(error) => {
            let findings = settings.filter(&file.path, vec![cb000::syntax_error(&error)]);
            return (findings, None);
        }
    };
    let dockerfile = build_dockerfile(file, &ast);
    let instructions = instruction_spans(&dockerfile);
    let context = context
        .or(file.context.as_deref())
        .or_else(|| file.path.parent());
    let analysis = Analysis::in_context(file, dockerfile, settings, context);
    let findings = run_rules(&analysis);
    let enabled = |code: &str| settings.reports(code, &file.path);
    let findings = apply_suppressions(file, &instructions, findings, &enabled);
    (
        settings.filter(&file.path, findings),
        Some(analysis.dockerfile),
    )
}

/// The rules over a model a driver filled in (ARGs with no default given the values it passes), with
/// the file's suppression comments and the settings applied: a driver's view of its Dockerfile.
pub fn check_model(file: &SourceFile, dockerfile: Dockerfile, settings: &Settings) -> Vec<Finding> {
    let instructions = instruction_spans(&dockerfile);
    let analysis = Analysis::new(file, dockerfile, settings);
    let mut findings = run_rules(&analysis);
    // CB007's removal is judged with the driver's values, which the fix loop (linting the file alone)
    // cannot see: it would undo or refuse it. The finding stays; the arg is removed by hand.
    for finding in findings.iter_mut().filter(|f| f.code == "CB007") {
        finding.fix = None;
    }
    let enabled = |code: &str| settings.reports(code, &file.path);
    let findings = apply_suppressions(file, &instructions, findings, &enabled);
    settings.filter(&file.path, findings)
}

/// Every instruction's span, in file order.
pub fn instruction_spans(dockerfile: &crate::model::Dockerfile) -> Vec<std::ops::Range<usize>> {
    let mut spans: Vec<_> = dockerfile
        .global_args
        .iter()
        .map(|a| a.span.clone())
        .collect();
    for stage in &dockerfile.stages {
        spans.push(stage.from.clone());
        spans.extend(stage.items.iter().map(|i| i.span.clone()));
    }
    spans.sort_by_key(|s| s.start);
    spans.dedup();
    spans
}

fn run_rules(analysis: &Analysis<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    cb000::check(analysis, &mut findings);
    cb001::check(analysis, &mut findings);
    cb002::check(analysis, &mut findings);
    cb003::check(analysis, &mut findings);
    cb006::check(analysis, &mut findings);
    cb007::check(analysis, &mut findings);
    findings.sort_by(|a, b| (a.span.start, a.code).cmp(&(b.span.start, b.code)));
    findings
}
