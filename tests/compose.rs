//! Compose files through `cachebust::compose::lint_project`: every `testdata/compose-*` fixture reports
//! the codes it declares, findings land on the service's `build` key, and each compose fix gives the
//! snapshotted diff, re-parses with the same services, clears CB004 and changes nothing the second time.
mod common;

use std::path::{Path, PathBuf};

use cachebust::catalogue::rules;
use cachebust::compose::model::services;
use cachebust::compose::yaml::parse_yaml;
use cachebust::compose::{lint_project_with_env, ProjectReport};
use cachebust::finding::{Applicability, Edit, Finding};
use cachebust::lint::FileReport;
use cachebust::settings::Settings;
use cachebust::source::SourceFile;

fn no_env(_: &str) -> Option<String> {
    None
}

/// Lints `paths` of `dir` as if run there (the paths are joined to it: the process stays where it is).
fn lint_in(dir: &Path, paths: &[&str]) -> ProjectReport {
    let paths: Vec<PathBuf> = paths.iter().map(|p| dir.join(p)).collect();
    lint_project_with_env(&paths, dir, &Settings::default(), &no_env)
}

fn compose_fixtures() -> Vec<PathBuf> {
    common::fixtures()
        .into_iter()
        .filter(|d| {
            d.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("compose-")
        })
        .collect()
}

fn is_compose(report: &FileReport) -> bool {
    report.file.display.ends_with(".yaml") || report.file.display.ends_with(".yml")
}

fn codes(report: &ProjectReport) -> Vec<String> {
    let mut codes: Vec<String> = report
        .reports
        .iter()
        .flat_map(|r| r.findings.iter().map(|f| f.code.to_string()))
        .collect();
    codes.sort();
    codes
}

#[test]
fn every_compose_fixture_reports_what_it_expects() {
    let fixtures = compose_fixtures();
    assert!(fixtures.len() >= 15);
    for dir in fixtures {
        let report = lint_in(&dir, &["."]);
        assert!(
            report.errors.is_empty(),
            "{}: {:?}",
            dir.display(),
            report.errors
        );
        assert_eq!(
            codes(&report),
            common::expected_codes(&dir),
            "{}",
            dir.display()
        );
    }
}

#[test]
fn compose_findings_point_at_the_build_key() {
    for dir in compose_fixtures() {
        for report in lint_in(&dir, &["."])
            .reports
            .iter()
            .filter(|r| is_compose(r))
        {
            for f in report.findings.iter().filter(|f| f.code == "CB004") {
                let text = &report.file.text[f.span.clone()];
                assert!(
                    text == "build" || text.starts_with('*'),
                    "{}: {text:?}",
                    dir.display()
                );
            }
        }
    }
}

#[test]
fn a_dockerfile_built_by_two_services_is_linted_once() {
    let dir = common::root().join("testdata/compose-shared-dockerfile");
    let report = lint_in(&dir, &[".", "Dockerfile", "compose.yaml"]);
    let shown: Vec<&str> = report
        .reports
        .iter()
        .map(|r| r.file.display.as_str())
        .collect();
    assert_eq!(shown, ["Dockerfile", "compose.yaml"]);
    let compose = &report.reports[1];
    let messages: Vec<&str> = compose
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(messages.len(), 2);
    assert!(messages[0].starts_with("service `api` never passes `CACHE_BUST` to `Dockerfile`"));
    assert!(messages[1].starts_with("service `worker` "));
    assert_eq!(report.reports[0].findings.len(), 1);
}

#[test]
fn inline_dockerfile_findings_land_on_their_yaml_line() {
    let dir = common::root().join("testdata/compose-dockerfile-inline");
    let report = lint_in(&dir, &["."]);
    let compose = &report.reports[0];
    let cb001 = compose.findings.iter().find(|f| f.code == "CB001").unwrap();
    assert_eq!(
        &compose.file.text[cb001.span.clone()],
        "npm install github:acme/docs-theme"
    );
    assert_eq!(compose.file.position(cb001.span.start).line, 17);
}

#[test]
fn missing_dockerfiles_are_clear_findings() {
    let dir = common::root().join("testdata/compose-missing-dockerfile");
    let report = lint_in(&dir, &["."]);
    let compose = report.reports.iter().find(|r| is_compose(r)).unwrap();
    let messages: Vec<&str> = compose
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "service `api` builds from `api`, which does not exist",
            "service `web` builds `web.Dockerfile`, which does not exist",
            "service `worker` builds target `nope`, which `Dockerfile` does not define",
        ]
    );
}

/// Applies edits that do not overlap (later ones lose), as a fixer pass would.
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let (mut out, mut at) = (String::new(), 0);
    for edit in sorted {
        if edit.range.start < at || (edit.range.start == at && at > 0 && edit.range.is_empty()) {
            continue;
        }
        out += &text[at..edit.range.start];
        out += &edit.content;
        at = edit.range.end;
    }
    out + &text[at..]
}

