//! The protocol's life cycle: `initialize` (with the position encoding negotiated), the message loop,
//! `$/cancelRequest`, and `shutdown`/`exit` as the specification orders them.
use std::collections::HashSet;
use std::time::Duration;

use lsp_server::{Connection, ErrorCode, Message, RequestId, Response};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, HoverProviderCapability,
    InitializeParams, PositionEncodingKind, SaveOptions, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
};

use super::actions::FIX_ALL;
use super::position::Encoding;
use super::session::Session;

/// Runs the server on stdin/stdout until `exit`. Returns the process's exit code: 0 after a
/// `shutdown`, 1 when `exit` (or the end of input) comes without one.
pub fn run_server() -> u8 {
    let (connection, io_threads) = Connection::stdio();
    let code = match serve(&connection) {
        Ok(code) => code,
        Err(error) => {
            crate::console::errln(&format!("cachebust server: {error}"));
            1
        }
    };
    drop(connection);
    // The writer thread flushes what is queued and ends; the reader may wait on a stdin the client keeps
    // open after `exit`, so it is not waited for long.
    let (done, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = io_threads.join();
        let _ = done.send(());
    });
    let _ = wait.recv_timeout(Duration::from_secs(2));
    code
}

/// Serves one client on `connection` until `exit` (the benchmark drives it in memory); see [`run_server`].
pub fn serve(connection: &Connection) -> Result<u8, Box<dyn std::error::Error>> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let encoding = negotiate(&params);
    let capabilities = capabilities(encoding);
    connection.initialize_finish(
        id,
        serde_json::json!({
            "capabilities": capabilities,
            "serverInfo": { "name": "cachebust", "version": env!("CARGO_PKG_VERSION") },
        }),
    )?;
    let mut session = Session::new(connection, encoding, &params);
    let mut shut_down = false;
    // Cancelled ids not answered yet: a cancellation may arrive before the request it names.
    let mut cancelled: HashSet<RequestId> = HashSet::new();
    loop {
        let Ok(first) = connection.receiver.recv() else {
            return Ok(1);
        };
        // Everything that has arrived is read before anything is answered: a request cancelled meanwhile
        // is answered as cancelled, and a burst of edits is linted once.
        let mut batch = vec![first];
        batch.extend(connection.receiver.try_iter());
        if cancelled.len() > 1024 {
            // Ids of requests that were answered before their cancellation came: never used again.
            cancelled.clear();
        }
        cancelled.extend(batch.iter().filter_map(cancelled_id));
        for message in batch {
            match message {
                Message::Request(request) => {
                    let response = if shut_down {
                        Response::new_err(
                            request.id,
                            ErrorCode::InvalidRequest as i32,
                            "the server is shut down".into(),
                        )
                    } else if cancelled.remove(&request.id) {
                        Response::new_err(
                            request.id,
                            ErrorCode::RequestCanceled as i32,
                            "cancelled".into(),
                        )
                    } else if request.method == "shutdown" {
                        shut_down = true;
                        Response::new_ok(request.id, ())
                    } else {
                        session.lint_dirty();
                        session.request(request)
                    };
                    connection.sender.send(response.into())?;
                }
                Message::Notification(notification) if notification.method == "exit" => {
                    return Ok(if shut_down { 0 } else { 1 });
                }
                Message::Notification(notification) => session.notification(notification),
                Message::Response(_) => {}
            }
        }
        session.lint_dirty();
    }
}

fn cancelled_id(message: &Message) -> Option<RequestId> {
    let Message::Notification(n) = message else {
        return None;
    };
    if n.method != "$/cancelRequest" {
        return None;
    }
    let params: lsp_types::CancelParams = serde_json::from_value(n.params.clone()).ok()?;
    Some(match params.id {
        lsp_types::NumberOrString::Number(n) => RequestId::from(n),
        lsp_types::NumberOrString::String(s) => RequestId::from(s),
    })
}

/// UTF-8 when the client offers it (spans are byte ranges, so nothing is counted), else UTF-16, which
/// the protocol requires every client to support.
fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    let position_encoding = match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
    };
    ServerCapabilities {
        position_encoding: Some(position_encoding),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(
                    SaveOptions {
                        include_text: Some(false),
                    }
                    .into(),
                ),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(FIX_ALL)]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}
