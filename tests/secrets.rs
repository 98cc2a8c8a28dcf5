//! No output of any format ever shows a credential: planted secrets in every position the redactor
//! knows (URL userinfo to its last `@`, every scheme, headers, `-u user:pass`, `--password=`, query
//! tokens, secret-named assignments), checked in every format, `--diff` and `--statistics`.
mod common;

use common::cachebust;

const DOCKERFILE: &str = "FROM alpine\n\
ARG GIT_TOKEN=plantedSECRET01\n\
ENV A=1 NPM_AUTH=plantedSECRET02\n\
RUN git clone -b main https://oauth2:plantedSECRET03@gitlab.example.com/a/b.git /b \\\n \
 && curl -H \"Authorization: token plantedSECRET04\" https://example.com/x?private_token=plantedSECRET05\n\
RUN git clone -b main https://u:plantedSECRET06@x@gitlab.example.com/a/c.git /c\n\
RUN git clone ssh://git:plantedSECRET07@gitlab.example.com/a/d.git /d\n\
RUN curl -u me:plantedSECRET08 -fsSL https://github.com/a/e/archive/refs/heads/main.tar.gz | tar xz\n\
RUN wget --password=plantedSECRET09 https://github.com/a/f/archive/refs/heads/main.zip\n\
RUN GH_TOKEN=plantedSECRET10 pip install git+https://github.com/a/g.git@main\n\
RUN git -c http.extraHeader=\"Authorization: Bearer plantedSECRET11\" clone https://github.com/a/h.git /h\n\
RUN curl -fsSL \"https://example.com/blob?sv=1&sig=plantedSECRET12\" -o /x && pip install git+https://github.com/a/i.git@main\n";

#[test]
fn no_format_shows_a_planted_secret() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).unwrap();
    let mut runs: Vec<Vec<&str>> = ["full", "concise", "json", "sarif", "github"]
        .iter()
        .map(|f| vec!["check", "--isolated", "--output-format", f, "Dockerfile"])
        .collect();
    runs.push(vec!["check", "--isolated", "--diff", "Dockerfile"]);
    runs.push(vec![
        "check",
        "--isolated",
        "--diff",
        "--unsafe-fixes",
        "Dockerfile",
    ]);
    runs.push(vec!["check", "--isolated", "--statistics", "Dockerfile"]);
    for args in runs {
        let out = cachebust(dir.path(), &args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.code() == Some(1),
            "{args:?}: exit {:?}\n{text}",
            out.status.code()
        );
        assert!(
            !text.contains("plantedSECRET"),
            "{args:?} shows a secret:\n{text}"
        );
    }
    // The findings are still there: redaction hides values, not problems.
    let json = cachebust(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--output-format",
            "json",
            "Dockerfile",
        ],
    );
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert!(findings.iter().filter(|f| f["code"] == "CB001").count() >= 5);
}

/// Every command a planted secret could reach: check in each format, `--diff`, `--statistics`.
fn every_output(dir: &std::path::Path) -> Vec<(Vec<String>, String)> {
    let mut runs: Vec<Vec<&str>> = ["full", "concise", "json", "sarif", "github"]
        .iter()
        .map(|f| vec!["check", "--isolated", "--output-format", f])
        .collect();
    runs.push(vec!["check", "--isolated", "--diff", "--unsafe-fixes"]);
    runs.push(vec!["check", "--isolated", "--statistics"]);
    runs.into_iter()
        .map(|args| {
            let out = cachebust(dir, &args);
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            (args.iter().map(|a| a.to_string()).collect(), text)
        })
        .collect()
}

/// Secrets split by a line continuation are masked by the logical instruction: neither half shows.
#[test]
fn a_secret_split_by_a_line_continuation_shows_in_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let dockerfile = "FROM alpine\n\
        RUN git clone -b main https://user:splitHALF1\\\nsplitHALF2@gitlab.example.com/a/b.git /b\n\
        ENV A=1 \\\n    GIT_TOKEN=splitHALF3 B=2\n\
        RUN curl -H \"Authorization: Bearer splitHALF4\\\nsplitHALF5\" https://github.com/a/e/archive/refs/heads/main.tar.gz | tar xz\n";
    std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
    for (args, text) in every_output(dir.path()) {
        assert!(
            !text.contains("splitHALF"),
            "{args:?} shows a secret:\n{text}"
        );
    }
}

mod planted {
    use proptest::prelude::*;

    /// Where a secret `S` is planted: a Dockerfile line (with a remote layer after it, so there are
    /// findings and fixes), or a compose file's or a build-context file's line.
    const DOCKERFILE_LINES: &[&str] = &[
        "RUN git clone -b main https://u:{S}@gitlab.example.com/a/b.git /b",
        "RUN git clone -b main https://u:p@{S}@gitlab.example.com/a/b.git /b",
        "RUN git clone -b main ssh://git:{S}@gitlab.example.com/a/b.git /b",
        "RUN pip install git+ssh://u:{S}@gitlab.example.com/a/b.git@main",
        "RUN git clone git://u:{S}@example.com/a/b /b",
        "ARG GIT_TOKEN={S}",
        "ENV A=1 NPM_AUTH={S}",
        "ENV DB_PASSWORD {S}",
        "RUN curl -H \"Authorization: token {S}\" https://github.com/a/b/archive/refs/heads/main.tar.gz | tar xz",
        "RUN git -c http.extraHeader=\"Authorization: Bearer {S}\" clone https://github.com/a/h.git /h",
        "RUN curl -u me:{S} -fsSL https://github.com/a/e/archive/refs/heads/main.tar.gz | tar xz",
        "RUN wget --password={S} https://github.com/a/f/archive/refs/heads/main.zip",
        "RUN wget --header=PRIVATE-TOKEN:{S} https://github.com/a/f/archive/refs/heads/main.zip",
        "RUN curl -fsSLo /a.tgz \"https://gitlab.example.com/a/archive.tar.gz?sha=main&private_token={S}\"",
        "RUN curl -fsSLo /a.tgz \"https://example.com/a/main.tar.gz?access_token={S}\"",
        "RUN GIT_TOKEN={S} pip install git+https://github.com/a/g.git@main",
        "ARG GH={S}\nRUN git clone -b main https://x:${GH}@github.com/a/b.git /b",
        // A forgotten `\`: the parser's error quotes the line.
        "RUN apt-get update &&\n    git clone https://u:{S}@gitlab.example.com/a/b.git /b",
    ];

