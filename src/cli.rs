//! The command line: argument parsing, the `check` and `rule` commands, and exit codes.
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::catalogue;
use crate::discover::discover;
use crate::finding::{Applicability, Severity};
use crate::lint::{lint_path, FileReport};
use crate::report::{render, render_summary, OutputFormat, Style};
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
    /// When to use colours in the full report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

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
    let mut reports: Vec<FileReport> = Vec::with_capacity(files.len());
    for path in &files {
        let display = display_path(path, &cwd);
        match lint_path(path, display.clone(), &settings) {
            Ok(report) => reports.push(report),
            Err(e) => errors.push(format!("{display}: cannot read: {e}")),
        }
    }
    let color = match args.color {
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
    let mut out = render(args.output_format, &reports, Style { color, width });
    if args.output_format == OutputFormat::Full {
        let fixes = |a| {
            reports
                .iter()
                .flat_map(|r| &r.findings)
                .filter(|f| f.fix.as_ref().is_some_and(|x| x.applicability == a))
                .count()
        };
        out += &render_summary(
            &reports,
            fixes(Applicability::Safe),
            fixes(Applicability::Unsafe),
        );
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    for error in &errors {
        eprintln!("error: {error}");
    }
    let threshold = match args.fail_level {
        FailLevel::Info => Severity::Info,
        FailLevel::Warning => Severity::Warning,
        FailLevel::Error => Severity::Error,
    };
    let failing = reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.severity >= threshold);
    if !errors.is_empty() {
        2
    } else {
        u8::from(failing)
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
