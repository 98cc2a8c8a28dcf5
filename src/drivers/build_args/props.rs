//! Properties of the `build-args` fixer over generated workflows: the result is YAML, the step now
//! passes the arg from the environment with its other args unchanged, every byte outside the inserted
//! text is kept, and a second pass offers no fix for the step.
use std::path::Path;

use proptest::prelude::*;
use proptest::sample::select;

use super::place;
use crate::compose::yaml::{parse_yaml, Node, NodeKind};
use crate::drivers::{ci, AddArg, DriverKind, ValueKind};
use crate::source::SourceFile;

/// One step's `with:` block: none, inputs without `build-args`, or `build-args` in some layout
/// (`{i}` is the inputs' indentation, `{nl}` the line ending).
const INPUTS: &[&str] = &[
    "",
    "{i}with:{nl}{i}  context: .{nl}",
    "{i}with: # inputs{nl}{i}  push: false{nl}{i}  tags: acme/a{nl}",
    "{i}with:{nl}{i}  build-args: PYTHON=3.12{nl}",
    "{i}with:{nl}{i}  build-args: |{nl}{i}    PYTHON=3.12{nl}{i}  push: true{nl}",
    "{i}with:{nl}{i}  build-args: |-{nl}{i}    A=1{nl}{nl}{i}    B=${{ env.B }}{nl}",
    "{i}with:{nl}{i}  tags: acme/a{nl}{i}  build-args: |{nl}{i}    A=1{nl}{i}    B=2{nl}{i}  # a comment{nl}",
];

/// The workflow, and the byte offsets where the generated steps start.
fn workflow(steps: &[(bool, &str, bool)], crlf: bool) -> String {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut out = format!("on: push{nl}jobs:{nl}  b:{nl}    steps:{nl}");
    for (named, inputs, comment) in steps {
        let comment = if *comment { " # v6" } else { "" };
        let uses = format!("uses: docker/build-push-action@v6{comment}{nl}");
        match named {
            true => out.push_str(&format!("      - name: image{nl}        {uses}")),
            false => out.push_str(&format!("      - {uses}")),
        }
        out.push_str(&inputs.replace("{i}", "        ").replace("{nl}", nl));
        out.push_str(&format!("      - run: echo done{nl}"));
    }
    out
}

fn steps(text: &str) -> Vec<Node> {
    let file = SourceFile::new("w.yml".into(), String::new(), text.to_string());
    let tree = parse_yaml(&file).expect("the workflow is YAML");
    let steps = tree
        .get("jobs")
        .and_then(|j| j.get("b"))
        .and_then(|b| b.get("steps"));
    match steps.map(|s| &s.kind) {
        Some(NodeKind::Seq(items)) => items.clone(),
        _ => Vec::new(),
    }
}

/// Each build's args as (name, text), in order.
fn passed(text: &str) -> Vec<Vec<(String, String)>> {
    let path = Path::new(".github/workflows/w.yml");
    ci::invocations(DriverKind::Actions, Path::new(""), path, text)
        .iter()
        .map(|b| {
            b.args
                .iter()
                .map(|a| (a.name.clone(), a.text.clone()))
                .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn the_fix_inserts_one_arg_and_keeps_every_other_byte(
        layout in proptest::collection::vec((any::<bool>(), select(INPUTS), any::<bool>()), 1..4),
        crlf in any::<bool>(),
        which in any::<prop::sample::Index>(),
    ) {
        let text = workflow(&layout, crlf);
        let uses: Vec<Node> = steps(&text).into_iter().filter(|s| s.get("uses").is_some()).collect();
        let step = which.get(&uses);
        let fix = place(&text, step.entry("uses").unwrap(), step.entry("with"));
        let fix = fix.expect("every generated layout gets a fix");
        let edits = AddArg::BuildArgs(fix).edits("CACHE_BUST", "unknown");
        prop_assert!(edits.iter().all(|e| e.range.is_empty()), "only insertions");
        // Removing the inserted text gives the original bytes back, and the line ending is the file's.
        let (fixed, restored) = crate::fix::insert_and_remove(&text, &edits);
        prop_assert_eq!(&restored, &text);
        let bare_newlines = fixed.replace("\r\n", "").contains('\n');
        prop_assert_eq!(crlf, !bare_newlines && fixed.contains("\r\n"));
        prop_assert_eq!(!crlf, !fixed.contains('\r'));
        // The step passes the arg from the environment; every other arg is as it was.
        let index = uses.iter().position(|s| std::ptr::eq(s, step)).unwrap();
        let (before, after) = (passed(&text), passed(&fixed));
        prop_assert_eq!(before.len(), after.len());
        for (i, (old, new)) in before.iter().zip(&after).enumerate() {
            if i != index {
                prop_assert_eq!(old, new);
                continue;
            }
            prop_assert_eq!(&new[..old.len()], &old[..]);
            prop_assert_eq!(new.len(), old.len() + 1);
            prop_assert_eq!(&new[old.len()].0, "CACHE_BUST");
        }
        let builds = ci::invocations(DriverKind::Actions, Path::new(""), Path::new("w.yml"), &fixed);
        let arg = builds[index].args.iter().find(|a| a.name == "CACHE_BUST").unwrap();
        prop_assert_eq!(&arg.value, &ValueKind::Environment("CACHE_BUST || 'unknown'".into()));
    }
}
