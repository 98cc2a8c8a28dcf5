//! What each notification does: open, change, save and close documents; watched files and client
//! settings, which reload the configuration. Each marks what must be linted again.
use lsp_server::Notification;
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::{
    DidChangeConfigurationParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
};

use super::config::{is_config, ClientSettings};
use super::documents::uri_to_path;
use super::session::{is_config_uri, Session};

impl Session<'_> {
    pub(super) fn notify(&mut self, notification: Notification) {
        let n = notification;
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<DidOpenTextDocumentParams>(note::DidOpenTextDocument::METHOD)
                else {
                    return;
                };
                let d = p.text_document;
                let key = d.uri.as_str().to_string();
                if self
                    .documents
                    .open(d.uri, &d.language_id, d.version, d.text)
                    .is_some()
                {
                    self.dirty.insert(key);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<DidChangeTextDocumentParams>(note::DidChangeTextDocument::METHOD)
                else {
                    return;
                };
                let d = p.text_document;
                self.documents
                    .change(&d.uri, d.version, p.content_changes, self.encoding);
                self.dirty.insert(d.uri.as_str().to_string());
            }
            note::DidSaveTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<DidSaveTextDocumentParams>(note::DidSaveTextDocument::METHOD)
                else {
                    return;
                };
                match uri_to_path(&p.text_document.uri) {
                    Some(path) if is_config(&path) => self.reload(),
                    // The saved text may change what the other files of its set read from disk.
                    _ => self.mark_all_dirty(),
                }
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<DidCloseTextDocumentParams>(note::DidCloseTextDocument::METHOD)
                else {
                    return;
                };
                if let Some(document) = self.documents.close(&p.text_document.uri) {
                    self.publish(&document.uri, None, Vec::new());
                    // Its set now reads it from disk.
                    self.mark_all_dirty();
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                let Ok(p) =
                    n.extract::<DidChangeWatchedFilesParams>(note::DidChangeWatchedFiles::METHOD)
                else {
                    return;
                };
                let config = p
                    .changes
                    .iter()
                    .any(|c| uri_to_path(&c.uri).is_some_and(|p| is_config(&p)));
                if config {
                    self.reload();
                } else {
                    self.mark_all_dirty();
                }
            }
            note::DidChangeConfiguration::METHOD => {
                let Ok(p) =
                    n.extract::<DidChangeConfigurationParams>(note::DidChangeConfiguration::METHOD)
                else {
                    return;
                };
                match ClientSettings::from_json(&p.settings) {
                    Ok(client) => self.workspace.configs.client = client,
                    Err(problem) => self.show_warning(&problem),
                }
                self.reload();
            }
            _ => {}
        }
    }

    /// Reads every config file again and re-lints every open document.
    fn reload(&mut self) {
        self.workspace.configs.reload();
        // Config errors are published again if they remain.
        let stale: Vec<String> = self
            .published
            .iter()
            .filter(|u| is_config_uri(u))
            .cloned()
            .collect();
        for uri in stale {
            if let Ok(uri) = uri.parse() {
                self.publish(&uri, None, Vec::new());
            }
        }
        self.mark_all_dirty();
    }

    fn mark_all_dirty(&mut self) {
        let all: Vec<String> = self
            .documents
            .iter()
            .map(|d| d.uri.as_str().to_string())
            .collect();
        self.dirty.extend(all);
    }
}
