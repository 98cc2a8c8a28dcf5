//! The rule catalogue: one data file per rule under `rules/`, embedded in the binary.
use std::sync::OnceLock;

use serde::Deserialize;

use crate::finding::Severity;

/// A rule's metadata and documentation, as written in `rules/CBxxx.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Rule {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub summary: String,
    pub what: String,
    pub why: String,
    #[serde(default)]
    pub fix_title: Option<String>,
    pub fix_safety: String,
    /// Where Podman/Buildah differ from Docker for this rule, as measured by tests/e2e/podman.sh.
    #[serde(default)]
    pub engines: Option<String>,
    #[serde(default, rename = "example")]
    pub examples: Vec<Example>,
}

/// A documented example that the test suite runs.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Example {
    pub kind: ExampleKind,
    pub name: String,
    pub dockerfile: String,
    /// For a compose rule: the `compose.yaml` that builds `dockerfile` (with `build: .`).
    #[serde(default)]
    pub compose: Option<String>,
    /// For a build-driver rule: the `build.sh` beside `dockerfile` that builds it.
    #[serde(default)]
    pub driver: Option<String>,
    /// The file after `--fix` (with `--unsafe-fixes` for unsafe fixes), when the rule has a fix.
    #[serde(default)]
    pub fixed: Option<String>,
    /// Other codes a bad example reports besides its rule's (a near-miss suppression leaves the finding
    /// it meant to suppress); the tests accept these and nothing else.
    #[serde(default)]
    pub also: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExampleKind {
    Bad,
    Good,
}

/// Each rule's code and data file, in code order.
const RULE_FILES: &[(&str, &str)] = &[
    ("CB000", include_str!("../rules/CB000.toml")),
    ("CB001", include_str!("../rules/CB001.toml")),
    ("CB002", include_str!("../rules/CB002.toml")),
    ("CB003", include_str!("../rules/CB003.toml")),
    ("CB004", include_str!("../rules/CB004.toml")),
    ("CB005", include_str!("../rules/CB005.toml")),
    ("CB006", include_str!("../rules/CB006.toml")),
    ("CB007", include_str!("../rules/CB007.toml")),
    ("CB008", include_str!("../rules/CB008.toml")),
    ("CB100", include_str!("../rules/CB100.toml")),
];

/// Every rule, in code order.
pub fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules: Vec<Rule> = RULE_FILES.iter().map(|(_, text)| parse(text)).collect();
        rules.sort_by(|a, b| a.code.cmp(&b.code));
        rules
    })
}

fn parse(text: &str) -> Rule {
    toml::from_str(text).expect("embedded rule files are checked by the tests")
}

/// The rule with this code (`CB001`) or name (`unbusted-remote-source`), in any case.
pub fn rule(code_or_name: &str) -> Option<&'static Rule> {
    rules()
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// The rule for a code the program itself emits. Only its own file is read: a run that reports two
/// codes parses two of the catalogue's files, not all of them (start-up, issue 19).
pub fn known(code: &str) -> &'static Rule {
    static PARSED: [OnceLock<Rule>; RULE_FILES.len()] =
        [const { OnceLock::new() }; RULE_FILES.len()];
    let at = RULE_FILES
        .iter()
        .position(|(c, _)| c.eq_ignore_ascii_case(code))
        .unwrap_or_else(|| panic!("rule {code} is missing from rules/"));
    PARSED[at].get_or_init(|| parse(RULE_FILES[at].1))
}

/// A rule's documentation as readable text (`cachebust rule CODE`).
/// Where a rule's documentation page lives (`docs/rules/CODE.md`, generated from `rules/` by
/// [`render_rule`]; a test keeps the pages current). SARIF's `helpUri`, the JSON output and the
/// language server link here.
pub fn docs_url(code: &str) -> String {
    format!("{DOCS_URI}/{code}.md")
}

/// The rule pages' folder in the project's repository.
pub const DOCS_URI: &str = "https://github.com/cachebust/cachebust/blob/main/docs/rules";

pub fn render_rule(rule: &Rule) -> String {
    use std::fmt::Write;
    let mut out = format!(
        "# {} {}\n\n{} (severity: {})\n\n",
        rule.code,
        rule.name,
        rule.summary,
        rule.severity.as_str()
    );
    let _ = write!(
        out,
        "## What it does\n{}\n## Why is this bad\n{}\n",
        rule.what, rule.why
    );
    if let Some(title) = &rule.fix_title {
        let _ = writeln!(out, "## Fix\n{title}\n");
    }
    let _ = write!(out, "## Fix safety\n{}\n", rule.fix_safety.trim_end());
    if let Some(engines) = &rule.engines {
        let _ = write!(out, "\n## Engines\n{}\n", engines.trim_end());
    }
    for example in &rule.examples {
        let kind = match example.kind {
            ExampleKind::Bad => "Bad",
            ExampleKind::Good => "Good",
        };
        let _ = write!(
            out,
            "\n## {kind}: {}\n```dockerfile\n{}```\n",
            example.name, example.dockerfile
        );
        let fixed_lang = match &example.compose {
            Some(compose) => {
                let _ = write!(out, "```yaml\n{compose}```\n");
                "yaml"
            }
            None => "dockerfile",
        };
        if let Some(fixed) = &example.fixed {
            let _ = write!(out, "Fixed:\n```{fixed_lang}\n{fixed}```\n");
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `known` reads one file by its listed code: the list and the files agree, and it gives what the
    /// whole catalogue gives.
    #[test]
    fn each_listed_code_is_its_files_code() {
        for (code, text) in RULE_FILES {
            assert_eq!(parse(text).code, *code);
            let (one, all) = (known(code), rule(code).expect("in the catalogue"));
            assert_eq!((&one.name, &one.summary), (&all.name, &all.summary));
        }
        assert_eq!(known("cb001").code, "CB001");
    }
}
