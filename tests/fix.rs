//! `check --fix`, `--unsafe-fixes` and `--diff` through the real binary, on a copy of a small repository.
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

/// A repository as files and their bytes; every line-ending and whitespace quirk is on purpose.
const TREE: &[(&str, &str)] = &[
    ("README.md", "not a Dockerfile: RUN git clone -b main https://github.com/acme/x.git\n"),
    (
        "services/api/Dockerfile",
        "FROM golang:1.22 AS build\nRUN apt-get update\nRUN go install example.com/tool@latest\n\n\
         FROM debian:bookworm\nCOPY --from=build /go/bin/tool /usr/bin/tool\n\
         RUN git clone -b main https://github.com/acme/toolkit.git /src\n",
    ),
    (
        "services/web/Dockerfile",
        "FROM python:3.12\r\nWORKDIR /app\r\nRUN pip install git+https://github.com/acme/lib.git@dev\r\nCOPY . .\r\n",
    ),
    (
        "services/web/Dockerfile.bom",
        "\u{feff}FROM alpine\nRUN curl -L https://github.com/acme/x/archive/refs/heads/main.tar.gz | tar xz\n",
    ),
    (
        "base/Dockerfile",
        "FROM alpine AS base\n\tRUN apk add git   \n\tRUN git clone https://github.com/acme/y.git \\\n\t\t# the code\n\t\t/y",
    ),
    ("base/onbuild.Dockerfile", "FROM alpine\nONBUILD RUN git clone -b main https://github.com/acme/z.git /z\n"),
    (
        "windows/Dockerfile",
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\n\
         RUN git clone -b main https://github.com/acme/w.git C:\\w; `\n    Write-Output done\n",
    ),
    ("broken/Dockerfile", "FROM alpine\nBOGUS x\nRUN git clone https://github.com/acme/q.git\n"),
    (
        "tools/Dockerfile",
        "FROM debian\nARG CACHE_BUST=unknown\nRUN apt-get update\nRUN git clone -b main https://github.com/acme/t.git\n",
    ),
    ("clean/Dockerfile", "FROM alpine\nRUN pip install git+https://github.com/acme/b.git@0123456789abcdef0123456789abcdef01234567\n"),
];

/// The files that `--fix` changes, as it must write them.
const FIXED: &[(&str, &str)] = &[
    (
        "services/api/Dockerfile",
        "FROM golang:1.22 AS build\nRUN apt-get update\nARG CACHE_BUST=unknown\nRUN echo \"Cache bust: ${CACHE_BUST}\"\n\
         RUN go install example.com/tool@latest\n\nFROM debian:bookworm\nCOPY --from=build /go/bin/tool /usr/bin/tool\n\
         ARG CACHE_BUST=unknown\nRUN echo \"Cache bust: ${CACHE_BUST}\"\n\
         RUN git clone -b main https://github.com/acme/toolkit.git /src\n",
    ),
    (
        "services/web/Dockerfile",
        "FROM python:3.12\r\nWORKDIR /app\r\nARG CACHE_BUST=unknown\r\nRUN echo \"Cache bust: ${CACHE_BUST}\"\r\n\
         RUN pip install git+https://github.com/acme/lib.git@dev\r\nCOPY . .\r\n",
    ),
    (
        "services/web/Dockerfile.bom",
        "\u{feff}FROM alpine\nARG CACHE_BUST=unknown\nRUN echo \"Cache bust: ${CACHE_BUST}\"\n\
         RUN curl -L https://github.com/acme/x/archive/refs/heads/main.tar.gz | tar xz\n",
    ),
    (
        "base/Dockerfile",
        "FROM alpine AS base\n\tRUN apk add git   \n\tARG CACHE_BUST=unknown\n\tRUN echo \"Cache bust: ${CACHE_BUST}\"\n\
         \tRUN git clone https://github.com/acme/y.git \\\n\t\t# the code\n\t\t/y",
    ),
    (
        "base/onbuild.Dockerfile",
        "FROM alpine\nONBUILD ARG CACHE_BUST=unknown\nONBUILD RUN echo \"Cache bust: ${CACHE_BUST}\"\n\
         ONBUILD RUN git clone -b main https://github.com/acme/z.git /z\n",
    ),
    (
        "windows/Dockerfile",
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\n\
         ARG CACHE_BUST=unknown\nRUN Write-Output \"Cache bust: $env:CACHE_BUST\"\n\
         RUN git clone -b main https://github.com/acme/w.git C:\\w; `\n    Write-Output done\n",
    ),
];

const TOOLS_UNSAFE_FIXED: &str =
    "FROM debian\nRUN apt-get update\nARG CACHE_BUST=unknown\nRUN git clone -b main https://github.com/acme/t.git\n";

