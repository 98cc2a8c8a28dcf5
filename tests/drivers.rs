//! Build drivers end to end: the unsafe fix that passes the bust arg from a script or a Makefile, its
//! diff, and that fixing twice changes nothing.
mod common;

use common::{cachebust, stdout};

const DOCKERFILE: &str = "FROM debian:bookworm\nARG CACHE_BUST=unknown\n\
                          RUN echo \"Cache bust: ${CACHE_BUST}\"\n\
                          RUN git clone -b main https://github.com/acme/toolkit.git /src\n";

fn project(driver: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).unwrap();
    std::fs::write(dir.path().join(driver), text).unwrap();
    dir
}

#[test]
fn a_script_gets_the_bust_arg_from_the_environment() {
    let text = "#!/bin/sh\nset -e\ndocker buildx build \\\n  -t app .\necho done\n";
    let dir = project("build.sh", text);
    let diff = cachebust(dir.path(), &["check", ".", "--diff", "--unsafe-fixes"]);
    assert_eq!(diff.status.code(), Some(1));
    insta::assert_snapshot!("script_fix_diff", stdout(&diff));
    let safe = cachebust(dir.path(), &["check", ".", "--diff"]);
    assert_eq!(
        stdout(&safe),
        "",
        "the fix is unsafe: not applied by --fix alone"
    );
    let fixed = cachebust(dir.path(), &["check", ".", "--fix", "--unsafe-fixes"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stdout(&fixed));
    let after = std::fs::read_to_string(dir.path().join("build.sh")).unwrap();
    assert_eq!(
        after,
        "#!/bin/sh\nset -e\ndocker buildx build --build-arg CACHE_BUST \\\n  -t app .\necho done\n"
    );
    let again = cachebust(dir.path(), &["check", ".", "--diff", "--unsafe-fixes"]);
    assert_eq!(
        (again.status.code(), stdout(&again)),
        (Some(0), String::new())
    );
}

#[test]
fn a_makefile_recipe_gets_the_bust_arg() {
    let text = "IMAGE := app\n\nbuild:\n\tdocker build -t $(IMAGE) .\n";
    let dir = project("Makefile", text);
    let fixed = cachebust(dir.path(), &["check", ".", "--fix", "--unsafe-fixes"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stdout(&fixed));
    let after = std::fs::read_to_string(dir.path().join("Makefile")).unwrap();
    assert_eq!(
        after,
        "IMAGE := app\n\nbuild:\n\tdocker build --build-arg CACHE_BUST -t $(IMAGE) .\n"
    );
}

#[test]
fn an_explicit_script_without_extension_is_read_by_its_shebang() {
    let text = "#!/usr/bin/env bash\nexport CACHE_BUST=$(uuidgen)\ndocker build --build-arg CACHE_BUST .\n";
    let dir = project("rebuild", text);
    let output = cachebust(
        dir.path(),
        &["check", "rebuild", "--output-format", "concise"],
    );
    assert_eq!(
        stdout(&output),
        "rebuild:2:8: CB008 [info] `CACHE_BUST` changes on every build, so the remote layers after \
         it are never cached\n"
    );
}

#[test]
fn a_build_that_pins_every_remote_needs_no_bust_value() {
    let dir = tempfile::tempdir().unwrap();
    let dockerfile = "FROM python:3.12-slim\nARG REF\nARG CACHE_BUST=unknown\n\
                      RUN echo \"Cache bust: ${CACHE_BUST}\"\n\
                      RUN pip install git+https://github.com/acme/toolkit.git@${REF}\n";
    std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
    let script =
        |reference: &str| format!("#!/bin/sh\ndocker build --build-arg REF={reference} .\n");
    let codes = |reference: &str| {
        std::fs::write(dir.path().join("build.sh"), script(reference)).unwrap();
        let output = cachebust(dir.path(), &["check", ".", "--output-format", "concise"]);
        let text = stdout(&output);
        let mut codes: Vec<String> = text
            .lines()
            .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
            .collect();
        codes.sort();
        codes
    };
    // A commit: the bust only rebuilds for nothing, and not passing it is no mistake.
    assert_eq!(codes("0123456789abcdef0123456789abcdef01234567"), ["CB007"]);
    // A branch: the bust must change, so a build that never passes it is told.
    assert_eq!(codes("main"), ["CB004"]);
}

#[test]
fn an_arg_the_driver_fills_from_ls_remote_is_a_cache_bust() {
    let dir = tempfile::tempdir().unwrap();
    let dockerfile = "FROM python:3.12-slim\nARG TOOLKIT_COMMIT\n\
                      RUN pip install git+https://github.com/acme/toolkit.git@main \
                      && echo \"$TOOLKIT_COMMIT\" > /toolkit.commit\n";
    std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
    let alone = cachebust(dir.path(), &["check", ".", "--output-format", "concise"]);
    assert!(stdout(&alone).contains("CB001"), "{}", stdout(&alone));
    let makefile = "COMMIT := $(shell git ls-remote https://github.com/acme/toolkit.git \
                    refs/heads/main | cut -f1)\nbuild:\n\
                    \tdocker build --build-arg TOOLKIT_COMMIT=$(COMMIT) -t app .\n";
    std::fs::write(dir.path().join("Makefile"), makefile).unwrap();
    let driven = cachebust(dir.path(), &["check", ".", "--output-format", "concise"]);
    assert_eq!(
        (driven.status.code(), stdout(&driven)),
        (Some(0), String::new())
    );
}

/// CB001's help names the driver that builds the Dockerfile: the bake target, a script's command that
/// passes the arg, else plain `docker build --build-arg`.
#[test]
fn cb001_help_names_the_build_the_project_uses() {
    let unbusted =
        "FROM debian:bookworm\nRUN git clone -b main https://github.com/acme/toolkit.git /src\n";
    let help = |driver: Option<(&str, &str)>| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), unbusted).unwrap();
        if let Some((name, text)) = driver {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let out = cachebust(dir.path(), &["check", ".", "--output-format", "json"]);
        let findings: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let cb001 = findings
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "CB001")
            .expect("a CB001");
        cb001["help"].as_str().unwrap().to_string()
    };
    let bake = "target \"api\" {\n  args = {\n    CACHE_BUST = \"${CACHE_BUST}\"\n  }\n}\n\
                variable \"CACHE_BUST\" {\n  default = \"unknown\"\n}\n";
    assert!(
        help(Some(("docker-bake.hcl", bake)))
            .contains("`cachebust exec -- docker buildx bake api`"),
        "{}",
        help(Some(("docker-bake.hcl", bake)))
    );
    let script = "#!/bin/sh\ndocker build --build-arg CACHE_BUST -t api .\n";
    assert!(help(Some(("build.sh", script)))
        .contains("`cachebust exec -- docker build --build-arg CACHE_BUST -t api .`"));
    // A script that does not pass the arg is not the command to copy: the plain form is named.
    let bare = "#!/bin/sh\ndocker build -t api .\n";
    assert!(help(Some(("build.sh", bare)))
        .contains("`cachebust exec -- docker build --build-arg CACHE_BUST .`"));
    assert!(help(None).contains("`cachebust exec -- docker build --build-arg CACHE_BUST .`"));
}
