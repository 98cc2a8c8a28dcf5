//! Every output format on the same fixture, snapshotted; plus the format-specific guarantees.
mod common;

use common::{cachebust, root, stdout};
use serde_json::Value;

const FIXTURE: &str = "testdata/arg-in-other-stage";

fn render(format: &str) -> String {
    let output = cachebust(&root(), &["check", FIXTURE, "--output-format", format]);
    assert_eq!(output.status.code(), Some(1), "{format}");
    stdout(&output)
}

#[test]
fn concise() {
    insta::assert_snapshot!(render("concise"));
}

#[test]
fn json() {
    insta::assert_snapshot!(render("json"));
}

#[test]
fn github_annotations() {
    let text = render("github");
    insta::assert_snapshot!(text);
    for line in text.lines() {
        assert!(
            line.starts_with("::error file=")
                || line.starts_with("::warning file=")
                || line.starts_with("::notice file=")
        );
        let (properties, message) = line
            .split_once("::")
            .map(|(_, rest)| rest)
            .unwrap()
            .split_once("::")
            .unwrap();
        assert!(!message.contains('\n') && !message.contains('\r'));
        assert!(properties.contains(",line=") && properties.contains(",endColumn="));
    }
}

#[test]
fn sarif_meets_code_scanning_requirements() {
    let text = render("sarif");
    insta::assert_snapshot!(text);
    let sarif: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "cachebust");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    for rule in rules {
        for key in ["id", "name", "helpUri"] {
            assert!(rule[key].is_string(), "{key} in {rule}");
        }
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(rule[key]["text"].is_string(), "{key} in {rule}");
        }
    }
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(matches!(
            result["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let location = &locations[0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "testdata/arg-in-other-stage/Dockerfile"
        );
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(
                location["region"][key].as_u64().is_some_and(|n| n >= 1),
                "{key}"
            );
        }
        let hash = result["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap();
        assert!(hash.ends_with(":1") && hash.len() == 18, "{hash}");
    }
}
