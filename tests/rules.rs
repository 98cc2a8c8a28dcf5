//! The rule catalogue in `rules/` is data the binary embeds: every documented example must behave as
//! documented, and `cachebust rule` must show it.
mod common;

use cachebust::catalogue::{rules, ExampleKind};
use cachebust::compose::lint_project;
use cachebust::lint::{lint_bytes, FileReport};
use cachebust::settings::Settings;

#[test]
fn every_example_behaves_as_documented() {
    let settings = Settings::default();
    let all = rules();
    assert!(all.len() >= 5);
    for rule in all {
        assert!(
            rule.examples.iter().any(|e| e.kind == ExampleKind::Bad),
            "{} has no bad example",
            rule.code
        );
        assert!(
            rule.examples.iter().any(|e| e.kind == ExampleKind::Good),
            "{} has no good example",
            rule.code
        );
        for example in &rule.examples {
            let report = match (&example.compose, &example.driver) {
                (Some(compose), _) => {
                    lint_beside("compose.yaml", compose, &example.dockerfile, &settings)
                }
                (None, Some(driver)) => {
                    lint_beside("build.sh", driver, &example.dockerfile, &settings)
                }
                (None, None) => lint_bytes(
                    "Dockerfile".as_ref(),
                    "Dockerfile".into(),
                    example.dockerfile.clone().into_bytes(),
                    &settings,
                ),
            };
            let hits = report
                .findings
                .iter()
                .filter(|f| f.code == rule.code)
                .count();
            match example.kind {
                ExampleKind::Bad => assert!(
                    hits > 0,
                    "{} bad example `{}` is not reported",
                    rule.code,
                    example.name
                ),
                ExampleKind::Good => assert!(
                    report.findings.is_empty(),
                    "{} good example `{}` reports {:?}",
                    rule.code,
                    example.name,
                    report.findings
                ),
            }
        }
    }
}

/// A compose or driver example is a `compose.yaml` or `build.sh` beside the Dockerfile it builds: their
/// findings together.
fn lint_beside(name: &str, driver: &str, dockerfile: &str, settings: &Settings) -> FileReport {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), driver).unwrap();
    std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
    let project = lint_project(&[dir.path().to_path_buf()], dir.path(), settings);
    let mut reports = project.reports.into_iter();
    let mut report = reports.next().expect("a report");
    report.findings.extend(reports.flat_map(|r| r.findings));
    report
}

#[test]
fn codes_and_names_are_unique() {
    let all = rules();
    let mut codes: Vec<&str> = all.iter().map(|r| r.code.as_str()).collect();
    let mut names: Vec<&str> = all.iter().map(|r| r.name.as_str()).collect();
    codes.dedup();
    names.sort();
    names.dedup();
    assert_eq!(codes.len(), all.len());
    assert_eq!(names.len(), all.len());
}

#[test]
fn rule_command_prints_the_docs() {
    let output = common::cachebust(&common::root(), &["rule", "CB002"]);
    assert_eq!(output.status.code(), Some(0));
    let text = common::stdout(&output);
    assert!(
        text.starts_with("# CB002 cache-bust-out-of-scope\n"),
        "{text}"
    );
    assert!(text.contains("## Why is this bad"));
    assert!(text.contains("ARG CACHE_BUST=unknown\nFROM debian:bookworm"));
    let by_name = common::cachebust(&common::root(), &["rule", "cache-bust-out-of-scope"]);
    assert_eq!(common::stdout(&by_name), text);
    let unknown = common::cachebust(&common::root(), &["rule", "CB999"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(common::stderr(&unknown).contains("no rule `CB999`"));
}
