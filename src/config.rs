//! `cachebust.toml` / `.cachebust.toml`: found upward from the working directory (or named with
//! `--config`), read strictly: an unknown key or a bad value is an error naming the key and its place.
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::catalogue::rules;
use crate::detect::spec::{Detectors, RawDetector, RawFile, RawForm, RawIdiom, RawManifest};
use crate::finding::Severity;
use crate::settings::{PathIgnore, Settings};

/// The names a config file may have, in the order they are looked for in each directory.
pub const CONFIG_NAMES: [&str; 2] = ["cachebust.toml", ".cachebust.toml"];

/// A config file that cannot be used, with the place in it that is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub text: String,
    pub span: Option<Range<usize>>,
    pub message: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct CacheBust {
    names: Option<Vec<String>>,
    arg: Option<Spanned<String>>,
    default: Option<Spanned<String>>,
    echo: Option<bool>,
    per_layer: Option<bool>,
    /// CB001's cure: `bust-arg` (the default) or `add-git`.
    strategy: Option<Spanned<String>>,
}

/// The config file that applies in `dir`: the nearest one in it or a parent directory.
pub fn find_config(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .flat_map(|d| CONFIG_NAMES.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// Reads a config file into settings (defaults for everything it does not say).
pub fn load_config(path: &Path) -> Result<Settings, ConfigError> {
    let error = |message: String| ConfigError {
        path: path.to_path_buf(),
        text: String::new(),
        span: None,
        message: format!("cannot read the config file: {message}"),
    };
    // The rules of linted files: a regular file (never a FIFO that blocks or a device that never
    // ends) of at most 10 MiB.
    let bytes = crate::source::read_file(path).map_err(|e| error(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        error(format!(
            "it is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    parse_config(path, &text)
}

/// Parses config text; `path` locates it (per-file ignores are relative to its directory).
pub fn parse_config(path: &Path, text: &str) -> Result<Settings, ConfigError> {
    let error = |span: Option<Range<usize>>, message: String| ConfigError {
        path: path.to_path_buf(),
        text: text.to_string(),
        span,
        message,
    };
    let raw: RawConfig =
        toml::from_str(text).map_err(|e| error(e.span(), in_words(e.message())))?;
    let mut settings = Settings::default();
    let check_code = |code: &Spanned<String>| -> Result<String, ConfigError> {
        let value = code.get_ref().to_ascii_uppercase();
        let known = value == "ALL" || rules().iter().any(|r| r.code.starts_with(&value));
        if known {
            Ok(value)
        } else {
            Err(error(
                Some(code.span()),
                format!(
                    "unknown rule code `{}` (see `cachebust rule --all`)",
                    code.get_ref()
                ),
            ))
        }
    };
    if let Some(select) = &raw.select {
        settings.select = Some(select.iter().map(check_code).collect::<Result<_, _>>()?);
    }
    settings.ignore = raw
        .ignore
        .iter()
        .map(check_code)
        .collect::<Result<_, _>>()?;
    for (code, severity) in &raw.severity {
        settings.severities.push((check_code(code)?, *severity));
    }
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    for (pattern, codes) in &raw.per_file_ignores {
        let glob = globset::Glob::new(pattern.get_ref())
            .map_err(|e| {
                error(
                    Some(pattern.span()),
                    format!("invalid glob `{}`: {}", pattern.get_ref(), e.kind()),
                )
            })?
            .compile_matcher();
        let codes = codes.iter().map(check_code).collect::<Result<_, _>>()?;
        settings.per_file_ignores.push(PathIgnore {
            base: base.clone(),
            glob,
            codes,
        });
    }
    if let Some(level) = raw.fail_level {
        settings.fail_level = level;
    }
    if let Some(strict) = raw.strict_tags {
        settings.strict_tags = strict;
    }
    let bust = &raw.cache_bust;
    if let Some(names) = &bust.names {
        settings.bust_names = names.clone();
    }
    if let Some(arg) = &bust.arg {
        let valid = arg
            .get_ref()
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && arg
                .get_ref()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(error(
                Some(arg.span()),
                format!("`{}` is not a valid build-arg name", arg.get_ref()),
            ));
        }
        settings.fix_arg = arg.get_ref().clone();
        if !settings.is_bust_name(&settings.fix_arg) {
            settings.bust_names.push(settings.fix_arg.clone());
        }
    }
    if let Some(default) = &bust.default {
        settings.fix_default =
            plain_default(default.get_ref()).map_err(|why| error(Some(default.span()), why))?;
    }
    if let Some(echo) = bust.echo {
        settings.fix_echo = echo;
    }
    if let Some(strategy) = &bust.strategy {
        settings.fix_add_git = match strategy.get_ref().as_str() {
            "add-git" => true,
            "bust-arg" => false,
            other => {
                return Err(error(
                    Some(strategy.span()),
                    format!("unknown strategy `{other}`: `bust-arg` or `add-git`"),
                ))
            }
        };
    }
    if let Some(per_layer) = bust.per_layer {
        settings.fix_per_layer = per_layer;
        let pattern = format!("{}_*", settings.fix_arg);
        if per_layer && !settings.bust_names.contains(&pattern) {
            settings.bust_names.push(pattern);
        }
    }
    let extra = RawFile {
        detectors: raw.detector,
        forms: raw.form,
        bust_idioms: raw.bust_idiom,
        manifests: raw.manifest,
        wrappers: Vec::new(),
    };
    if !(extra.detectors.is_empty()
        && extra.forms.is_empty()
        && extra.bust_idioms.is_empty()
        && extra.manifests.is_empty())
    {
        let detectors = Detectors::with_extra(extra).map_err(|message| {
            // Messages name the entry as `id`: point at its `id = "…"` line.
            let span = message.split('`').nth(1).and_then(|id| {
                text.find(&format!("\"{id}\""))
                    .map(|at| at..at + id.len() + 2)
            });
            error(span, format!("extra detector data: {message}"))
        })?;
        // Settings are read once per run and shared by every file.
        settings.detectors = Box::leak(Box::new(detectors));
    }
    Ok(settings)
}

/// The TOML reader's message in the config file's words: serde's `invalid type: string "x", expected a
/// sequence` names Rust's types; a user wrote a list, a table, `true`.
fn in_words(message: &str) -> String {
    let kind = |what: &str| -> String {
        let what = what.trim();
        let named = [
            ("a sequence", "a list (`[…]`)"),
            ("a boolean", "`true` or `false`"),
            ("a map", "a table"),
            ("a string", "a string in quotes"),
            ("a borrowed string", "a string in quotes"),
        ];
        if let Some((_, shown)) = named.iter().find(|(n, _)| *n == what) {
            return (*shown).to_string();
        }
        if what.starts_with("struct ") || what.starts_with("map") {
            return "a table".into();
        }
        if let Some(rest) = what.strip_prefix("string ") {
            return format!("the string {rest}");
        }
        if let Some(rest) = what.strip_prefix("integer ") {
            return format!("the number {}", rest.trim_matches('`'));
        }
        if let Some(rest) = what.strip_prefix("floating point ") {
            return format!("the number {}", rest.trim_matches('`'));
        }
        if let Some(rest) = what.strip_prefix("boolean ") {
            return format!("`{}`", rest.trim_matches('`'));
        }
        match what {
            "sequence" => "a list".into(),
            "map" => "a table".into(),
            other => other.to_string(),
        }
    };
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("expected {}, found {}", kind(expected), kind(found));
        }
    }
    if message == "wanted string or table" {
        return "expected a string in quotes".into();
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return format!("unknown value {rest}");
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return format!("unknown key {rest}");
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("missing key {rest}");
    }
    message.to_string()
}

/// The fix writes `default` into Dockerfiles (`ARG CACHE_BUST=<default>`) and compose files
/// (`${CACHE_BUST:-<default>}`): it must be one plain word, or it would change their structure (a
/// trailing `\` swallows the next line, a blank splits the ARG, a `$`, `}` or quote changes what is
/// expanded). An error, not an escape: no escape means the same in a Dockerfile, YAML and a shell.
fn plain_default(value: &str) -> Result<String, String> {
    let plain = |c: char| {
        c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '/' | '@' | '=' | ':')
    };
    match value.chars().find(|&c| !plain(c)) {
        None => Ok(value.to_string()),
        Some(c) => Err(format!(
            "`default` must be one plain word (letters, digits and `. _ - + / @ = :`): {} would change \
             the structure of the Dockerfiles and compose files the fix writes it into",
            match c {
                '\\' => "a backslash".to_string(),
                c if c.is_whitespace() || c.is_control() => {
                    format!("the character {}", c.escape_default())
                }
                c => format!("`{c}`"),
            }
        )),
    }
}

/// The config as written.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawConfig {
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    fail_level: Option<Severity>,
    strict_tags: Option<bool>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Severity>,
    #[serde(default)]
    per_file_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    cache_bust: CacheBust,
    #[serde(default)]
    detector: Vec<RawDetector>,
    #[serde(default)]
    form: Vec<RawForm>,
    #[serde(default)]
    bust_idiom: Vec<RawIdiom>,
    #[serde(default)]
    manifest: Vec<RawManifest>,
}