fn safe_edits(findings: &[Finding]) -> Vec<Edit> {
    findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .filter(|fix| fix.applicability == Applicability::Safe)
        .flat_map(|fix| fix.edits.iter().cloned())
        .collect()
}

/// Runs the compose files' safe fixes until nothing changes; returns the number of passes that changed.
fn fix_compose_files(dir: &Path) -> usize {
    for pass in 0..6 {
        let mut changed = false;
        for report in lint_in(dir, &["."])
            .reports
            .iter()
            .filter(|r| is_compose(r))
        {
            let edits = safe_edits(&report.findings);
            if !edits.is_empty() {
                let text = apply(&report.file.text, &edits);
                std::fs::write(dir.join(&report.file.display), text).unwrap();
                changed = true;
            }
        }
        if !changed {
            return pass;
        }
    }
    panic!("{}: the fixes did not settle", dir.display());
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn service_names(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let file = SourceFile::new(path.into(), String::new(), text);
    let root = parse_yaml(&file).expect("the fixed file parses");
    services(&root)
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect()
}

#[test]
fn compose_fixes_are_snapshotted_reparse_and_settle() {
    for fixture in compose_fixtures() {
        let before = lint_in(&fixture, &["."]);
        let fixable = before
            .reports
            .iter()
            .filter(|r| is_compose(r))
            .any(|r| !safe_edits(&r.findings).is_empty());
        if !fixable {
            continue;
        }
        let unfixable_cb004 = before
            .reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|f| f.code == "CB004" && f.fix.is_none())
            .count();
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture, dir.path());
        assert!(fix_compose_files(dir.path()) >= 1);
        assert_eq!(
            fix_compose_files(dir.path()),
            0,
            "fixing twice changes nothing"
        );
        let after = lint_in(dir.path(), &["."]);
        let cb004: Vec<&Finding> = after
            .reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|f| f.code == "CB004")
            .collect();
        // A service whose `build` is another's (a service-level merge) is fixed with that one.
        assert!(
            cb004.len() <= unfixable_cb004 && cb004.iter().all(|f| f.fix.is_none()),
            "{}: {cb004:#?}",
            fixture.display()
        );
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let mut diffs = String::new();
        for report in before.reports.iter().filter(|r| is_compose(r)) {
            let path = dir.path().join(&report.file.display);
            assert_eq!(
                service_names(&path),
                service_names(&report.file.path),
                "{name}"
            );
            let fixed = std::fs::read_to_string(&path).unwrap();
            if report.file.newline() == "\r\n" {
                assert!(
                    !fixed.replace("\r\n", "").contains('\n'),
                    "{name} keeps CRLF"
                );
            }
            let diff = similar::TextDiff::from_lines(&report.file.text, &fixed)
                .unified_diff()
                .context_radius(3)
                .header(&report.file.display, &report.file.display)
                .to_string();
            diffs += &diff.replace('\r', "␍");
        }
        insta::assert_snapshot!(name, diffs);
    }
}

#[test]
fn catalogue_compose_examples_fix_as_documented() {
    for rule in rules() {
        for example in &rule.examples {
            let (Some(compose), Some(fixed)) = (&example.compose, &example.fixed) else {
                continue;
            };
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
            std::fs::write(dir.path().join("Dockerfile"), &example.dockerfile).unwrap();
            fix_compose_files(dir.path());
            let text = std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
            assert_eq!(&text, fixed, "{} `{}`", rule.code, example.name);
        }
    }
}

const BUSTED: &str = "FROM debian:bookworm\nARG CACHE_BUST=unknown\nRUN git clone -b main https://github.com/a/b.git\n";

#[test]
fn an_explicit_file_is_compose_by_its_name_or_its_content() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("stack.yml"),
        "services:\n  a:\n    build: .\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("Dockerfile"), BUSTED).unwrap();
    std::fs::write(dir.path().join("build.txt"), BUSTED).unwrap();
    let report = lint_in(dir.path(), &["stack.yml", "build.txt"]);
    let files: Vec<(&str, Vec<&str>)> = report
        .reports
        .iter()
        .map(|r| {
            (
                r.file.display.as_str(),
                r.findings.iter().map(|f| f.code).collect(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("Dockerfile", vec![]),
            ("build.txt", vec![]),
            ("stack.yml", vec!["CB004"])
        ]
    );
}

#[test]
fn the_walk_finds_compose_files_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let compose = "services:\n  a:\n    build: .\n";
    for name in [
        "compose.prod.yaml",
        "svc/docker-compose.ci.yml",
        "ignored/compose.yaml",
        "notes.yaml",
    ] {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, compose).unwrap();
        std::fs::write(path.with_file_name("Dockerfile"), BUSTED).unwrap();
    }
    std::fs::write(dir.path().join(".gitignore"), "ignored/\n").unwrap();
    let report = lint_in(dir.path(), &["."]);
    let flagged: Vec<&str> = report
        .reports
        .iter()
        .filter(|r| !r.findings.is_empty())
        .map(|r| r.file.display.as_str())
        .collect();
    assert_eq!(flagged, ["compose.prod.yaml", "svc/docker-compose.ci.yml"]);
}

