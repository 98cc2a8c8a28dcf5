//! The settings each file is linted with: the nearest `cachebust.toml` or `.cachebust.toml` above it (as
//! `check` finds one), or the config the client names, with the client's `select` and `ignore` on top,
//! as `check`'s flags are. Read once per directory, and read again when a config file changes.
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::{find_config, load_config, ConfigError};
use crate::settings::Settings;

/// The client's settings (`initializationOptions`, or `workspace/didChangeConfiguration` under a
/// `cachebust` key), documented in the README.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClientSettings {
    /// Rule codes (or prefixes, or `ALL`) to report, replacing the config file's `select`.
    pub select: Option<Vec<String>>,
    /// Rule codes (or prefixes) never to report, added to the config file's `ignore`.
    pub ignore: Vec<String>,
    /// The config file to use for every file (relative to the workspace root), instead of the nearest.
    pub config: Option<PathBuf>,
    /// Use no config file.
    pub isolated: bool,
}

impl ClientSettings {
    /// Reads the settings from a `cachebust` key, or from the object itself; unknown codes are left out.
    pub fn from_json(value: &serde_json::Value) -> Result<ClientSettings, String> {
        let value = value.get("cachebust").unwrap_or(value);
        if value.is_null() {
            return Ok(ClientSettings::default());
        }
        let mut settings =
            ClientSettings::deserialize(value).map_err(|e| format!("cachebust settings: {e}"))?;
        let mut unknown = Vec::new();
        let mut known = |codes: &mut Vec<String>| {
            codes
                .iter_mut()
                .for_each(|c| *c = c.trim().to_ascii_uppercase());
            codes.retain(|c| {
                let ok = c == "ALL"
                    || crate::catalogue::rules()
                        .iter()
                        .any(|r| r.code.starts_with(c.as_str()));
                if !ok {
                    unknown.push(c.clone());
                }
                ok
            });
        };
        if let Some(select) = &mut settings.select {
            known(select);
        }
        known(&mut settings.ignore);
        if unknown.is_empty() {
            Ok(settings)
        } else {
            Err(format!(
                "cachebust settings: unknown rule code {} (see `cachebust rule --all`); left out",
                unknown
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }
}

/// The settings by directory, and the config files that could not be used.
#[derive(Debug, Default)]
pub struct Configs {
    pub client: ClientSettings,
    pub root: PathBuf,
    by_dir: HashMap<PathBuf, Settings>,
    /// Config errors not yet shown to the user, each once per reload.
    pub errors: Vec<ConfigError>,
}

impl Configs {
    pub fn new(root: PathBuf, client: ClientSettings) -> Configs {
        Configs {
            client,
            root,
            ..Configs::default()
        }
    }

    /// Forgets what was read: a config file changed, or the client's settings did.
    pub fn reload(&mut self) {
        self.by_dir.clear();
    }

    /// The settings for the file at `path`. A config file with an error is reported (in `errors`) and
    /// replaced by the defaults, so the file is still linted.
    pub fn settings_for(&mut self, path: &Path) -> Settings {
        let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        if let Some(settings) = self.by_dir.get(&dir) {
            return settings.clone();
        }
        let config = if self.client.isolated {
            None
        } else {
            match &self.client.config {
                Some(config) => Some(self.root.join(config)),
                None => find_config(&dir),
            }
        };
        let mut settings = match config.map(|c| load_config(&c)) {
            Some(Ok(settings)) => settings,
            Some(Err(error)) => {
                if !self.errors.contains(&error) {
                    self.errors.push(error);
                }
                Settings::default()
            }
            None => Settings::default(),
        };
        if let Some(select) = &self.client.select {
            settings.select = Some(select.clone());
        }
        settings.ignore.extend(self.client.ignore.iter().cloned());
        self.by_dir.insert(dir, settings.clone());
        settings
    }
}

/// Whether a path is a config file: saving or changing one reloads every file's settings.
pub fn is_config(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    crate::config::CONFIG_NAMES.contains(&name.as_ref())
}
