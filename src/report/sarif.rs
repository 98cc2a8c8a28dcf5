//! SARIF 2.1.0, as GitHub code scanning reads it: the rules with their docs, one result per finding
//! with one physical location (repo-relative URI, full region) and a stable line-hash fingerprint.
use std::collections::HashMap;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{indented_json, Frame};
use crate::catalogue::{rules, Rule};
use crate::finding::{Finding, Severity};
use crate::lint::FileReport;
use crate::source::SourceFile;

/// The document around the results: everything before and after the `results` array, which the files'
/// results are streamed into.
pub(super) fn frame() -> Frame {
    const HOLE: &str = "\u{0}results";
    let driver_rules: Vec<Value> = rules().iter().map(rule).collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "cachebust",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/cachebust/cachebust",
                "rules": driver_rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": HOLE,
        }],
    });
    let text = serde_json::to_string_pretty(&sarif).expect("JSON values serialize");
    let hole = serde_json::to_string(HOLE).expect("a string serializes");
    let at = text
        .find(&hole)
        .expect("the placeholder is in the document");
    let (head, tail) = (&text[..at], &text[at + hole.len()..]);
    let indent = " ".repeat(RESULTS_INDENT - 2);
    Frame {
        before: format!("{head}[\n"),
        separator: ",\n",
        after: format!("\n{indent}]{tail}\n"),
        empty: format!("{head}[]{tail}\n"),
    }
}

/// How deep a result sits in the document (`runs[0].results[i]`), in spaces.
const RESULTS_INDENT: usize = 8;

/// One file's results, as elements of the `results` array.
pub(super) fn render_file(report: &FileReport) -> String {
    let catalogue = rules();
    let mut out = String::new();
    // GitHub's `primaryLocationLineHash`: a hash of the line's text, then `:N` for its N-th repeat.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in &report.findings {
        let line = report.file.line_range(f.span.start);
        let normalized: String = report.file.text[line]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let hash = hex(&Sha256::digest(format!("{}:{normalized}", f.code)))[..16].to_string();
        let n = seen.entry(hash.clone()).or_default();
        *n += 1;
        let index = catalogue.iter().position(|r| r.code == f.code).unwrap_or(0);
        if !out.is_empty() {
            out.push_str(",\n");
        }
        let result = result(&report.file, f, index, format!("{hash}:{n}"));
        indented_json(&result, RESULTS_INDENT, &mut out);
    }
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(rule: &Rule) -> Value {
    let markdown = format!(
        "## What it does\n{}\n## Why is this bad\n{}\n## Fix safety\n{}",
        rule.what, rule.why, rule.fix_safety
    );
    json!({
        "id": rule.code,
        // SARIF viewers expect a PascalCase friendly name (`UnbustedRemoteSource`).
        "name": pascal_case(&rule.name),
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": rule.what.trim() },
        "help": { "text": format!("{}\n{}", rule.why.trim(), rule.fix_safety.trim()), "markdown": markdown },
        "helpUri": crate::catalogue::docs_url(&rule.code),
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": { "tags": ["docker", "build-cache"] },
    })
}

fn region(file: &SourceFile, span: &std::ops::Range<usize>) -> Value {
    let start = file.position(span.start);
    let end = file.position(span.end.max(span.start));
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn location(file: &SourceFile, span: &std::ops::Range<usize>) -> Value {
    json!({ "physicalLocation": {
        "artifactLocation": { "uri": uri(&file.display) },
        "region": region(file, span),
    }})
}

fn result(file: &SourceFile, f: &Finding, rule_index: usize, fingerprint: String) -> Value {
    let related: Vec<Value> = f
        .related
        .iter()
        .enumerate()
        .map(|(id, label)| {
            let mut loc = location(file, &label.span);
            loc["id"] = json!(id + 1);
            loc["message"] = json!({ "text": label.text });
            loc
        })
        .collect();
    json!({
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": format!("{}\n{}", f.message, f.help) },
        "locations": [location(file, &f.span)],
        "relatedLocations": related,
        "partialFingerprints": { "primaryLocationLineHash": fingerprint },
    })
}

/// A relative path as a URI reference: forward slashes, percent-encoded where URIs need it.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.replace('\\', "/").chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '.' | '_' | '~' | '/' => out.push(c),
            c => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    out
}

fn pascal_case(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_results_sit_where_the_frame_says() {
        let frame = frame();
        let line = frame.before.lines().last().unwrap();
        assert_eq!(line.trim(), "\"results\": [");
        assert_eq!(line.len() - line.trim_start().len() + 2, RESULTS_INDENT);
        let empty: Value = serde_json::from_str(&frame.empty).unwrap();
        assert_eq!(empty["runs"][0]["results"], json!([]));
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri("svc/my app/Dockerfile"), "svc/my%20app/Dockerfile");
        assert_eq!(uri("a\\b#c"), "a/b%23c");
        assert_eq!(
            pascal_case("unbusted-remote-source"),
            "UnbustedRemoteSource"
        );
    }
}
