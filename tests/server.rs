//! `cachebust server` driven over stdio as an editor drives it: diagnostics at exact ranges in both
//! position encodings, code actions whose edits clear them, a compose/Dockerfile pair across two files,
//! configuration, and the protocol's edges (cancellation, unknown methods and files, shutdown, exit).
#[path = "lsp/client.rs"]
mod client;

use std::path::Path;

use client::{uri, Client};
use serde_json::{json, Value};

const CLONE: &str = "git clone -b main https://github.com/acme/toolkit.git /src";

fn dockerfile(run_prefix: &str, newline: &str) -> String {
    format!("FROM alpine:3.20{newline}RUN {run_prefix}{CLONE}{newline}")
}

fn range(d: &Value) -> (u64, u64, u64, u64) {
    let r = &d["range"];
    let n = |v: &Value| v.as_u64().unwrap();
    (
        n(&r["start"]["line"]),
        n(&r["start"]["character"]),
        n(&r["end"]["line"]),
        n(&r["end"]["character"]),
    )
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

fn actions(client: &mut Client, uri: &str, diagnostic: &Value, only: Option<&str>) -> Vec<Value> {
    let mut context = json!({ "diagnostics": [diagnostic] });
    if let Some(only) = only {
        context["only"] = json!([only]);
    }
    let response = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": diagnostic["range"], "context": context }),
    );
    response["result"]
        .as_array()
        .expect("a list of actions")
        .clone()
}

#[test]
fn a_stale_clone_is_reported_at_its_range_and_its_quick_fix_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    let text = dockerfile("", "\n");
    std::fs::write(&path, &text).unwrap();
    let mut client = Client::start(dir.path(), false);
    let uri = uri(&path);
    client.open(&uri, "dockerfile", &text);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(codes(&diagnostics), ["CB001"]);
    let d = &diagnostics[0];
    // The label is on the command: from `git` to the end of the line.
    assert_eq!(range(d), (1, 4, 1, 4 + CLONE.len() as u64));
    assert_eq!(d["severity"], 2, "warning, as SARIF's level");
    assert_eq!(d["source"], "cachebust");
    assert_eq!(
        d["codeDescription"]["href"],
        "https://github.com/cachebust/cachebust/blob/main/docs/rules/CB001.md"
    );
    let related = d["relatedInformation"].as_array().unwrap();
    assert_eq!(related[0]["location"]["uri"], uri.as_str());
    assert!(
        related[0]["message"].as_str().unwrap().contains("`main`"),
        "{related:?}"
    );

    let actions = actions(&mut client, &uri, d, None);
    let fix = actions
        .iter()
        .find(|a| a["kind"] == "quickfix" && a["isPreferred"] == true)
        .expect("a preferred quick fix");
    let edits = &fix["edit"]["changes"][&uri];
    let fixed = client.apply(&text, edits);
    assert_eq!(
        fixed,
        format!(
            "FROM alpine:3.20\nARG CACHE_BUST=unknown\nRUN echo \"Cache bust: ${{CACHE_BUST}}\"\nRUN {CLONE}\n"
        )
    );
    client.change_full(&uri, 2, &fixed);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn the_suppression_action_writes_a_comment_that_clears_the_finding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    // A continued RUN: the comment goes before the instruction, not before the line of the finding.
    let text = format!("FROM alpine:3.20\n  RUN echo hi && \\\n    {CLONE}\n");
    let mut client = Client::start(dir.path(), false);
    let uri = uri(&path);
    client.open(&uri, "dockerfile", &text);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(codes(&diagnostics), ["CB001"]);
    let actions = actions(&mut client, &uri, &diagnostics[0], Some("quickfix"));
    let suppress = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Suppress CB001"))
        .expect("a suppression action");
    assert_eq!(suppress["isPreferred"], false);
    let fixed = client.apply(&text, &suppress["edit"]["changes"][&uri]);
    assert_eq!(
        fixed,
        format!(
            "FROM alpine:3.20\n  # cachebust: ignore[CB001]\n  RUN echo hi && \\\n    {CLONE}\n"
        )
    );
    client.change_full(&uri, 2, &fixed);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
}