    fn secret() -> impl Strategy<Value = String> {
        "[A-Z0-9]{10,16}".prop_map(|s| format!("QX{s}"))
    }

    /// Runs every output on a tree and returns the first output that shows one of `needles`.
    fn leak(files: &[(&str, String)], needles: &[String]) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        super::every_output(dir.path())
            .into_iter()
            .find(|(_, text)| needles.iter().any(|n| text.contains(n.as_str())))
            .map(|(args, text)| format!("{args:?}:\n{text}"))
    }

    /// Every position once, whole and split (the property below draws positions at random).
    #[test]
    fn every_position_whole_and_split() {
        let secret = "QXEVERYPOS1234";
        for template in DOCKERFILE_LINES {
            for (planted, needles) in [
                (secret.to_string(), vec![secret.to_string()]),
                (
                    "QXEVE\\\nRYPOS1234".to_string(),
                    vec!["QXEVE".to_string(), "RYPOS1234".to_string()],
                ),
            ] {
                let line = template.replace("{S}", &planted);
                let dockerfile = format!(
                    "FROM alpine\n{line}\nRUN git clone -b main https://github.com/a/z.git /z\n"
                );
                let shown = leak(&[("Dockerfile", dockerfile.clone())], &needles);
                assert!(
                    shown.is_none(),
                    "{dockerfile}\n{}",
                    shown.unwrap_or_default()
                );
            }
        }
    }

    proptest! {
        // Each case runs the binary seven times: few cases, many positions each run.
        #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

        /// No output of any format shows a secret planted in any position the redactor knows, whole
        /// or split by a line continuation.
        #[test]
        fn no_output_shows_a_planted_secret(
            line in 0..DOCKERFILE_LINES.len(),
            secret in secret(),
            split in proptest::option::of(4usize..8),
        ) {
            let (planted, needles) = match split {
                Some(at) => {
                    let (a, b) = secret.split_at(at);
                    (format!("{a}\\\n{b}"), vec![a.to_string(), b.to_string()])
                }
                None => (secret.clone(), vec![secret.clone()]),
            };
            let line = DOCKERFILE_LINES[line].replace("{S}", &planted);
            let dockerfile = format!(
                "FROM alpine\n{line}\nRUN git clone -b main https://github.com/a/z.git /z\n"
            );
            let shown = leak(&[("Dockerfile", dockerfile.clone())], &needles);
            prop_assert!(shown.is_none(), "{dockerfile}\n{}", shown.unwrap_or_default());
        }

        /// The same for a compose file's args and a build-context file that a RUN reads.
        #[test]
        fn no_output_shows_a_secret_from_compose_or_the_context(secret in secret()) {
            let dockerfile = "FROM python:3\nARG GIT_PASSWORD\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n";
            let compose = format!(
                "services:\n  app:\n    build:\n      context: .\n      args:\n        GIT_PASSWORD: {secret}\n        URL: https://u:{secret}@gitlab.example.com/a/b.git\n"
            );
            let requirements = format!(
                "git+https://gitlab.example.com/a/lib.git@main?private_token={secret}\ngit+https://u:{secret}@gitlab.example.com/a/other.git@main\n"
            );
            let files = [
                ("Dockerfile", dockerfile.to_string()),
                ("compose.yaml", compose),
                ("requirements.txt", requirements),
            ];
            let shown = leak(&files, &[secret]);
            prop_assert!(shown.is_none(), "{}", shown.unwrap_or_default());
        }
    }
}

/// `bust` and `exec` in every format, with the remotes unreachable (refused at once, no network): the
/// URLs, the reasons and the stderr lines show no planted secret.
#[test]
fn bust_and_exec_show_no_planted_secret() {
    let dir = tempfile::tempdir().unwrap();
    let dockerfile = "FROM alpine\n\
        RUN git clone -b main https://u:bustSECRET1@127.0.0.1:1/a/b.git /b\n\
        RUN git clone -b main \"https://127.0.0.1:1/a/c.git?private_token=bustSECRET2\" /c\n\
        ARG GH=bustSECRET3\n\
        RUN git clone -b main https://x:${GH}@127.0.0.1:1/a/d.git /d\n";
    std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
    let mut runs: Vec<Vec<&str>> = ["env", "build-args", "dotenv", "json"]
        .iter()
        .map(|f| vec!["bust", "--fallback", "timestamp", "--format", f])
        .collect();
    runs.push(vec!["bust"]);
    runs.push(vec!["exec", "--fallback", "timestamp", "--", "true"]);
    for args in runs {
        let out = cachebust(dir.path(), &args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !text.contains("bustSECRET"),
            "{args:?} shows a secret:\n{text}"
        );
    }
}