fn write_tree(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Every file under `root` with its bytes.
fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let name = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn expected_tree(changes: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    let mut files: BTreeMap<String, Vec<u8>> = TREE
        .iter()
        .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
        .collect();
    for (path, text) in changes {
        assert!(
            files
                .insert(path.to_string(), text.as_bytes().to_vec())
                .is_some(),
            "{path}"
        );
    }
    files
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cachebust"))
        .current_dir(dir)
        .arg("check")
        .args(args)
        .args(["--color", "never"])
        .env("COLUMNS", "100")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Shows the bytes a terminal would hide, so that a snapshot pins them.
fn visible(text: &str) -> String {
    text.replace('\r', "\\r")
        .replace('\t', "\\t")
        .replace('\u{feff}', "<BOM>")
}

#[test]
fn fix_writes_exactly_the_fixed_files_and_reports_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), TREE);
    let out = run(dir.path(), &["--fix", "--output-format", "concise"]);
    assert_eq!(read_tree(dir.path()), expected_tree(FIXED));
    assert_eq!(
        text(&out.stderr),
        "Fixed 1 finding in base/Dockerfile\nFixed 1 finding in base/onbuild.Dockerfile\n\
         Fixed 2 findings in services/api/Dockerfile\nFixed 1 finding in services/web/Dockerfile\n\
         Fixed 1 finding in services/web/Dockerfile.bom\nFixed 1 finding in windows/Dockerfile\n"
    );
    assert_eq!(
        text(&out.stdout),
        "broken/Dockerfile:2:1: CB000 [error] cannot parse this file: unknown instruction 'BOGUS'\n\
         tools/Dockerfile:2:1: CB003 [warning] `CACHE_BUST` is declared 1 RUN layer too early: it rebuilds on every bust\n"
    );
    assert_eq!(out.status.code(), Some(1));

    let again = run(dir.path(), &["--fix", "--output-format", "concise"]);
    assert_eq!(read_tree(dir.path()), expected_tree(FIXED));
    assert_eq!(text(&again.stderr), "");
    assert_eq!(again.stdout, out.stdout);
}

#[test]
fn unsafe_fixes_are_applied_only_with_fix_and_unsafe_fixes() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), TREE);
    let out = run(dir.path(), &["--unsafe-fixes", "tools"]);
    assert_eq!(read_tree(dir.path()), expected_tree(&[]));
    assert!(
        text(&out.stdout).contains("(1 fixable with `--fix`)"),
        "{}",
        text(&out.stdout)
    );
    let out = run(dir.path(), &["--fix", "--unsafe-fixes", "tools"]);
    assert_eq!(text(&out.stderr), "Fixed 1 finding in tools/Dockerfile\n");
    assert_eq!(text(&out.stdout), "No findings in 1 file checked.\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        read_tree(dir.path()),
        expected_tree(&[("tools/Dockerfile", TOOLS_UNSAFE_FIXED)])
    );
}

#[test]
fn diff_writes_nothing_and_shows_exactly_what_fix_writes() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), TREE);
    let mtimes = |root: &Path| -> Vec<_> {
        read_tree(root)
            .keys()
            .map(|p| std::fs::metadata(root.join(p)).unwrap().modified().unwrap())
            .collect()
    };
    let before = (read_tree(dir.path()), mtimes(dir.path()));
    let out = run(dir.path(), &["--diff", "--unsafe-fixes"]);
    assert_eq!((read_tree(dir.path()), mtimes(dir.path())), before);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("diff", visible(&text(&out.stdout)));
    assert!(text(&out.stderr).contains("Would fix 2 findings in services/api/Dockerfile\n"));

    let with_fix = run(dir.path(), &["--fix", "--diff", "--unsafe-fixes"]);
    assert_eq!((read_tree(dir.path()), mtimes(dir.path())), before);
    assert_eq!(with_fix.stdout, out.stdout);

    // The diff is the one between the files before and after `--fix`.
    run(dir.path(), &["--fix", "--unsafe-fixes"]);
    let mut shown = String::new();
    for (path, after) in read_tree(dir.path()) {
        shown +=
            &cachebust::report::render_diff(&path, &text(&before.0[&path]), &text(&after), false);
    }
    assert_eq!(shown, text(&out.stdout));
    let clean = run(dir.path(), &["--diff", "--unsafe-fixes"]);
    assert_eq!(
        (clean.status.code(), text(&clean.stdout)),
        (Some(0), String::new())
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_an_error_and_stays_intact() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), TREE);
    let api = dir.path().join("services/api/Dockerfile");
    std::fs::set_permissions(&api, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = run(dir.path(), &["--fix", "--output-format", "concise"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.ends_with("error: services/api/Dockerfile: the file is read-only; not written\n"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("Fixed 2 findings in services/api/Dockerfile"),
        "{stderr}"
    );
    // The unwritten file's findings are reported; every other fix is written; no temporary file is left.
    assert!(
        text(&out.stdout).contains("services/api/Dockerfile:3:5: CB001"),
        "{}",
        text(&out.stdout)
    );
    let fixed: Vec<_> = FIXED
        .iter()
        .copied()
        .filter(|(p, _)| *p != "services/api/Dockerfile")
        .collect();
    assert_eq!(read_tree(dir.path()), expected_tree(&fixed));
}

#[cfg(unix)]
#[test]
fn a_symlinked_dockerfile_is_fixed_through_its_link() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("shared/api.Dockerfile", TREE[1].1)]);
    std::fs::create_dir(dir.path().join("svc")).unwrap();
    let link = dir.path().join("svc/Dockerfile");
    std::os::unix::fs::symlink("../shared/api.Dockerfile", &link).unwrap();
    let out = run(dir.path(), &["--fix", "svc/Dockerfile"]);
    assert_eq!(text(&out.stderr), "Fixed 2 findings in svc/Dockerfile\n");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        text(&std::fs::read(dir.path().join("shared/api.Dockerfile")).unwrap()),
        FIXED[0].1
    );
}

