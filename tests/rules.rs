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
            let codes: Vec<&str> = report.findings.iter().map(|f| f.code).collect();
            match example.kind {
                // A bad example shows its rule and nothing else: an extra finding (another code) is
                // a documentation bug or a false positive, either way a failure here.
                ExampleKind::Bad => assert!(
                    codes.contains(&rule.code.as_str())
                        && codes
                            .iter()
                            .all(|c| *c == rule.code || example.also.iter().any(|a| a == c)),
                    "{} bad example `{}` must report {} (and only {:?} besides), reports {:?}",
                    rule.code,
                    example.name,
                    rule.code,
                    example.also,
                    report.findings
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

/// The catalogue embeds a list of files: a `rules/CBxxx.toml` the list misses would never be shown,
/// tested or enforced. Every rule file on disk is in the catalogue, and nothing else is.
#[test]
fn every_rule_file_is_in_the_catalogue() {
    let mut on_disk: Vec<String> = std::fs::read_dir(common::root().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| {
            let code = n.strip_suffix(".toml")?;
            code.starts_with("CB").then(|| code.to_owned())
        })
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = rules().iter().map(|r| r.code.to_string()).collect();
    embedded.sort();
    assert_eq!(embedded, on_disk);
    for rule in rules() {
        let text = std::fs::read_to_string(
            common::root()
                .join("rules")
                .join(format!("{}.toml", rule.code)),
        )
        .unwrap();
        assert!(
            text.contains(&format!("code = \"{}\"", rule.code)),
            "rules/{}.toml declares another code",
            rule.code
        );
    }
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

/// `docs/rules/CODE.md` are generated from `rules/` (what `cachebust rule CODE` prints): a page that
/// differs is stale. `CACHEBUST_UPDATE_DOCS=1 cargo test --test rules` rewrites them.
#[test]
fn rule_pages_are_current() {
    let dir = common::root().join("docs/rules");
    let update = std::env::var_os("CACHEBUST_UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    for rule in rules() {
        let path = dir.join(format!("{}.md", rule.code));
        let page = cachebust::catalogue::render_rule(rule);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &page).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    let pages = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(pages, rules().len(), "docs/rules holds a page for no rule");
    assert!(
        stale.is_empty(),
        "stale rule pages (run CACHEBUST_UPDATE_DOCS=1 cargo test --test rules): {stale:?}"
    );
}
