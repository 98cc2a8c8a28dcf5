//! `cargo bench --bench server`: the time from a `didChange` (the whole text) to the
//! `publishDiagnostics` it causes, through the real server on an in-memory connection, for the typical
//! Dockerfile and for a 1 MB `RUN` (the same shape as `benches/pipeline.rs`'s).
use lsp_server::{Connection, Message, Notification, Request};
use serde_json::json;

fn main() {
    divan::main();
}

const TYPICAL: &str = include_str!("../bench/fixtures/typical.Dockerfile");

fn big_run(size: usize) -> String {
    let mut out = String::from("FROM debian:bookworm-slim\nRUN set -eux; \\\n");
    let mut i = 0usize;
    while out.len() < size {
        out += &match i % 3 {
            0 => format!("    && git clone --depth 1 -b main https://github.com/acme/repo{i}.git /src/r{i} \\\n"),
            1 => format!("    && apt-get install -y --no-install-recommends curl git jq pkg{i} \\\n"),
            _ => format!("    && npm install github:acme/ui{i}#develop \\\n"),
        };
        i += 1;
    }
    out + "    && true\n"
}

/// A server on a thread, initialized, with the document open.
struct Session {
    client: Connection,
    uri: String,
    version: i32,
}

impl Session {
    fn new(text: &str) -> Session {
        let (server, client) = Connection::memory();
        std::thread::spawn(move || {
            let _ = cachebust::server::serve(&server);
        });
        let dir = std::env::temp_dir();
        let init = Request::new(
            1.into(),
            "initialize".into(),
            json!({ "capabilities": {}, "rootUri": format!("file://{}", dir.display()) }),
        );
        client.sender.send(init.into()).unwrap();
        let _ = client.receiver.recv().unwrap();
        let notify = |method: &str, params| Notification::new(method.into(), params).into();
        client
            .sender
            .send(notify("initialized", json!({})))
            .unwrap();
        let uri = format!("file://{}/bench.Dockerfile", dir.display());
        let open = json!({ "textDocument": { "uri": uri, "languageId": "dockerfile", "version": 1, "text": text } });
        client
            .sender
            .send(notify("textDocument/didOpen", open))
            .unwrap();
        let mut session = Session {
            client,
            uri,
            version: 1,
        };
        session.wait();
        session
    }

    fn wait(&mut self) {
        loop {
            if let Message::Notification(n) = self.client.receiver.recv().unwrap() {
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["version"] == self.version
                {
                    return;
                }
            }
        }
    }

    fn change(&mut self, text: &str) {
        self.version += 1;
        let params = json!({
            "textDocument": { "uri": self.uri, "version": self.version },
            "contentChanges": [{ "text": text }],
        });
        let n = Notification::new("textDocument/didChange".into(), params);
        self.client.sender.send(n.into()).unwrap();
        self.wait();
    }
}

#[divan::bench]
fn did_change_typical(bencher: divan::Bencher) {
    let mut session = Session::new(TYPICAL);
    bencher.bench_local(|| session.change(TYPICAL));
}

#[divan::bench(sample_count = 20)]
fn did_change_1mb_run(bencher: divan::Bencher) {
    let text = big_run(1 << 20);
    let mut session = Session::new(&text);
    bencher.bench_local(|| session.change(&text));
}
