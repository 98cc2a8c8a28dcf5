//! Suppression comments in other spellings (hadolint's `ignore=`, a missing colon or brackets, another
//! case) suppress nothing and are reported with the spelling they meant; real ones keep working.
mod common;

use common::{cachebust, stdout};

fn concise(dir: &std::path::Path, file: &str) -> String {
    stdout(&cachebust(
        dir,
        &["check", "--isolated", "--output-format", "concise", file],
    ))
}

const CLONE: &str = "RUN git clone -b main https://github.com/acme/toolkit.git /src\n";

#[test]
fn near_miss_spellings_are_reported_and_suppress_nothing() {
    let cases = [
        ("# cachebust ignore=CB001", "# cachebust: ignore[CB001]"),
        ("# cachebust: ignore=CB001", "# cachebust: ignore[CB001]"),
        ("# cachebust: ignore CB001", "# cachebust: ignore[CB001]"),
        (
            "# cachebust:ignore CB001, CB006",
            "# cachebust: ignore[CB001,CB006]",
        ),
        ("# cachebust ignore[CB001]", "# cachebust: ignore[CB001]"),
        ("# Cachebust: IGNORE[cb001]", "# cachebust: ignore[CB001]"),
        ("# cachebust-disable CB001", "# cachebust: ignore[CB001]"),
        ("#cachebust noqa: CB001", "# cachebust: ignore[CB001]"),
        (
            "# cachebust ignore-file=CB001",
            "# cachebust: ignore-file[CB001]",
        ),
        // Another verb that starts like ours once counted as a bare `ignore` of every code.
        (
            "# cachebust: ignore-next-line CB001",
            "# cachebust: ignore[CB001]",
        ),
        (
            "# cachebust: ignore-line[CB001]",
            "# cachebust: ignore[CB001]",
        ),
        // Another linter's comment naming our code: that linter reads it, cachebust did not.
        ("# hadolint ignore=CB001", "# cachebust: ignore[CB001]"),
        ("# noqa: CB001", "# cachebust: ignore[CB001]"),
    ];
    for (written, meant) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Dockerfile"),
            format!("FROM debian\n{written}\n{CLONE}"),
        )
        .unwrap();
        let out = concise(dir.path(), "Dockerfile");
        assert!(
            out.contains(&format!(
                "Dockerfile:2:1: CB100 [info] `{written}` is not a suppression: cachebust reads `{meant}`"
            )),
            "{written}: {out}"
        );
        assert!(
            out.contains("Dockerfile:3:5: CB001"),
            "{written} must suppress nothing: {out}"
        );
        let diff = stdout(&cachebust(
            dir.path(),
            &[
                "check",
                "--isolated",
                "--diff",
                "--select",
                "CB100",
                "Dockerfile",
            ],
        ));
        assert!(
            diff.contains(&format!("-{written}\n+{meant}\n")),
            "{written}: {diff}"
        );
    }
}

#[test]
fn a_hadolint_comment_with_its_own_codes_too_is_reported_without_a_rewrite() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("FROM debian\n# hadolint ignore=DL3008,CB001\n{CLONE}");
    std::fs::write(dir.path().join("Dockerfile"), &text).unwrap();
    let out = concise(dir.path(), "Dockerfile");
    assert!(
        out.contains(
            "Dockerfile:2:1: CB100 [info] `# hadolint ignore=DL3008,CB001` is not a suppression"
        ),
        "{out}"
    );
    assert!(out.contains("Dockerfile:3:5: CB001"), "{out}");
    let fixed = cachebust(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--fix",
            "--select",
            "CB100",
            "Dockerfile",
        ],
    );
    assert_eq!(fixed.status.code(), Some(1), "the CB100 stays: {fixed:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        text,
        "hadolint's DL3008 must not be rewritten away"
    );
}

#[test]
fn real_suppressions_and_mere_mentions_are_not_near_misses() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!(
            "FROM debian\n# cachebust: ignore[CB001] upstream pins it\n{CLONE}\
             # cachebust: ignore because the base image pins it\n{CLONE}\
             # the cachebust arg is set by the Makefile\nRUN true\n\
             # hadolint ignore=DL3008\nRUN true\n"
        ),
    )
    .unwrap();
    assert_eq!(concise(dir.path(), "Dockerfile"), "");
}

#[test]
fn a_near_miss_after_a_compose_build_key_is_reported_there() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM debian\nARG CACHE_BUST=unknown\nRUN echo \"${CACHE_BUST}\"\nRUN git clone -b main https://github.com/a/b.git /b\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  api:\n    build: .  # cachebust ignore=CB004\n",
    )
    .unwrap();
    let out = concise(dir.path(), ".");
    assert!(
        out.contains(
            "compose.yaml:3:15: CB100 [info] `# cachebust ignore=CB004` is not a suppression"
        ),
        "{out}"
    );
    assert!(out.contains("compose.yaml:3:5: CB004"), "{out}");
}
