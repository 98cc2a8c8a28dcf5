//! `cachebust check`: settings (config file + flags), linting, fixing, and the report.
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use crate::catalogue::{known, rule};
use crate::compose::{lint_compose_text, lint_project, lint_project_each};
use crate::config::{find_config, load_config};
use crate::console;
use crate::discover::is_compose_name;
use crate::finding::Severity;
use crate::lint::{lint_bytes, FileReport};
use crate::report::{
    render, render_config_error, render_file, render_summary, Output, OutputFormat, Style, Tally,
};
use crate::settings::Settings;
use crate::source::{display_path, SourceFile};

use super::fixing::{count_fixes, counts_for_fixes, diff_project, fix_reports, fix_stdin, FixRun};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check [default: .]; `-` reads a file from standard input.
    pub paths: Vec<PathBuf>,
    /// How findings are printed.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    pub output_format: OutputFormat,
    /// The lowest severity that makes the run fail (exit 1) [default: from the config, else info].
    #[arg(long, value_enum)]
    pub fail_level: Option<FailLevel>,
    /// Exit 0 even when there are findings (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Only these rule codes (or prefixes, or ALL), comma-separated; replaces the config's `select`.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// Never these rule codes (or prefixes), comma-separated; adds to the config's `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// The config file [default: the nearest cachebust.toml or .cachebust.toml upward].
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Use no config file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Print a count per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Print the findings only: no summary, no "Fixed" lines.
    #[arg(short, long)]
    pub quiet: bool,
    /// The file name to lint standard input as (its name decides Dockerfile or compose).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// When to use colours in the full report and the diffs.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Apply the safe fixes and write the files back, then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Also apply the unsafe fixes (with `--fix` or `--diff`).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as unified diffs and write nothing (also with `--fix`).
    #[arg(long)]
    pub diff: bool,
    /// How CB001's fix cures a stale layer: a cache-bust arg, or (unsafe) `ADD <git>#<ref>`, which
    /// BuildKit resolves on every build, in place of a plain `RUN git clone`.
    #[arg(long, value_enum, value_name = "STRATEGY")]
    pub fix_strategy: Option<FixStrategy>,
}

/// The cure CB001's fix writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FixStrategy {
    /// An `ARG CACHE_BUST` before the layer (the default).
    BustArg,
    /// `ADD URL#REF DEST` in place of a plain `RUN git clone` (unsafe; needs BuildKit).
    AddGit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailLevel {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub const AFTER_HELP: &str = "\
Configuration: the nearest cachebust.toml or .cachebust.toml from the working directory upward (or
--config PATH) sets select, ignore, per-file-ignores, severity, fail-level, strict-tags, the cache-bust
arg names and the fix's arg, default and echo line, and extra detectors (see the README).
Suppressions: `# cachebust: ignore[CB001]` on the line before an instruction, `# cachebust: ignore-file[CB003]`
anywhere in a Dockerfile, `# cachebust: ignore[CB004]` after a compose `build:` key.

Fixing:
  --fix                  applies the safe fixes, writes the files, prints `Fixed N findings in PATH` on
                         stderr and then reports the findings that remain; the exit code follows them.
  --fix --unsafe-fixes   applies the unsafe fixes too.
  --diff                 prints what `--fix` would change, as unified diffs on stdout instead of the
                         report (whatever `--output-format`), and writes nothing, even with `--fix`;
                         `--unsafe-fixes` adds the unsafe fixes to the diffs. Exit code 1 when there is a
                         diff, 0 when there is none.
  --unsafe-fixes alone   counts the unsafe fixes as fixable in the summary.
  With `-` (stdin), --fix prints the fixed file on stdout and the remaining findings on stderr.