#[test]
fn columns_count_utf16_units_or_bytes_as_negotiated() {
    // `é` is 2 bytes, 1 UTF-16 unit; `𝄞` 4 bytes, 2 units.
    let prefix = "echo \"héllo 𝄞\" && ";
    let text = dockerfile(prefix, "\n");
    for (utf8, start) in [
        (false, 4 + prefix.encode_utf16().count()),
        (true, 4 + prefix.len()),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        let mut client = Client::start(dir.path(), utf8);
        assert_eq!(client.utf8, utf8);
        let uri = uri(&path);
        client.open(&uri, "dockerfile", &text);
        let diagnostics = client.diagnostics(&uri);
        assert_eq!(codes(&diagnostics), ["CB001"]);
        let end = start + CLONE.len();
        assert_eq!(
            range(&diagnostics[0]),
            (1, start as u64, 1, end as u64),
            "utf8: {utf8}"
        );
        // An incremental edit in the same encoding: replace `main` with a commit.
        let main = text.find("main").unwrap();
        let column = |offset: usize| -> usize {
            let line_start = text[..offset].rfind('\n').unwrap() + 1;
            let before = &text[line_start..offset];
            if utf8 {
                before.len()
            } else {
                before.encode_utf16().count()
            }
        };
        let (from, to) = (column(main), column(main + 4));
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": 2 },
                "contentChanges": [{
                    "range": { "start": { "line": 1, "character": from }, "end": { "line": 1, "character": to } },
                    "text": "0123456789abcdef0123456789abcdef01234567",
                }],
            }),
        );
        // A clone of a commit SHA never moves: nothing to report.
        assert_eq!(
            client.diagnostics(&uri),
            Vec::<Value>::new(),
            "utf8: {utf8}"
        );
    }
}

#[test]
fn crlf_files_get_their_columns_and_their_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    let text = dockerfile("", "\r\n");
    let mut client = Client::start(dir.path(), false);
    let uri = uri(&path);
    client.open(&uri, "dockerfile", &text);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(range(&diagnostics[0]), (1, 4, 1, 4 + CLONE.len() as u64));
    let actions = actions(&mut client, &uri, &diagnostics[0], Some("quickfix"));
    let fixed = client.apply(&text, &actions[0]["edit"]["changes"][&uri]);
    assert_eq!(
        fixed,
        format!(
            "FROM alpine:3.20\r\nARG CACHE_BUST=unknown\r\nRUN echo \"Cache bust: ${{CACHE_BUST}}\"\r\nRUN {CLONE}\r\n"
        )
    );
}

/// Writes `files` (path, text) under `dir`.
fn write_tree(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const COMPOSE: &str = "services:\n  api:\n    build: ./api\n";

#[test]
fn a_compose_file_and_its_dockerfile_are_linted_and_fixed_together() {
    let dir = tempfile::tempdir().unwrap();
    let text = dockerfile("", "\n");
    write_tree(
        dir.path(),
        &[("compose.yaml", COMPOSE), ("api/Dockerfile", &text)],
    );
    let (compose, docker) = (
        dir.path().join("compose.yaml"),
        dir.path().join("api/Dockerfile"),
    );
    let (compose_uri, docker_uri) = (uri(&compose), uri(&docker));
    let mut client = Client::start(dir.path(), false);
    client.open(&docker_uri, "dockerfile", &text);
    assert_eq!(codes(&client.diagnostics(&docker_uri)), ["CB001"]);
    client.open(&compose_uri, "dockercompose", COMPOSE);
    // Nothing to pass yet: the Dockerfile has no cache-bust arg.
    assert_eq!(client.diagnostics(&compose_uri), Vec::<Value>::new());

    // Typing the arg into the unsaved Dockerfile makes the compose file wrong: it never passes it.
    let busted = text.replace("RUN git", "ARG CACHE_BUST\nRUN git");
    client.change_full(&docker_uri, 2, &busted);
    let diagnostics = client.diagnostics(&compose_uri);
    assert_eq!(codes(&diagnostics), ["CB004"]);
    assert_eq!(range(&diagnostics[0]).0, 2, "on the service's `build`");
    client.change_full(&docker_uri, 3, &text);
    assert_eq!(client.diagnostics(&compose_uri), Vec::<Value>::new());

    // Fix all, asked from the Dockerfile: both files, as `check --fix` writes them.
    let d = client.settled_diagnostics(&docker_uri);
    let all = actions(&mut client, &docker_uri, &d[0], Some("source.fixAll"));
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["kind"], "source.fixAll.cachebust");
    let changes = &all[0]["edit"]["changes"];
    let fixed_docker = client.apply(&text, &changes[&docker_uri]);
    let fixed_compose = client.apply(COMPOSE, &changes[&compose_uri]);
    let cli = tempfile::tempdir().unwrap();
    write_tree(
        cli.path(),
        &[("compose.yaml", COMPOSE), ("api/Dockerfile", &text)],
    );
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_cachebust"))
        .args(["check", "--fix", "--quiet", "."])
        .current_dir(cli.path())
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{status:?}");
    let read = |name: &str| std::fs::read_to_string(cli.path().join(name)).unwrap();
    assert_eq!(fixed_docker, read("api/Dockerfile"));
    assert_eq!(fixed_compose, read("compose.yaml"));
    assert!(
        fixed_compose.contains("CACHE_BUST: ${CACHE_BUST_API:-unknown}"),
        "{fixed_compose}"
    );

    client.change_full(&docker_uri, 4, &fixed_docker);
    client.change_full(&compose_uri, 2, &fixed_compose);
    assert_eq!(client.settled_diagnostics(&docker_uri), Vec::<Value>::new());
    assert_eq!(
        client.settled_diagnostics(&compose_uri),
        Vec::<Value>::new()
    );
}