#[test]
fn json_after_fix_lists_the_remaining_findings() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), TREE);
    let out = run(dir.path(), &["--fix", "--output-format", "json"]);
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let remaining: Vec<(&str, &str)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        remaining,
        [
            ("broken/Dockerfile", "CB000"),
            ("tools/Dockerfile", "CB003")
        ]
    );
    assert_eq!(out.status.code(), Some(1));
}

/// `--fix-strategy add-git` replaces each plain clone by `ADD URL#REF DEST` (and adds the syntax
/// directive once, keeping a BOM and CRLF), keeps the bust-arg fix where `ADD` would change what the
/// build does, and says why in the finding; the fixed file has no CB001 left for the converted layers.
#[test]
fn add_git_strategy_replaces_plain_clones_and_refuses_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        (
            "plain/Dockerfile",
            "\u{feff}FROM alpine\r\nRUN git clone --depth 1 -b main https://github.com/acme/toolkit /src\r\nRUN make -C /src\r\nRUN git clone https://h/o/x.git /x\r\nRUN git -C /x describe --always\r\n",
            "\u{feff}# syntax=docker/dockerfile:1\r\nFROM alpine\r\nADD https://github.com/acme/toolkit.git#main /src\r\nRUN make -C /src\r\nADD --keep-git-dir=true https://h/o/x.git /x\r\nRUN git -C /x describe --always\r\n",
        ),
        (
            "old-frontend/Dockerfile",
            "# syntax=docker/dockerfile:1.4\nFROM alpine\nRUN git clone -b main https://h/o/x.git /x\n",
            "# syntax=docker/dockerfile:1.4\nFROM alpine\nARG CACHE_BUST=unknown\nRUN echo \"Cache bust: ${CACHE_BUST}\"\nRUN git clone -b main https://h/o/x.git /x\n",
        ),
        (
            "more/Dockerfile",
            "FROM alpine\nUSER app\nRUN git clone -b main https://h/o/x.git /x\nRUN git clone --recurse-submodules https://h/o/y.git /y\n",
            "FROM alpine\nUSER app\nARG CACHE_BUST=unknown\nRUN echo \"Cache bust: ${CACHE_BUST}\"\nRUN git clone -b main https://h/o/x.git /x\nRUN git clone --recurse-submodules https://h/o/y.git /y\n",
        ),
    ];
    let files: Vec<(&str, &str)> = cases.iter().map(|(p, b, _)| (*p, *b)).collect();
    write_tree(dir.path(), &files);
    let report = run(
        dir.path(),
        &["--isolated", "--fix-strategy", "add-git", "."],
    );
    let shown = text(&report.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for why in [
        "older than 1.6",
        "`USER app` runs the clone as that user",
        "`--recurse-submodules`",
    ] {
        assert!(shown.contains(why), "{why}\n{shown}");
    }
    let out = run(
        dir.path(),
        &[
            "--isolated",
            "--fix",
            "--unsafe-fixes",
            "--fix-strategy",
            "add-git",
            ".",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    for (path, _, fixed) in cases {
        assert_eq!(
            text(&std::fs::read(dir.path().join(path)).unwrap()),
            *fixed,
            "{path}"
        );
    }
}
