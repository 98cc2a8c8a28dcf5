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
