//! The server's state between messages, and what each request and notification does to it.
use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Notification, Request, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionParams, Diagnostic, Hover, HoverContents, HoverParams, InitializeParams,
    MarkupContent, MarkupKind, PublishDiagnosticsParams, Uri,
};
use serde::de::DeserializeOwned;

use super::actions::{code_actions, Request as ActionRequest};
use super::config::{is_config, ClientSettings, Configs};
use super::diagnostics::{config_diagnostic, to_diagnostic, Text};
use super::documents::{path_to_uri, uri_to_path, Documents, Kind};
use super::hover::hover_text;
use super::position::Encoding;
use super::workspace::{Overlay, Workspace};
use crate::finding::{Finding, Severity};
use crate::lint::FileReport;
use crate::source::SourceFile;

pub struct Session<'a> {
    pub(super) connection: &'a Connection,
    pub(super) encoding: Encoding,
    pub(super) documents: Documents,
    pub(super) workspace: Workspace,
    /// Open documents whose diagnostics are out of date.
    pub(super) dirty: HashSet<String>,
    /// Files that were last published with diagnostics, to clear them when they have none.
    pub(super) published: HashSet<String>,
}

impl<'a> Session<'a> {
    pub fn new(connection: &'a Connection, encoding: Encoding, params: &InitializeParams) -> Self {
        let root = root_of(params);
        let (client, problem) = match &params.initialization_options {
            Some(options) => match ClientSettings::from_json(options) {
                Ok(client) => (client, None),
                Err(problem) => (ClientSettings::default(), Some(problem)),
            },
            None => (ClientSettings::default(), None),
        };
        let session = Session {
            connection,
            encoding,
            documents: Documents::default(),
            workspace: Workspace {
                configs: Configs::new(root.clone(), client),
                root,
            },
            dirty: HashSet::new(),
            published: HashSet::new(),
        };
        if let Some(problem) = problem {
            session.show_warning(&problem);
        }
        session.watch_configs(params);
        session
    }

    /// Asks the client to tell us when a config file changes, when it can be asked.
    fn watch_configs(&self, params: &InitializeParams) {
        let dynamic = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        if !dynamic {
            return;
        }
        let watchers: Vec<_> = ["**/cachebust.toml", "**/.cachebust.toml"]
            .map(|glob| serde_json::json!({ "globPattern": glob }))
            .into();
        let params = serde_json::json!({ "registrations": [{
            "id": "cachebust-config",
            "method": note::DidChangeWatchedFiles::METHOD,
            "registerOptions": { "watchers": watchers },
        }]});
        let request = Request::new(
            "cachebust-watch".to_string().into(),
            "client/registerCapability".into(),
            params,
        );
        let _ = self.connection.sender.send(request.into());
    }

