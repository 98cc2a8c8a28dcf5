//! Findings → text. Only this layer turns byte spans into lines and columns; each format is one
//! function over the file reports, in its own file.
use crate::lint::FileReport;

mod concise;
mod diff;
mod errors;
mod full;
mod github;
mod json;
mod sarif;

pub use concise::render_concise;
pub use diff::render_diff;
pub use errors::render_config_error;
pub use full::{render_full, render_summary};
pub use github::render_github;
pub use json::render_json;
pub use sarif::render_sarif;

/// Every output format of `--output-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// miette's graphical report with source excerpts (the default)
    Full,
    /// one line per finding: `path:line:col: CODE message`
    Concise,
    /// one JSON array (see the README's output contract)
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions workflow-command annotations
    Github,
}

/// How the human formats look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    /// Wrap width of the full report.
    pub width: usize,
}

/// Renders the reports in the chosen format.
pub fn render(format: OutputFormat, reports: &[FileReport], style: Style) -> String {
    match format {
        OutputFormat::Full => render_full(reports, style),
        OutputFormat::Concise => render_concise(reports),
        OutputFormat::Json => render_json(reports),
        OutputFormat::Sarif => render_sarif(reports),
        OutputFormat::Github => render_github(reports),
    }
}
