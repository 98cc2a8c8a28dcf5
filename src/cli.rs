//! The command line: argument parsing, the `check` and `rule` commands, and exit codes.
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::catalogue;
use crate::discover::discover;
use crate::finding::{Applicability, Severity};
use crate::fix::{fix_file, FileFix, FixMode};
use crate::lint::{lint_path, FileReport};
use crate::report::{render, render_diff, render_summary, OutputFormat, Style};
use crate::settings::Settings;
use crate::source::display_path;

/// Finds Dockerfile layers that fetch a mutable remote and are served stale from the build cache.
#[derive(Debug, Parser)]
#[command(name = "cachebust", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Dockerfiles (directories are walked, respecting .gitignore).
    #[command(after_help = FIX_HELP)]
    Check(CheckArgs),
    /// Show a rule's documentation.
    Rule(RuleArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check [default: .]
    pub paths: Vec<PathBuf>,
    /// How findings are printed.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    pub output_format: OutputFormat,
    /// The lowest severity that makes the run fail (exit 1).
    #[arg(long, value_enum, default_value_t = FailLevel::Info)]
    pub fail_level: FailLevel,
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
}

const FIX_HELP: &str = "\
Fixing:
  --fix                  applies the safe fixes, writes the files, prints `Fixed N findings in PATH` on
                         stderr and then reports the findings that remain; the exit code follows them.
  --fix --unsafe-fixes   applies the unsafe fixes too.
  --diff                 prints what `--fix` would change, as unified diffs on stdout instead of the
                         report (whatever `--output-format`), and writes nothing, even with `--fix`;
                         `--unsafe-fixes` adds the unsafe fixes to the diffs. Exit code 1 when there is a
                         diff, 0 when there is none.
  --unsafe-fixes alone   counts the unsafe fixes as fixable in the summary.
A file is written only if it is unchanged since it was read, through a temporary file renamed over it
(a symlink's target is replaced, the link is kept). Bytes outside the fixes stay as they were.
Exit codes: 0 clean, 1 findings (or a diff with --diff), 2 usage, I/O or write errors.";

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// A rule code (`CB001`) or name (`unbusted-remote-source`).
    pub code: Option<String>,
    /// Show every rule.
    #[arg(long, conflicts_with = "code")]
    pub all: bool,
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

/// Runs the command line and returns the process exit code (0 clean, 1 findings, 2 errors).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => run_check(&args),
        Command::Rule(args) => run_rule(&args),
    };
    ExitCode::from(code)
}

fn run_check(args: &CheckArgs) -> u8 {
    let settings = Settings::default();
    let cwd = std::env::current_dir().unwrap_or_default();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (files, walk_errors) = discover(&paths);
    let mut errors: Vec<String> = walk_errors
        .iter()
        .map(|e| format!("{}: {}", e.path.display(), e.message))
        .collect();
    let mode = fix_mode(args);
    let mut reports: Vec<FileReport> = Vec::with_capacity(files.len());
    let mut fixes: Vec<FileFix> = Vec::new();
    for path in &files {
        let display = display_path(path, &cwd);
        let read = match mode {
            None => lint_path(path, display.clone(), &settings).map(|r| reports.push(r)),
            Some(mode) => fix_file(path, display.clone(), &settings, mode, args.unsafe_fixes)
                .map(|f| fixes.push(f)),
        };
        if let Err(e) = read {
            errors.push(format!("{display}: cannot read: {e}"));
        }
    }
    let style = style(args.color);
    for fix in &fixes {
        if let Some(error) = &fix.error {
            errors.push(format!("{}: {error}", fix.after.file.display));
        }
    }
    let failing = if mode == Some(FixMode::Diff) {
        print_diffs(&fixes, style.color)
    } else {
        print_fixed(&fixes);
        reports.extend(fixes.into_iter().map(|f| f.after));
        print_report(args, &reports, style)
    };
    for error in &errors {
        eprintln!("error: {error}");
    }
    if !errors.is_empty() {
        2
    } else {
        u8::from(failing)
    }
}

/// `--diff` wins over `--fix`: it never writes (as in ruff).
fn fix_mode(args: &CheckArgs) -> Option<FixMode> {
    if args.diff {
        Some(FixMode::Diff)
    } else if args.fix {
        Some(FixMode::Write)
    } else {
        None
    }
}

fn style(color: ColorChoice) -> Style {
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

/// `--diff`: the diffs on stdout, what they fix on stderr. Returns whether there is any diff.
fn print_diffs(fixes: &[FileFix], color: bool) -> bool {
    let mut out = String::new();
    for fix in fixes.iter().filter(|f| f.changed()) {
        let file = &fix.after.file;
        out += &render_diff(&file.display, &fix.before, &file.text, color);
    }
    write_stdout(&out);
    for fix in fixes {
        if let Some(why) = &fix.refused {
            eprintln!("warning: {why}");
        }
        if fix.changed() {
            let n = findings(fix.fixed.len());
            eprintln!("Would fix {n} in {}", fix.after.file.display);
        }
    }
    fixes.iter().any(FileFix::changed)
}

/// `--fix`: on stderr, so that stdout stays the report of what remains.
fn print_fixed(fixes: &[FileFix]) {
    for fix in fixes {
        if let Some(why) = &fix.refused {
            eprintln!("warning: {why}");
        }
        if fix.error.is_none() && fix.changed() {
            let n = findings(fix.fixed.len());
            eprintln!("Fixed {n} in {}", fix.after.file.display);
        }
    }
}

/// The report in the chosen format. Returns whether a finding is at or above the fail level.
fn print_report(args: &CheckArgs, reports: &[FileReport], style: Style) -> bool {
    let mut out = render(args.output_format, reports, style);
    if args.output_format == OutputFormat::Full {
        let fixes = |a| {
            reports
                .iter()
                .flat_map(|r| &r.findings)
                .filter(|f| f.fix.as_ref().is_some_and(|x| x.applicability == a))
                .count()
        };
        let (safe, unsafe_) = (fixes(Applicability::Safe), fixes(Applicability::Unsafe));
        // As in ruff: with `--unsafe-fixes`, the unsafe fixes are what `--fix` applies.
        out += &if args.unsafe_fixes {
            render_summary(reports, safe + unsafe_, 0)
        } else {
            render_summary(reports, safe, unsafe_)
        };
    }
    write_stdout(&out);
    let threshold = match args.fail_level {
        FailLevel::Info => Severity::Info,
        FailLevel::Warning => Severity::Warning,
        FailLevel::Error => Severity::Error,
    };
    reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.severity >= threshold)
}

fn write_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn findings(n: usize) -> String {
    if n == 1 {
        "1 finding".into()
    } else {
        format!("{n} findings")
    }
}

fn run_rule(args: &RuleArgs) -> u8 {
    let rules: Vec<&catalogue::Rule> = match (&args.code, args.all) {
        (Some(code), _) => match catalogue::rule(code) {
            Some(rule) => vec![rule],
            None => {
                eprintln!("error: no rule `{code}`; `cachebust rule --all` lists them");
                return 2;
            }
        },
        (None, _) => catalogue::rules().iter().collect(),
    };
    let mut out = String::new();
    for rule in rules {
        out += &crate::catalogue::render_rule(rule);
    }
    print!("{out}");
    0
}