    pub fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let outcome =
            std::panic::catch_unwind(AssertUnwindSafe(|| match request.method.as_str() {
                req::CodeActionRequest::METHOD => params(request)
                    .map(|p| serde_json::to_value(self.code_actions(p)).unwrap_or_default()),
                req::HoverRequest::METHOD => {
                    params(request).map(|p| serde_json::to_value(self.hover(p)).unwrap_or_default())
                }
                method => Err((
                    ErrorCode::MethodNotFound,
                    format!("unknown method `{method}`"),
                )),
            }));
        match outcome {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                "internal error in cachebust (a bug: please report it with the file)".into(),
            ),
        }
    }

    pub fn notification(&mut self, notification: Notification) {
        let method = notification.method.clone();
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| self.notify(notification)));
        if outcome.is_err() {
            self.show_warning(&format!("cachebust: internal error handling `{method}`"));
        }
    }

    /// Lints the documents whose diagnostics are out of date and publishes them, with those of the other
    /// files of their compose sets.
    pub fn lint_dirty(&mut self) {
        let dirty: Vec<String> = self.dirty.drain().collect();
        if dirty.is_empty() {
            return;
        }
        let overlay = Overlay::new(&self.documents);
        let mut done: HashSet<PathBuf> = HashSet::new();
        for key in dirty {
            let Ok(uri) = key.parse::<Uri>() else {
                continue;
            };
            let Some(document) = self.documents.get(&uri) else {
                continue;
            };
            let (path, kind, version) = (document.path.clone(), document.kind, document.version);
            if done.contains(&path) {
                continue;
            }
            let workspace = &mut self.workspace;
            let linted = std::panic::catch_unwind(AssertUnwindSafe(|| {
                workspace.lint_around(&overlay, &path, kind)
            }));
            let reports = linted.unwrap_or_else(|_| vec![internal_error(&path, &overlay)]);
            if !reports.iter().any(|r| r.file.path == path) {
                // Nothing to say about it (not a compose file after all): clear what was said.
                self.publish(&uri, Some(version), Vec::new());
            }
            for report in reports {
                done.insert(report.file.path.clone());
                self.publish_report(&report);
            }
        }
        let errors = std::mem::take(&mut self.workspace.configs.errors);
        for error in errors {
            let absolute = std::path::absolute(&error.path).unwrap_or(error.path.clone());
            if let Some(uri) = path_to_uri(&absolute) {
                self.publish(&uri, None, vec![config_diagnostic(&error, self.encoding)]);
            }
        }
    }

    fn publish_report(&mut self, report: &FileReport) {
        let (uri, version) = match self.documents.by_path(&report.file.path) {
            Some(document) => (document.uri.clone(), Some(document.version)),
            None => match std::path::absolute(&report.file.path)
                .ok()
                .and_then(|p| path_to_uri(&p))
            {
                Some(uri) => (uri, None),
                None => return,
            },
        };
        let text = Text::new(&report.file.text, self.encoding);
        let diagnostics = report
            .findings
            .iter()
            .map(|f| to_diagnostic(f, &report.file, &uri, &text))
            .collect();
        self.publish(&uri, version, diagnostics);
    }

    pub(super) fn publish(
        &mut self,
        uri: &Uri,
        version: Option<i32>,
        diagnostics: Vec<Diagnostic>,
    ) {
        let key = uri.as_str().to_string();
        if diagnostics.is_empty() && !self.published.remove(&key) && version.is_none() {
            // Never published for a file that is not open: nothing to clear.
            return;
        }
        if !diagnostics.is_empty() {
            self.published.insert(key);
        }
        let params = PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version,
        };
        let n = Notification::new(note::PublishDiagnostics::METHOD.into(), params);
        let _ = self.connection.sender.send(n.into());
    }

    pub(super) fn show_warning(&self, message: &str) {
        let params = lsp_types::ShowMessageParams {
            typ: lsp_types::MessageType::WARNING,
            message: message.into(),
        };
        let n = Notification::new(note::ShowMessage::METHOD.into(), params);
        let _ = self.connection.sender.send(n.into());
    }

    fn code_actions(&mut self, p: CodeActionParams) -> Vec<lsp_types::CodeActionOrCommand> {
        let uri = p.text_document.uri;
        let Some(document) = self.documents.get(&uri) else {
            return Vec::new();
        };
        let (path, kind) = (document.path.clone(), document.kind);
        let overlay = Overlay::new(&self.documents);
        let reports = self.workspace.lint_around(&overlay, &path, kind);
        let request = ActionRequest {
            uri: &uri,
            path: &path,
            range: p.range,
            only: p.context.only.as_deref(),
            encoding: self.encoding,
        };
        code_actions(&mut self.workspace, &overlay, &reports, &request)
    }

    fn hover(&mut self, p: HoverParams) -> Option<Hover> {
        let at = p.text_document_position_params;
        let document = self.documents.get(&at.text_document.uri)?;
        if document.kind != Kind::Dockerfile {
            return None;
        }
        let index = super::position::LineIndex::new(&document.text);
        let offset = index.offset(&document.text, at.position, self.encoding);
        let file = SourceFile::new(document.path.clone(), String::new(), document.text.clone());
        let settings = self.workspace.configs.settings_for(&document.path);
        let value = hover_text(&file, offset, &settings)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: None,
        })
    }
}

fn params<P: DeserializeOwned>(request: Request) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(request.params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

pub(super) fn is_config_uri(uri: &str) -> bool {
    uri.parse::<Uri>()
        .ok()
        .and_then(|u| uri_to_path(&u))
        .is_some_and(|p| is_config(&p))
}

/// The workspace root: the first workspace folder, else the root URI, else the working directory.
fn root_of(params: &InitializeParams) -> PathBuf {
    let folder = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri);
    #[allow(deprecated)]
    let uri = folder.or(params.root_uri.as_ref());
    uri.and_then(uri_to_path)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("/"))
}

/// What the editor shows when linting a document panicked: a CB000 on its first character, so the bug is
/// visible where it happened and the server goes on.
fn internal_error(path: &Path, overlay: &Overlay) -> FileReport {
    let text = overlay.text(path).unwrap_or_default().to_string();
    let end = text.chars().next().map_or(0, char::len_utf8);
    FileReport {
        file: SourceFile::new(path.to_path_buf(), String::new(), text),
        findings: vec![Finding {
            code: "CB000",
            severity: Severity::Error,
            message:
                "cachebust failed on this file (an internal error: please report it with the file)"
                    .into(),
            span: 0..end,
            label: "internal error".into(),
            related: Vec::new(),
            help: "The server's log (stderr) has the details.".into(),
            fix: None,
        }],
    }
}
