//! `cachebust rule [CODE] [--all] [--output-format text|json]`: the rule catalogue as docs.
use serde_json::json;

use crate::catalogue::{self, render_rule, Rule};

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// A rule code (`CB001`) or name (`unbusted-remote-source`); every rule when omitted.
    pub code: Option<String>,
    /// Show every rule.
    #[arg(long, conflicts_with = "code")]
    pub all: bool,
    /// `text` (readable docs) or `json` (the rule data).
    #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
    pub output_format: RuleFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RuleFormat {
    Text,
    Json,
}

pub fn run_rule(args: &RuleArgs) -> u8 {
    let rules: Vec<&Rule> = match &args.code {
        Some(code) => match catalogue::rule(code) {
            Some(rule) => vec![rule],
            None => {
                eprintln!("error: no rule `{code}`; `cachebust rule --all` lists them");
                return 2;
            }
        },
        None => catalogue::rules().iter().collect(),
    };
    let out = match args.output_format {
        RuleFormat::Text => rules.iter().map(|r| render_rule(r)).collect::<String>(),
        RuleFormat::Json => {
            let all: Vec<_> = rules.iter().map(|r| rule_json(r)).collect();
            serde_json::to_string_pretty(&all).expect("JSON values serialize") + "\n"
        }
    };
    print!("{out}");
    0
}

fn rule_json(rule: &Rule) -> serde_json::Value {
    let examples: Vec<_> = rule
        .examples
        .iter()
        .map(|e| {
            json!({
                "kind": match e.kind { catalogue::ExampleKind::Bad => "bad", catalogue::ExampleKind::Good => "good" },
                "name": e.name,
                "dockerfile": e.dockerfile,
                "compose": e.compose,
                "fixed": e.fixed,
            })
        })
        .collect();
    json!({
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.as_str(),
        "summary": rule.summary,
        "what": rule.what,
        "why": rule.why,
        "fix_title": rule.fix_title,
        "fix_safety": rule.fix_safety,
        "examples": examples,
    })
}
