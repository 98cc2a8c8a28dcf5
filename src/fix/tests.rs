use super::*;
use crate::catalogue::rules;
use crate::finding::Severity;

fn file(text: &str) -> SourceFile {
    SourceFile::new("Dockerfile".into(), "svc/Dockerfile".into(), text.into())
}

fn fix(text: &str, unsafe_fixes: bool) -> FixOutcome {
    fix_text(&file(text), &Settings::default(), unsafe_fixes)
}

/// A finding of `code` at `span` whose fix is `edits`, as a check would make it.
fn finding(code: &'static str, span: std::ops::Range<usize>, edits: Vec<Edit>) -> Finding {
    Finding {
        code,
        severity: Severity::Warning,
        message: "m".into(),
        span,
        label: "l".into(),
        related: Vec::new(),
        help: "h".into(),
        fix: Some(Fix {
            title: format!("fix {code}"),
            applicability: Applicability::Safe,
            edits,
        }),
    }
}

#[test]
fn every_documented_fix_gives_the_documented_file_and_then_nothing_more() {
    let mut checked = 0;
    for rule in rules() {
        for example in &rule.examples {
            let name = format!("{} `{}`", rule.code, example.name);
            let findings = check_dockerfile(&file(&example.dockerfile), &Settings::default());
            // Good examples, and those of compose rules, whose `fixed` is the compose file.
            let Some(fix_of_rule) = findings
                .iter()
                .filter(|f| f.code == rule.code)
                .find_map(|f| f.fix.as_ref())
            else {
                continue;
            };
            let Some(fixed) = &example.fixed else {
                panic!("{name}: an example with a fix needs `fixed`");
            };
            let unsafe_fixes = fix_of_rule.applicability == Applicability::Unsafe;
            let once = fix(&example.dockerfile, unsafe_fixes);
            assert_eq!(&once.text, fixed, "{name}");
            assert!(once.refused.is_none(), "{name}: {:?}", once.refused);
            assert!(!once.fixed.is_empty(), "{name}");
            assert!(
                once.fixed.iter().all(|(code, _)| *code == rule.code),
                "{name}: {:?}",
                once.fixed
            );
            let twice = fix(fixed, unsafe_fixes);
            assert_eq!(
                &twice.text, fixed,
                "{name}: fixing the fixed file changed it"
            );
            assert!(twice.fixed.is_empty(), "{name}");
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} examples have `fixed`");
}

#[test]
fn one_insertion_fixes_every_layer_of_a_stage_and_each_stage_gets_its_own() {
    let text = "FROM a AS one\nRUN git clone -b main https://github.com/o/r.git\n\
                RUN go install example.com/x@latest\nFROM b\nRUN git clone https://github.com/o/s.git\n";
    let out = fix(text, false);
    assert_eq!(out.fixed.len(), 3, "{:?}", out.fixed);
    assert_eq!(
        out.text.matches("ARG CACHE_BUST=unknown\n").count(),
        2,
        "{}",
        out.text
    );
    assert!(out.remaining.is_empty(), "{:?}", out.remaining);
    assert!(out.refused.is_none());
}

#[test]
fn unsafe_fixes_apply_only_when_asked() {
    let text = "FROM a\nARG CACHE_BUST=1\nRUN apt-get update\nRUN git clone -b main https://github.com/o/r.git\n";
    let safe = fix(text, false);
    assert_eq!(safe.text, text);
    assert_eq!(safe.remaining.len(), 1);
    assert_eq!(safe.remaining[0].code, "CB003");
    let all = fix(text, true);
    assert_eq!(
        all.text,
        "FROM a\nRUN apt-get update\nARG CACHE_BUST=1\nRUN git clone -b main https://github.com/o/r.git\n"
    );
    assert!(all.remaining.is_empty(), "{:?}", all.remaining);
}

#[test]
fn a_file_that_does_not_parse_is_left_alone() {
    let text = "FROM a\nBOGUS x\nRUN git clone https://github.com/o/r.git\n";
    let out = fix(text, true);
    assert_eq!(out.text, text);
    assert_eq!(out.remaining[0].code, "CB000");
    assert!(out.fixed.is_empty() && out.refused.is_none());
}

#[test]
fn a_pass_that_breaks_the_syntax_is_refused() {
    let text = "FROM a\nRUN b\n";
    let lint = |f: &SourceFile| {
        let mut findings = check_dockerfile(f, &Settings::default());
        if !f.text.contains("BOGUS") {
            findings.push(finding("CB001", 7..12, vec![Edit::insert(7, "BOGUS\n")]));
        }
        findings
    };
    let out = fix_with(&file(text), false, lint);
    assert_eq!(out.text, text);
    assert!(out.fixed.is_empty());
    let why = out.refused.unwrap();
    assert!(
        why.starts_with("svc/Dockerfile: refused to apply `fix CB001`"),
        "{why}"
    );
    assert!(why.contains("would not parse"), "{why}");
}

#[test]
fn a_fix_that_leaves_its_finding_in_place_is_refused() {
    let text = "FROM a\nRUN b\n";
    // The finding sits on `RUN b` wherever it is; the fix only adds a comment before it.
    let lint = |f: &SourceFile| {
        let at = f.text.find("RUN b").unwrap();
        vec![finding(
            "CB001",
            at..at + 5,
            vec![Edit::insert(at, "# x\n")],
        )]
    };
    let out = fix_with(&file(text), false, lint);
    assert_eq!(out.text, text);
    let why = out.refused.unwrap();
    assert!(
        why.contains("the CB001 finding at line 2 would still be there"),
        "{why}"
    );
}

#[test]
fn a_pass_that_adds_findings_is_refused() {
    let text = "FROM a\nRUN a\n";
    // Fixing `RUN a` into `RUN c` trades one finding for two.
    let lint = |f: &SourceFile| {
        let mut findings = Vec::new();
        if let Some(at) = f.text.find("RUN a") {
            let edit = Edit {
                range: at..at + 5,
                content: "RUN c".into(),
            };
            findings.push(finding("CB001", at..at + 5, vec![edit]));
        }
        if let Some(at) = f.text.find("RUN c") {
            findings.push(finding("CB003", at..at + 5, Vec::new()));
            findings.push(finding("CB007", at..at + 5, Vec::new()));
        }
        findings
    };
    let out = fix_with(&file(text), false, lint);
    assert_eq!(out.text, text);
    let why = out.refused.unwrap();
    assert!(
        why.contains("raise the number of findings from 1 to 2"),
        "{why}"
    );
}

#[test]
fn fixing_stops_after_the_pass_limit() {
    // A fix that always makes room for another: each pass appends `#` and the finding changes code.
    let lint = |f: &SourceFile| {
        let code = if f.text.matches('#').count().is_multiple_of(2) {
            "CB001"
        } else {
            "CB002"
        };
        let end = f.text.len();
        vec![finding(code, 0..4, vec![Edit::insert(end, "#\n")])]
    };
    let out = fix_with(&file("FROM a\n"), false, lint);
    assert_eq!(out.text.matches('#').count(), MAX_PASSES);
    assert_eq!(out.fixed.len(), MAX_PASSES);
    let why = out.refused.unwrap();
    assert!(why.contains("stopped after 10 fix passes"), "{why}");
}

#[test]
fn conflicting_fixes_wait_for_the_next_pass_and_moves_stay_whole() {
    let text = "FROM a\nRUN b\n";
    let lint = |f: &SourceFile| {
        if f.text.contains("[") {
            return Vec::new();
        }
        let (b, end) = (f.text.find("RUN b").unwrap(), f.text.len());
        // A move (cut + paste) and an insertion that clashes with its cut: only the first is taken.
        let mv = vec![Edit::delete(b..end), Edit::insert(0, "[RUN b]\n")];
        let clash = vec![Edit::insert(b + 1, "!")];
        vec![
            finding("CB003", b..end, mv),
            finding("CB001", b..end, clash),
        ]
    };
    let out = fix_with(&file(text), false, lint);
    assert_eq!(out.text, "[RUN b]\nFROM a\n");
    assert_eq!(out.fixed, [("CB003", "fix CB003".to_string())]);
}
