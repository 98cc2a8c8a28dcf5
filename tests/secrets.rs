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
