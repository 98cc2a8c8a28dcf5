//! `cachebust rule [CODE] [--all] [--output-format text|json]`: the rule catalogue as docs.
use serde_json::json;

use crate::catalogue::{self, render_rule, Rule};

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// A rule code (`CB001`) or name (`unbusted-remote-source`); a table of every rule when omitted.
    pub code: Option<String>,
    /// Show every rule's full documentation.
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
                crate::console::errln(&format!(
                    "error: no rule `{code}`; `cachebust rule --all` lists them"
                ));
                return 2;
            }
        },
        None => catalogue::rules().iter().collect(),
    };
    let table = args.code.is_none() && !args.all;
    match args.output_format {
        RuleFormat::Text if table => crate::console::out(&render_table(&rules)),
        RuleFormat::Text => {
            crate::console::out(&rules.iter().map(|r| render_rule(r)).collect::<String>());
        }
        RuleFormat::Json => {
            let mut all = serde_json::Value::Array(rules.iter().map(|r| rule_json(r)).collect());
            crate::redact::redact_json(&mut all);
            let text = serde_json::to_string_pretty(&all).expect("JSON values serialize");
            crate::console::out_structured(&(text + "\n"));
        }
    }
    0
}

/// One line a rule: code, name, severity, whether `--fix` can fix it, and the summary.
fn render_table(rules: &[&Rule]) -> String {
    let width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = format!(
        "{:<6} {:<width$} {:<8} {:<8} summary\n",
        "code", "name", "severity", "fixable"
    );
    for rule in rules {
        let fixable = if rule.fix_title.is_some() { "yes" } else { "-" };
        out += &format!(
            "{:<6} {:<width$} {:<8} {:<8} {}\n",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            fixable,
            rule.summary
        );
    }
    out + "\n`cachebust rule CODE` shows one rule's documentation, `--all` every rule's.\n"
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