A file is written only if it is unchanged since it was read, through a temporary file renamed over it
(a symlink's target is replaced, the link is kept). Bytes outside the fixes stay as they were.
Exit codes: 0 clean, 1 findings (or a diff with --diff), 2 usage, config, I/O or write errors, 141 when
the reader of the output went away (a closed pipe).";

pub fn run_check(args: &CheckArgs) -> u8 {
    let cwd = std::env::current_dir().unwrap_or_default();
    let style = style(args.color);
    let settings = match load_settings(args, &cwd) {
        Ok(settings) => settings,
        Err(message) => {
            console::err(&message);
            return 2;
        }
    };
    let fix = FixRun::from_flags(args.fix, args.diff, args.unsafe_fixes);
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        return check_stdin(args, &settings, &cwd, fix, style);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let Some(fix) = fix else {
        // The common case streams: each file's part is printed as soon as it is linted.
        let mut printer = Printer::new(args, style);
        let parts = printer.parts;
        let env = |name: &str| std::env::var(name).ok();
        // The summary says how many fixes `--fix` makes, follow-ups included: the reports that take
        // part in fixing are kept for that.
        let (summary, unsafe_fixes) = (printer.summary, args.unsafe_fixes);
        let mut kept = Vec::new();
        let problems = lint_project_each(
            &paths,
            &cwd,
            &settings,
            &env,
            |report| {
                let part = parts.part(&report);
                let keep = summary && counts_for_fixes(&report, unsafe_fixes);
                (part, keep.then_some(report))
            },
            |(part, report)| {
                printer.add(part);
                kept.extend(report);
            },
        );
        printer.fixes = (printer.tally.safe_fixes > 0 || unsafe_fixes)
            .then(|| count_fixes(&kept, &settings, unsafe_fixes));
        for skipped in &problems.skipped {
            console::errln(&format!("warning: {skipped}"));
        }
        let quiet = !problems.errors.is_empty() || !problems.skipped.is_empty();
        let failing = printer.finish(&settings, &paths, quiet);
        return finish(&problems.errors, failing && !args.exit_zero);
    };
    if fix.diff {
        let (problems, changed) =
            diff_project(&paths, &cwd, &settings, fix, style.color, args.quiet);
        for skipped in &problems.skipped {
            console::errln(&format!("warning: {skipped}"));
        }
        return finish(&problems.errors, changed && !args.exit_zero);
    }
    let project = lint_project(&paths, &cwd, &settings);
    for skipped in &project.skipped {
        console::errln(&format!("warning: {skipped}"));
    }
    // `--fix` keeps the reports: compose files are fixed after the Dockerfiles they build are written.
    let mut errors = project.errors;
    let mut reports = project.reports;
    let outcome = fix_reports(&reports, &paths, &settings, fix, args.quiet);
    errors.extend(outcome.errors);
    if outcome.stale {
        // Fixing one file can change another's findings (a Dockerfile's new arg and its compose file),
        // and a file changed since it was linted has findings of its own.
        reports = lint_project(&paths, &cwd, &settings).reports;
    }
    let quiet = !errors.is_empty() || !project.skipped.is_empty();
    let failing = report(args, &reports, &settings, style, (&paths, quiet));
    finish(&errors, failing && !args.exit_zero)
}

fn finish(errors: &[String], failing: bool) -> u8 {
    for error in errors {
        console::errln(&format!("error: {error}"));
    }
    if !errors.is_empty() {
        2
    } else {
        u8::from(failing)
    }
}

/// The config file's settings with the command line's on top. Errors come rendered.
fn load_settings(args: &CheckArgs, cwd: &Path) -> Result<Settings, String> {
    let path = if args.isolated {
        None
    } else {
        args.config.clone().or_else(|| find_config(cwd))
    };
    let mut settings = match &path {
        Some(path) => {
            load_config(path).map_err(|e| render_config_error(&e, &display_path(&e.path, cwd)))?
        }
        None => Settings::default(),
    };
    let check = |codes: &[String]| -> Result<Vec<String>, String> {
        codes
            .iter()
            .map(|c| c.trim().to_ascii_uppercase())
            .map(|c| {
                let known = c == "ALL"
                    || crate::catalogue::rules()
                        .iter()
                        .any(|r| r.code.starts_with(&c));
                if known {
                    Ok(c)
                } else {
                    Err(format!(
                        "error: unknown rule code `{c}` (see `cachebust rule --all`)\n"
                    ))
                }
            })
            .collect()
    };
    if !args.select.is_empty() {
        settings.select = Some(check(&args.select)?);
    }
    settings.ignore.extend(check(&args.ignore)?);
    if let Some(strategy) = args.fix_strategy {
        settings.fix_add_git = strategy == FixStrategy::AddGit;
    }
    if let Some(level) = args.fail_level {
        settings.fail_level = match level {
            FailLevel::Info => Severity::Info,
            FailLevel::Warning => Severity::Warning,
            FailLevel::Error => Severity::Error,
        };
    }
    Ok(settings)
}

/// Applies the settings' rule selection to compose findings too (Dockerfile findings already are).
fn filtered(reports: Vec<FileReport>, settings: &Settings) -> Vec<FileReport> {
    reports
        .into_iter()
        .map(|mut r| {
            r.findings = settings.filter(&r.file.path, r.findings);
            r
        })
        .collect()
}

/// `cachebust check -`: one file from standard input, named by `--stdin-filename`.
fn check_stdin(
    args: &CheckArgs,
    settings: &Settings,
    cwd: &Path,
    fix: Option<FixRun>,
    style: Style,
) -> u8 {
    let mut bytes = Vec::new();
    let limit = crate::source::MAX_FILE_BYTES;
    if let Err(e) = std::io::stdin().take(limit + 1).read_to_end(&mut bytes) {
        return finish(&[format!("cannot read standard input: {e}")], false);
    }
    if bytes.len() as u64 > limit {
        let e = crate::source::too_large(bytes.len() as u64);
        return finish(&[format!("cannot read standard input: {e}")], false);
    }
    let path = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("Dockerfile"));
    let display = args
        .stdin_filename
        .as_ref()
        .map_or_else(|| "-".to_string(), |p| p.display().to_string());
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let report = match String::from_utf8(bytes) {
        Ok(text) if is_compose_name(&name) => {
            lint_compose_text(SourceFile::new(path.clone(), display, text), cwd, settings)
        }
        Ok(text) => lint_bytes(&path, display, text.into_bytes(), settings),
        Err(e) => lint_bytes(&path, display, e.into_bytes(), settings),
    };
    let report = filtered(vec![report], settings).remove(0);
    match fix {
        Some(fix) => {
            let (failing, remaining) = fix_stdin(report, settings, fix, cwd, style.color);
            if !fix.diff {
                let mut out = render(OutputFormat::Concise, &[remaining], style);
                out.truncate(out.trim_end().len());
                if !out.is_empty() && !args.quiet {
                    console::errln(&out);
                }
            }
            u8::from(failing && !args.exit_zero)
        }
        None => {
            let failing = self::report(args, &[report], settings, style, (&[], true));
            u8::from(failing && !args.exit_zero)
        }
    }
}