#[test]
fn malformed_and_huge_documents_get_cb000_and_the_server_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path(), false);
    let bad = uri(&dir.path().join("Dockerfile"));
    let text = "FROM alpine\nCLONE https://github.com/acme/toolkit.git\n";
    client.open(&bad, "dockerfile", text);
    assert_eq!(codes(&client.diagnostics(&bad)), ["CB000"]);
    let yaml = uri(&dir.path().join("compose.yaml"));
    client.open(&yaml, "yaml", "services:\n  api: [unclosed\n");
    assert_eq!(codes(&client.diagnostics(&yaml)), ["CB000"]);
    let huge = uri(&dir.path().join("big.Dockerfile"));
    let mut text = dockerfile("", "\n");
    text.push_str(&format!("RUN echo {}\n", "x".repeat(11 << 20)));
    client.open(&huge, "dockerfile", &text);
    let diagnostics = client.diagnostics(&huge);
    assert_eq!(codes(&diagnostics), ["CB000"]);
    assert!(diagnostics[0]["message"]
        .as_str()
        .unwrap()
        .contains("over the 10 MiB"));
    // Still answering.
    let good = uri(&dir.path().join("ok.Dockerfile"));
    client.open(&good, "dockerfile", &dockerfile("", "\n"));
    assert_eq!(codes(&client.diagnostics(&good)), ["CB001"]);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn unknown_methods_files_and_cancelled_requests_are_answered() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path(), false);
    let response = client.request("textDocument/definition", json!({}));
    assert_eq!(response["error"]["code"], -32601, "{response}");
    let nowhere = uri(&dir.path().join("nowhere/Dockerfile"));
    let position = json!({ "line": 0, "character": 0 });
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": nowhere }, "position": position }),
    );
    assert_eq!(response["result"], Value::Null, "{response}");
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": nowhere },
            "range": { "start": position, "end": position },
            "context": { "diagnostics": [] },
        }),
    );
    assert_eq!(response["result"], json!([]), "{response}");
    let response = client.request("textDocument/hover", json!({ "bogus": true }));
    assert_eq!(response["error"]["code"], -32602, "{response}");
    // Cancelled before the server reads it: answered as cancelled, not run.
    client.notify("$/cancelRequest", json!({ "id": 100 }));
    client.send(
        &json!({ "jsonrpc": "2.0", "id": 100, "method": "textDocument/hover",
        "params": { "textDocument": { "uri": nowhere }, "position": position } }),
    );
    let response = client.response(100);
    assert_eq!(response["error"]["code"], -32800, "{response}");

    // After `shutdown`, requests are invalid; `exit` ends with 0.
    let response = client.request("shutdown", Value::Null);
    assert_eq!(response["result"], Value::Null);
    let response = client.request("textDocument/hover", json!({}));
    assert_eq!(response["error"]["code"], -32600, "{response}");
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), Some(0));

    // `exit` without `shutdown`: 1, as the specification says.
    let mut client = Client::start(dir.path(), false);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), Some(1));
}

#[test]
fn hover_shows_the_remote_redacted_its_ref_and_its_cure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    let text =
        "FROM alpine\nRUN git clone -b main https://me:s3cr3t@github.com/acme/toolkit.git /src\n";
    let mut client = Client::start(dir.path(), false);
    let uri = uri(&path);
    client.open(&uri, "dockerfile", text);
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 10 } }),
    );
    let value = response["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!value.contains("s3cr3t"), "{value}");
    assert!(
        value.contains("`https://***@github.com/acme/toolkit.git`"),
        "{value}"
    );
    assert!(
        value.contains("ref: `main`, a branch: it moves with every push"),
        "{value}"
    );
    assert!(value.contains("Served from the build cache"), "{value}");
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 2 } }),
    );
    assert_eq!(
        response["result"],
        Value::Null,
        "no remote on the FROM line"
    );
}

