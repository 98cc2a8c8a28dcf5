//! Findings → text. Only this layer turns byte spans into lines and columns; each format is one
//! function over a file's report, in its own file, and a frame around the files (JSON's array, SARIF's
//! document), so a run can write each file's part as soon as it is linted.
use std::io::Write;

use crate::lint::FileReport;

mod concise;
mod diff;
mod errors;
mod full;
mod github;
mod json;
mod sarif;
mod tally;

pub use concise::render_concise;
pub use diff::render_diff;
pub use errors::render_config_error;
pub use full::{render_full, render_summary};
pub use github::render_github;
pub use tally::Tally;

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
    let mut output = Output::new(format, Vec::new());
    for report in reports {
        output.write_file(&render_file(format, report, style));
    }
    String::from_utf8(output.finish()).expect("the formats write UTF-8")
}

/// One file's part of the output (empty when it has no findings). Pure, so any thread may render it.
pub fn render_file(format: OutputFormat, report: &FileReport, style: Style) -> String {
    let one = std::slice::from_ref(report);
    match format {
        OutputFormat::Full => render_full(one, style),
        OutputFormat::Concise => render_concise(one),
        OutputFormat::Json => json::render_file(report),
        OutputFormat::Sarif => sarif::render_file(report),
        OutputFormat::Github => render_github(one),
    }
}

/// The output of a run, written as the files' parts come: the format's frame around them.
/// Write errors are the writer's: [`crate::console`]'s writers remember them for the exit code.
pub struct Output<W: Write> {
    out: W,
    frame: Frame,
    started: bool,
}

impl<W: Write> Output<W> {
    pub fn new(format: OutputFormat, out: W) -> Output<W> {
        let frame = match format {
            OutputFormat::Json => json::frame(),
            OutputFormat::Sarif => sarif::frame(),
            _ => Frame::default(),
        };
        Output {
            out,
            frame,
            started: false,
        }
    }

    /// Writes one file's part, from [`render_file`].
    pub fn write_file(&mut self, part: &str) {
        if part.is_empty() {
            return;
        }
        let lead = if self.started {
            self.frame.separator
        } else {
            &self.frame.before
        };
        self.started = true;
        let _ = self.out.write_all(lead.as_bytes());
        let _ = self.out.write_all(part.as_bytes());
    }

    /// Writes text outside the frame (the full report's summary).
    pub fn write_raw(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
    }

    /// Closes the frame and hands back the writer, flushed.
    pub fn finish(mut self) -> W {
        let end = if self.started {
            &self.frame.after
        } else {
            &self.frame.empty
        };
        let _ = self.out.write_all(end.as_bytes());
        let _ = self.out.flush();
        self.out
    }
}

/// What a format writes around the files' parts: before the first, between two, after the last, and
/// instead of all that when no file has a part.
#[derive(Debug, Default)]
pub(crate) struct Frame {
    pub before: String,
    pub separator: &'static str,
    pub after: String,
    pub empty: String,
}

/// Pretty JSON `value` with each line indented by `indent` spaces, as `serde_json` prints it nested
/// that deep (its strings never hold a raw newline). Every string is redacted first: JSON and SARIF
/// are masked as values, where masking their text could break an escape.
pub(crate) fn indented_json(value: &serde_json::Value, indent: usize, out: &mut String) {
    let mut value = value.clone();
    crate::redact::redact_json(&mut value);
    let text = serde_json::to_string_pretty(&value).expect("JSON values serialize");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.extend(std::iter::repeat_n(' ', indent));
        out.push_str(line);
    }
}