/// Prints the findings (or the statistics) and the summary. Returns whether a finding is at or above
/// the fail level.
fn report(
    args: &CheckArgs,
    reports: &[FileReport],
    settings: &Settings,
    style: Style,
    (paths, quiet): (&[PathBuf], bool),
) -> bool {
    let mut printer = Printer::new(args, style);
    for report in reports {
        printer.add(printer.parts.part(report));
    }
    printer.finish(settings, paths, quiet)
}

/// How one file's part of the output is made: pure, so the workers that lint make it too.
#[derive(Debug, Clone, Copy)]
struct Parts {
    format: OutputFormat,
    style: Style,
    statistics: bool,
}

impl Parts {
    fn part(&self, report: &FileReport) -> (String, Tally) {
        let mut tally = Tally::default();
        tally.add(report);
        let text = if self.statistics {
            String::new()
        } else {
            render_file(self.format, report, self.style)
        };
        (text, tally)
    }
}

/// The output of `check` as it is written: the files' parts, then the statistics or the summary.
struct Printer {
    parts: Parts,
    output: Output<Box<dyn std::io::Write>>,
    tally: Tally,
    summary: bool,
    unsafe_fixes: bool,
    /// How many findings `--fix` would fix, follow-ups included, when known.
    fixes: Option<usize>,
}

impl Printer {
    fn new(args: &CheckArgs, style: Style) -> Printer {
        let format = args.output_format;
        let stdout: Box<dyn std::io::Write> = match format {
            OutputFormat::Json | OutputFormat::Sarif => Box::new(console::Structured),
            _ => Box::new(console::Stdout),
        };
        Printer {
            parts: Parts {
                format,
                style,
                statistics: args.statistics,
            },
            output: Output::new(format, stdout),
            tally: Tally::default(),
            summary: format == OutputFormat::Full && !args.quiet && !args.statistics,
            unsafe_fixes: args.unsafe_fixes,
            fixes: None,
        }
    }

    fn add(&mut self, (text, tally): (String, Tally)) {
        self.output.write_file(&text);
        self.tally.merge(tally);
    }

    /// Ends the output; returns whether a finding is at or above the fail level. When no file was
    /// checked, there is no summary: the errors or warnings about `paths` already said why (`quiet`),
    /// or a warning says that nothing was found there (exit 0, as ruff does).
    fn finish(mut self, settings: &Settings, paths: &[PathBuf], quiet: bool) -> bool {
        if self.tally.files == 0 {
            self.summary = false;
            if !quiet {
                let shown: Vec<String> =
                    paths.iter().map(|p| format!("`{}`", p.display())).collect();
                console::errln(&format!(
                    "warning: no Dockerfile or compose file found under {}",
                    shown.join(", ")
                ));
            }
        }
        if self.parts.statistics {
            self.output.write_raw(&statistics(&self.tally));
        } else if self.summary {
            let (safe, unsafe_) = (self.tally.safe_fixes, self.tally.unsafe_fixes);
            // As in ruff: with `--unsafe-fixes`, the unsafe fixes are what `--fix` applies.
            let (fixable, more) = if self.unsafe_fixes {
                (safe + unsafe_, 0)
            } else {
                (safe, unsafe_)
            };
            // What `--fix` really fixes: a refused fix is not counted, follow-up fixes are.
            let (fixable, follow_ups) = match self.fixes {
                Some(n) => (fixable.min(n), n.saturating_sub(fixable)),
                None => (fixable, 0),
            };
            self.output
                .write_raw(&render_summary(&self.tally, fixable, more, follow_ups));
        }
        self.output.finish();
        self.tally.worst >= Some(settings.fail_level)
    }
}

/// `--statistics`: `COUNT  CODE  name  [*]` per rule, `[*]` when some are fixable with `--fix`.
fn statistics(tally: &Tally) -> String {
    tally
        .by_code
        .iter()
        .map(|(code, &(n, fixable))| {
            let name = rule(code).map_or("", |_| known(code).name.as_str());
            format!(
                "{n:>5}  {code}  {name}{}\n",
                if fixable { "  [*]" } else { "" }
            )
        })
        .collect()
}

pub fn style(color: ColorChoice) -> Style {
    let color = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    Style { color, width }
}