#[test]
fn paths_interpolate_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("api")).unwrap();
    std::fs::write(dir.path().join("api/Dockerfile"), BUSTED).unwrap();
    let compose = "services:\n  a:\n    build: ${APP_DIR:-./gone}\n  b:\n    build: ${UNSET_DIR}\n  c:\n    build:\n      context: .\n      dockerfile: $${NOT_A_VAR}\n";
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    let paths = [dir.path().to_path_buf()];
    let run = |env: &(dyn Fn(&str) -> Option<String> + Sync)| {
        let report = lint_project_with_env(&paths, dir.path(), &Settings::default(), env);
        let compose = report.reports.into_iter().find(is_compose).unwrap();
        compose
            .findings
            .into_iter()
            .map(|f| f.message)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        run(&no_env),
        [
            "service `a` builds from `gone`, which does not exist",
            "service `c` builds `${NOT_A_VAR}`, which does not exist",
        ]
    );
    let set = |name: &str| (name == "APP_DIR").then(|| "./api".to_string());
    let found = run(&set);
    assert!(
        found[0].starts_with("service `a` never passes `CACHE_BUST` to `api/Dockerfile`"),
        "{found:?}"
    );
}

#[test]
fn an_alias_bomb_is_a_syntax_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("x-a: &a [1,1,1,1,1,1,1,1,1]\n");
    for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip("abcdefgh".chars())
    {
        let aliases = vec![format!("*{prev}"); 9].join(",");
        text += &format!("x-{name}: &{name} [{aliases}]\n");
    }
    text += "services:\n  a:\n    build: .\n";
    std::fs::write(dir.path().join("compose.yaml"), text).unwrap();
    let started = std::time::Instant::now();
    let report = lint_in(dir.path(), &["."]);
    assert!(started.elapsed().as_secs() < 10);
    assert_eq!(codes(&report), ["CB000"]);
}

#[test]
fn text_not_yet_written_lints_in_its_place() {
    let dir = common::root().join("testdata/compose-args-in-override");
    let path = dir.join("compose.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let settings = Settings::default();
    let lint = |text: String| {
        let file = SourceFile::new(path.clone(), "compose.yaml".into(), text);
        cachebust::compose::lint_compose_text(file, &dir, &settings)
    };
    // The override beside it passes the arg, so the text alone would be a CB004.
    assert!(lint(text.clone()).findings.is_empty());
    let report = lint(text.replace("build: ./api", "build: ./nowhere"));
    assert_eq!(
        report.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        ["CB000"]
    );
}

#[test]
fn fix_removes_unused_compose_suppressions_and_keeps_used_ones() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &common::root().join("testdata/compose-suppression-unused"),
        dir.path(),
    );
    let out = common::cachebust(
        dir.path(),
        &["check", "--fix", "--output-format", "concise"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let fixed = std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    // The unknown code leaves the list, the unused comments leave their lines (and the file-wide one
    // its line), the used `CB004` stays; `jobs` gets its CB004 fix, passing its own `CACHE_BUST_JOBS`.
    assert_eq!(
        fixed,
        "# expect: CB100 CB100 CB100 CB100 CB004\n\
         services:\n  api:\n    build: ./app  # cachebust: ignore[CB004]\n  worker:\n    build:\n      \
         context: ./app\n      args:\n        CACHE_BUST: ${CACHE_BUST:-unknown}\n  web:\n    \
         image: nginx:1.27\n  jobs:\n    build:\n      context: ./app\n      args:\n        \
         CACHE_BUST: ${CACHE_BUST_JOBS:-unknown}\n"
    );
}

/// A file reached by two paths (an in-tree symlink) is reported once, under the path that sorts first;
/// a Dockerfile that a compose file builds is reported even when the paths checked do not hold it.
#[cfg(unix)]
#[test]
fn each_file_is_reported_once_whatever_the_paths_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for sub in ["a", "b", "svc"] {
        std::fs::create_dir(root.join(sub)).unwrap();
    }
    std::fs::write(
        root.join("a/Dockerfile"),
        "FROM alpine\nRUN git clone -b main https://github.com/a/b.git /b\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../a/Dockerfile", root.join("b/Dockerfile")).unwrap();
    std::fs::write(
        root.join("svc/compose.yaml"),
        "services:\n  api:\n    build:\n      context: ../a\n",
    )
    .unwrap();
    let shown = |report: &ProjectReport| -> Vec<String> {
        report
            .reports
            .iter()
            .map(|r| r.file.display.clone())
            .collect()
    };
    let everything = lint_in(root, &[".", "a/Dockerfile", "b/Dockerfile"]);
    assert_eq!(shown(&everything), ["a/Dockerfile", "svc/compose.yaml"]);
    assert!(everything.errors.is_empty(), "{:?}", everything.errors);
    let only_compose = lint_in(root, &["svc/compose.yaml"]);
    assert_eq!(shown(&only_compose), ["a/Dockerfile", "svc/compose.yaml"]);
    assert_eq!(only_compose.reports[0].findings[0].code, "CB001");
}