#[test]
fn the_config_file_and_the_client_settings_choose_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cachebust.toml");
    std::fs::write(&config, "ignore = [\"CB001\"]\n").unwrap();
    let path = dir.path().join("Dockerfile");
    let text = dockerfile("", "\n");
    let mut client = Client::start(dir.path(), false);
    let uri = uri(&path);
    client.open(&uri, "dockerfile", &text);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    // The config changes on disk: the watcher's event reloads it.
    std::fs::write(&config, "").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": client::uri(&config), "type": 2 }] }),
    );
    assert_eq!(codes(&client.diagnostics(&uri)), ["CB001"]);
    // The client's own setting.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "cachebust": { "ignore": ["CB001"] } } }),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": {} }),
    );
    assert_eq!(codes(&client.diagnostics(&uri)), ["CB001"]);
    // A broken config: a diagnostic on it, and the file is linted with the defaults.
    std::fs::write(&config, "select = 3\n").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": client::uri(&config) } }),
    );
    assert_eq!(codes(&client.diagnostics(&uri)), ["CB001"]);
    let config_diagnostics = client.diagnostics(&client::uri(&config));
    assert_eq!(config_diagnostics.len(), 1);
    assert!(config_diagnostics[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("invalid config file"));
}

/// Resident memory of a process, in KiB, from `/proc`.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn memory_stays_flat_over_ten_thousand_edits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/fixtures/typical.Dockerfile"),
    )
    .unwrap();
    let mut client = Client::start(dir.path(), false);
    let uri = uri(&path);
    client.open(&uri, "dockerfile", &text);
    client.diagnostics(&uri);
    let mut rss = Vec::new();
    for version in 2..=10_001 {
        // Type a character at the start of line 1 and delete it again: the text returns to itself.
        let change = if version % 2 == 0 {
            json!({ "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 0 } }, "text": "#" })
        } else {
            json!({ "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 1 } }, "text": "" })
        };
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
        );
        if version % 2_000 == 1 {
            // A request is answered after every edit before it: the server has caught up.
            client.request("textDocument/hover", json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 0 } }));
            client.drain();
            rss.push(rss_kib(client.pid()));
        }
    }
    // The first sample is after 2,000 edits (allocator arenas warmed up); the last after 10,000.
    eprintln!("server RSS (KiB) after 2,000 .. 10,000 edits: {rss:?}");
    let (first, last) = (rss[0], *rss.last().unwrap());
    assert!(
        last <= first + 4096,
        "RSS grew from {first} KiB to {last} KiB: {rss:?}"
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_compose_finding_has_its_quick_fix_and_a_suppression_on_its_build_line() {
    let dir = tempfile::tempdir().unwrap();
    let busted = dockerfile("", "\n").replace("RUN git", "ARG CACHE_BUST=unknown\nRUN git");
    let compose = "services:\n  api:\n    build:\n      context: ./api\n";
    write_tree(
        dir.path(),
        &[("compose.yaml", compose), ("api/Dockerfile", &busted)],
    );
    let compose_uri = uri(&dir.path().join("compose.yaml"));
    let mut client = Client::start(dir.path(), false);
    client.open(&compose_uri, "dockercompose", compose);
    let diagnostics = client.diagnostics(&compose_uri);
    assert_eq!(codes(&diagnostics), ["CB004"]);
    let actions = actions(&mut client, &compose_uri, &diagnostics[0], Some("quickfix"));
    let fix = actions
        .iter()
        .find(|a| a["isPreferred"] == true)
        .expect("a fix");
    let fixed = client.apply(compose, &fix["edit"]["changes"][&compose_uri]);
    assert_eq!(
        fixed,
        "services:\n  api:\n    build:\n      context: ./api\n      args:\n        CACHE_BUST: ${CACHE_BUST_API:-unknown}\n"
    );
    let suppress = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Suppress CB004"))
        .expect("a suppression");
    let suppressed = client.apply(compose, &suppress["edit"]["changes"][&compose_uri]);
    assert_eq!(
        suppressed,
        "services:\n  api:\n    build: # cachebust: ignore[CB004]\n      context: ./api\n"
    );
    for (version, text) in [(2, &fixed), (3, &suppressed)] {
        client.change_full(&compose_uri, version, text);
        assert_eq!(
            client.settled_diagnostics(&compose_uri),
            Vec::<Value>::new(),
            "{text}"
        );
    }
}
