//! `cachebust.toml`: what each key does, and how a bad config is reported (exit 2, the key and its line).
mod common;

use std::path::Path;

use common::{cachebust, stderr, stdout};
use serde_json::Value;

const CLONE: &str = "FROM debian\nRUN git clone -b main https://github.com/acme/toolkit.git /src\n";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn findings(dir: &Path, args: &[&str]) -> Vec<(String, String, String)> {
    let mut all = vec!["check", "--output-format", "json"];
    all.extend_from_slice(args);
    let output = cachebust(dir, &all);
    let json: Vec<Value> =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", stderr(&output)));
    json.iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["code"].as_str().unwrap().into(),
                f["severity"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[test]
fn select_ignore_and_severity() {
    let dir = project(&[
        ("Dockerfile", CLONE),
        ("cachebust.toml", "ignore = [\"CB001\"]\n"),
    ]);
    assert!(findings(dir.path(), &[]).is_empty());
    // The command line's --select replaces the config's, its --ignore adds to it.
    let dir = project(&[
        ("Dockerfile", CLONE),
        (
            "cachebust.toml",
            "select = [\"CB00\"]\n[severity]\nCB001 = \"error\"\n",
        ),
    ]);
    assert_eq!(
        findings(dir.path(), &[]),
        vec![("Dockerfile".into(), "CB001".into(), "error".into())]
    );
    assert!(findings(dir.path(), &["--select", "CB002"]).is_empty());
    assert!(findings(dir.path(), &["--ignore", "CB001"]).is_empty());
}

#[test]
fn per_file_ignores_are_relative_to_the_config() {
    let dir = project(&[
        ("Dockerfile", CLONE),
        ("legacy/api/Dockerfile", CLONE),
        (
            "cachebust.toml",
            "[per-file-ignores]\n\"legacy/**\" = [\"CB001\"]\n",
        ),
    ]);
    assert_eq!(
        findings(dir.path(), &[]),
        vec![("Dockerfile".into(), "CB001".into(), "warning".into())]
    );
    // Found upward from a subdirectory, still relative to the config file.
    let sub = dir.path().join("legacy");
    assert!(findings(&sub, &[]).is_empty());
    // --isolated ignores it.
    assert_eq!(findings(&sub, &["--isolated"]).len(), 1);
}

#[test]
fn fail_level_from_the_config_and_the_flag() {
    let dir = project(&[
        ("Dockerfile", CLONE),
        (".cachebust.toml", "fail-level = \"error\"\n"),
    ]);
    assert_eq!(cachebust(dir.path(), &["check"]).status.code(), Some(0));
    assert_eq!(
        cachebust(dir.path(), &["check", "--fail-level", "warning"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        cachebust(
            dir.path(),
            &["check", "--fail-level", "warning", "--exit-zero"]
        )
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn cache_bust_names_and_the_fix_arg() {
    let busted = "FROM debian\nARG REFRESH=0\nRUN git clone -b main https://github.com/acme/toolkit.git /src\n";
    let config = "[cache-bust]\nnames = [\"REFRESH\"]\narg = \"REFRESH\"\ndefault = \"never\"\necho = false\n";
    let dir = project(&[("Dockerfile", busted), ("cachebust.toml", config)]);
    assert!(findings(dir.path(), &[]).is_empty());
    let dir = project(&[("Dockerfile", CLONE), ("cachebust.toml", config)]);
    let output = cachebust(dir.path(), &["check", "--fix"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        "FROM debian\nARG REFRESH=never\nRUN git clone -b main https://github.com/acme/toolkit.git /src\n"
    );
}

#[test]
fn strict_tags_make_tags_mutable() {
    let tagged = "FROM debian\nRUN git clone -b v1.2.3 https://github.com/acme/toolkit.git /src\n";
    let dir = project(&[
        ("Dockerfile", tagged),
        ("cachebust.toml", "strict-tags = true\n"),
    ]);
    assert_eq!(findings(dir.path(), &[]).len(), 1);
    assert!(findings(dir.path(), &["--isolated"]).is_empty());
}

#[test]
fn extra_detectors_in_the_data_form_of_rules() {
    let config = r#"
[[detector]]
id = "acme-fetch"
tool = "acme-fetch"
commands = ["acme-fetch"]
url = "positional"
ref-options = { "--ref" = "auto" }
default-ref = "HEAD"

[[detector]]
id = "internal-pip"
tool = "pip install"
commands = ["pip install"]
url = "forms"
forms = ["internal-archive"]

[[form]]
id = "internal-archive"
pattern = '^(?P<url>https://git\.acme\.internal/[\w/.-]+)/archive/(?P<ref>[\w.-]+)\.tar\.gz$'
"#;
    let dockerfile =
        "FROM debian\nRUN acme-fetch --ref develop https://git.acme.internal/x.git /x\n\
                      RUN pip install https://git.acme.internal/g/lib/archive/main.tar.gz\n";
    let dir = project(&[("Dockerfile", dockerfile), ("cachebust.toml", config)]);
    let output = cachebust(dir.path(), &["check", "--output-format", "concise"]);
    let text = stdout(&output);
    assert!(
        text.contains("2:5: CB001 [warning] `acme-fetch` of branch `develop`"),
        "{text}"
    );
    assert!(
        text.contains("3:5: CB001 [warning] `pip install` of branch `main`"),
        "{text}"
    );
}

/// A bad config: exit 2, nothing linted, and the message names the key with the file's excerpt.
fn bad_config(config: &str) -> String {
    let dir = project(&[("Dockerfile", CLONE), ("cachebust.toml", config)]);
    let output = cachebust(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    stderr(&output)
}

#[test]
fn bad_configs_name_the_key_and_its_place() {
    insta::assert_snapshot!(
        "unknown_key",
        bad_config("select = [\"CB001\"]\nfail-levle = \"error\"\n")
    );
    insta::assert_snapshot!("bad_value", bad_config("fail-level = \"fatal\"\n"));
    insta::assert_snapshot!(
        "unknown_code",
        bad_config("ignore = [\"CB001\", \"DL3008\"]\n")
    );
    insta::assert_snapshot!(
        "bad_glob",
        bad_config("[per-file-ignores]\n\"legacy/[**\" = [\"CB001\"]\n")
    );
    insta::assert_snapshot!(
        "bad_detector",
        bad_config("[[detector]]\nid = \"broken\"\ntool = \"x\"\ncommands = [\"x\"]\nurl = \"forms\"\nforms = [\"nope\"]\n")
    );
    insta::assert_snapshot!(
        "bad_arg_name",
        bad_config("[cache-bust]\narg = \"CACHE-BUST\"\n")
    );
}

#[test]
fn an_explicit_config_and_a_missing_one() {
    let dir = project(&[
        ("Dockerfile", CLONE),
        ("ci/strict.toml", "ignore = [\"CB001\"]\n"),
    ]);
    assert!(findings(dir.path(), &["--config", "ci/strict.toml"]).is_empty());
    let output = cachebust(dir.path(), &["check", "--config", "ci/none.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read the config file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn per_layer_args_are_inserted_before_each_layer() {
    let dockerfile = "FROM debian\nRUN apt-get update\nRUN git clone -b main https://github.com/acme/tool-kit.git /a\n\
                      RUN make -C /a\nRUN pip install git+https://github.com/acme/models.git@dev\n";
    let config = "[cache-bust]\narg = \"REFRESH\"\nper-layer = true\necho = false\n";
    let dir = project(&[("Dockerfile", dockerfile), ("cachebust.toml", config)]);
    let output = cachebust(dir.path(), &["check", "--fix"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // The names are those `cachebust bust --per-layer` gives the same layers (one naming function).
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        "FROM debian\nRUN apt-get update\nARG REFRESH_TOOL_KIT=unknown\nRUN git clone -b main https://github.com/acme/tool-kit.git /a\n\
         RUN make -C /a\nARG REFRESH_MODELS=unknown\nRUN pip install git+https://github.com/acme/models.git@dev\n"
    );
}

/// Issue 23: `ref-positional = 0` was accepted and computed `n - 1` (a panic in debug, a dropped
/// detection in release); it is an error that names the detector and points at its line.
#[test]
fn a_detector_field_out_of_range_is_an_error_at_its_entry() {
    let config = "[[detector]]\nid = \"zero\"\ntool = \"z\"\ncommands = [\"z\"]\nurl = \"positional\"\nref-positional = 0\n";
    let dir = project(&[
        (
            "Dockerfile",
            "FROM alpine\nRUN z https://github.com/a/b.git main\n",
        ),
        ("cachebust.toml", config),
    ]);
    let output = cachebust(dir.path(), &["check", "--output-format", "concise"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "extra detector data: `zero`: `ref-positional` counts from 1 (the first positional argument); 0 names none"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("cachebust.toml:2:6"), "{stderr}");
}

/// Every detector field is checked when the config is read: a value that could never match (an option
/// without its dash, a blank command, an empty URL) is an error naming the entry and the field, at the
/// entry's line, instead of a detector that silently finds nothing.
#[test]
fn every_detector_field_is_validated_when_the_config_is_read() {
    let head = "[[detector]]\nid = \"bad\"\n";
    let cases: &[(&str, &str)] = &[
        (
            "tool = \"z\"\ncommands = [\"z\"]\nurl = \"positional\"\ndir-positional = 0\n",
            "`bad`: `dir-positional` counts from 1",
        ),
        (
            "tool = \"z\"\ncommands = [\"z\", \" \"]\nurl = \"positional\"\n",
            "`bad`: `commands` holds an empty command",
        ),
        (
            "tool = \"z\"\ncommands = []\nurl = \"positional\"\n",
            "`bad`: `commands` is empty",
        ),
        (
            "tool = \" \"\ncommands = [\"z\"]\nurl = \"positional\"\n",
            "`bad`: `tool` is empty",
        ),
        (
            "tool = \"z\"\ncommands = [\"z\"]\nurl = \"option:--\"\n",
            "`bad`: `url` must be",
        ),
        (
            "tool = \"z\"\ncommands = [\"z\"]\nurl = \"positional\"\nvalue-options = [\"r\"]\n",
            "`bad`: `value-options` entry `r` is not an option",
        ),
        (
            "tool = \"z\"\ncommands = [\"z\"]\nurl = \"positional\"\nrequire-options = [\"-\"]\n",
            "`bad`: `require-options` entry `-` is not an option",
        ),
        (
            "tool = \"z\"\ncommands = [\"z\"]\nurl = \"positional\"\nref-options = { \"--b x\" = \"tag\" }\n",
            "`bad`: `ref-options` entry `--b x` is not an option",
        ),
        (
            "tool = \"z\"\ncommands = [\"z\"]\nurl = \"positional\"\nref-options = { \"--b\" = \"sometimes\" }\n",
            "`bad`: unknown ref kind `sometimes`",
        ),
        (
            "tool = \"z\"\ncommands = [\"z\"]\nurl = \"default\"\ndefault-url = \"\"\n",
            "`bad`: `default-url` is empty",
        ),
        (
            "tool = \"z\"\ncommands = [\"z\"]\nurl = \"positional\"\ncheckout-dir = \"\"\n",
            "`bad`: `checkout-dir` is empty",
        ),
        (
            "tool = \"z\"\ncommands = [\"z\"]\nurl = \"positional\"\npositional-pattern = \"(\"\n",
            "`bad`: invalid `positional-pattern`",
        ),
        (
            "tool = \"z\"\ncommands = [\"z\"]\nurl = \"forms\"\nforms = [\"no-such-form\"]\n",
            "`bad`: unknown form `no-such-form`",
        ),
    ];
    for (fields, message) in cases {
        let config = format!("{head}{fields}");
        let dir = project(&[
            (
                "Dockerfile",
                "FROM alpine\nRUN z https://github.com/a/b.git main\n",
            ),
            ("cachebust.toml", &config),
        ]);
        let output = cachebust(dir.path(), &["check", "--output-format", "concise"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{config}\n{stderr}");
        assert!(
            stderr.contains(&format!("extra detector data: {message}")),
            "{config}\n{stderr}"
        );
        assert!(stderr.contains("cachebust.toml:2:6"), "{config}\n{stderr}");
        assert!(!stderr.contains("panicked"), "{config}\n{stderr}");
    }
    // The file options of a manifest are options too.
    {
        let config = "[[manifest]]\nid = \"m\"\ncommands = [\"pip install\"]\nfile-options = [\"r\"]\nformat = \"requirements\"\ndetector = \"pip-vcs\"\n";
        let message = "`m`: `file-options` entry `r` is not an option";
        let dir = project(&[("Dockerfile", "FROM alpine\n"), ("cachebust.toml", config)]);
        let output = cachebust(dir.path(), &["check", "--output-format", "concise"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{config}\n{stderr}");
        assert!(stderr.contains(message), "{config}\n{stderr}");
    }
}

#[test]
fn per_layer_args_of_repositories_with_one_name_do_not_collide() {
    let dockerfile = "FROM debian\nRUN git clone https://github.com/acme/my-repo.git /a\n\
                      RUN git clone https://github.com/other/my-repo.git /b\n";
    let config = "[cache-bust]\nper-layer = true\necho = false\n";
    let dir = project(&[("Dockerfile", dockerfile), ("cachebust.toml", config)]);
    let output = cachebust(dir.path(), &["check", "--fix"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        "FROM debian\nARG CACHE_BUST_ACME_MY_REPO=unknown\nRUN git clone https://github.com/acme/my-repo.git /a\n\
         ARG CACHE_BUST_OTHER_MY_REPO=unknown\nRUN git clone https://github.com/other/my-repo.git /b\n"
    );
}
