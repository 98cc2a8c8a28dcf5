//! A small JSON-RPC client for the tests: it runs `cachebust server` over stdio as an editor would,
//! frames messages with `Content-Length`, and keeps the server's notifications until a test asks.
#![allow(dead_code)]
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications (and server requests) read while waiting for something else.
    pending: VecDeque<Value>,
    next_id: i64,
    /// Whether positions count UTF-8 bytes (else UTF-16 units), as negotiated.
    pub utf8: bool,
}

impl Client {
    /// Starts the server and initializes it for the workspace `root`, offering UTF-8 positions or not.
    pub fn start(root: &Path, offer_utf8: bool) -> Client {
        Client::start_with(root, offer_utf8, Value::Null)
    }

    pub fn start_with(root: &Path, offer_utf8: bool, options: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cachebust"))
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if send.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            pending: VecDeque::new(),
            next_id: 1,
            utf8: false,
        };
        let encodings = if offer_utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": {
                    "general": { "positionEncodings": encodings },
                    "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
                },
                "initializationOptions": options,
            }),
        );
        let encoding = result["result"]["capabilities"]["positionEncoding"].clone();
        client.utf8 = encoding == "utf-8";
        client.notify("initialized", json!({}));
        client
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.response(id)
    }

    /// The response to request `id`, keeping what comes before it.
    pub fn response(&mut self, id: i64) -> Value {
        loop {
            let message = self.incoming.recv_timeout(TIMEOUT).expect("a response");
            if message.get("method").is_none() && message["id"] == id {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    /// The next notification of `method` (for `uri`, when given).
    pub fn notification(&mut self, method: &str, uri: Option<&str>) -> Value {
        let wanted =
            |m: &Value| m["method"] == method && uri.is_none_or(|u| m["params"]["uri"] == u);
        if let Some(i) = self.pending.iter().position(wanted) {
            return self.pending.remove(i).unwrap();
        }
        loop {
            let message = self
                .incoming
                .recv_timeout(TIMEOUT)
                .unwrap_or_else(|_| panic!("no {method} for {uri:?}"));
            if wanted(&message) {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    /// The diagnostics next published for `uri`.
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let n = self.notification("textDocument/publishDiagnostics", Some(uri));
        n["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// The diagnostics last published for `uri` once the server has handled everything sent so far (a
    /// request is answered only after the diagnostics of the edits before it are published).
    pub fn settled_diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let barrier = json!({ "textDocument": { "uri": "file:///barrier" }, "position": { "line": 0, "character": 0 } });
        self.request("textDocument/hover", barrier);
        let published = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        let last = self
            .pending
            .iter()
            .rposition(published)
            .expect("diagnostics were published");
        let last = self.pending.remove(last).unwrap();
        self.pending.retain(|m| !published(m));
        last["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// Forgets the notifications read so far.
    pub fn drain(&mut self) {
        self.pending.clear();
        while self.incoming.try_recv().is_ok() {}
    }

    pub fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
    }

    pub fn change_full(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// `shutdown`, then `exit`; returns the server's exit code.
    pub fn shutdown(mut self) -> Option<i32> {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    pub fn wait(mut self) -> Option<i32> {
        drop(self.stdin);
        self.child.wait().unwrap().code()
    }

    /// A position's byte offset in `text`, in the negotiated encoding.
    pub fn offset(&self, text: &str, position: &Value) -> usize {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= character || c == '\n' {
                return start + i;
            }
            units += if self.utf8 {
                c.len_utf8()
            } else {
                c.len_utf16()
            };
        }
        text.len()
    }

    /// The text after applying a list of LSP text edits (all relative to `text`).
    pub fn apply(&self, text: &str, edits: &Value) -> String {
        let mut edits: Vec<(usize, usize, String)> = edits
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let start = self.offset(text, &e["range"]["start"]);
                let end = self.offset(text, &e["range"]["end"]);
                (start, end, e["newText"].as_str().unwrap().to_string())
            })
            .collect();
        edits.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
        let mut out = text.to_string();
        for (start, end, new) in edits {
            out.replace_range(start..end, &new);
        }
        out
    }
}

/// The `file://` URI of a path (test paths are plain ASCII).
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
