//! Properties of the bake fixer over generated HCL files: the result parses, the target passes the
//! arg from a variable that exists once, its other args are kept, the fix only inserts (every other
//! byte is kept), and a second pass finds the arg passed.
use std::path::Path;

use proptest::prelude::*;
use proptest::sample::select;

use super::invocations;
use crate::drivers::{AddArg, Invocation};

/// A target's `args` in the layouts people write (`{i}` its indentation).
const ARGS: &[&str] = &[
    "",
    "{i}args = {}\n",
    "{i}args = { PYTHON = \"3.12\" }\n",
    "{i}args = { PYTHON = \"3.12\", }\n",
    "{i}args = {\n{i}  PYTHON = \"3.12\"\n{i}}\n",
    "{i}args = {\n{i}  PYTHON = \"3.12\",\n{i}  REF = \"${REF}\",\n{i}}\n",
    "{i}args = {\n{i}  \"PYTHON\" = \"3.12\" }\n",
];

fn file(targets: &[(&str, bool)], variable: bool) -> String {
    let mut out = String::from("variable \"REF\" {\n  default = \"main\"\n}\n");
    if variable {
        out.push_str("variable \"CACHE_BUST\" {\n  default = \"unknown\"\n}\n");
    }
    for (i, (args, context)) in targets.iter().enumerate() {
        out.push_str(&format!("\ntarget \"t{i}\" {{\n"));
        if *context {
            out.push_str("  context = \".\"\n");
        }
        out.push_str(&args.replace("{i}", "  "));
        out.push_str("}\n");
    }
    out
}

fn passed(build: &Invocation) -> Vec<(String, String)> {
    build
        .args
        .iter()
        .map(|a| (a.name.clone(), a.text.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn the_fix_adds_the_arg_and_keeps_every_other_byte(
        targets in proptest::collection::vec((select(ARGS), any::<bool>()), 1..4),
        variable in any::<bool>(),
        which in any::<prop::sample::Index>(),
    ) {
        let text = file(&targets, variable);
        let path = Path::new("docker-bake.hcl");
        let builds = invocations(path, &text);
        prop_assert_eq!(builds.len(), targets.len());
        let index = which.index(builds.len());
        let Some(AddArg::Bake(fix)) = &builds[index].add_arg else {
            return Err(TestCaseError::fail(format!("no fix for t{index}:\n{text}")));
        };
        let edits = fix.edits("CACHE_BUST");
        prop_assert!(edits.iter().all(|e| e.range.is_empty()), "only insertions");
        let (fixed, restored) = crate::fix::insert_and_remove(&text, &edits);
        prop_assert_eq!(&restored, &text);
        prop_assert!(hcl_edit::parser::parse_body(&fixed).is_ok(), "does not parse:\n{}", fixed);
        prop_assert_eq!(fixed.matches("variable \"CACHE_BUST\"").count(), 1, "{}", fixed);
        let after = invocations(path, &fixed);
        prop_assert_eq!(after.len(), builds.len());
        for (i, (old, new)) in builds.iter().zip(&after).enumerate() {
            let (old, new) = (passed(old), passed(new));
            if i != index {
                prop_assert_eq!(old, new);
                continue;
            }
            prop_assert_eq!(&new[..old.len()], &old[..], "{}", fixed);
            prop_assert_eq!(&new[old.len()..], &[("CACHE_BUST".to_string(), "unknown".to_string())][..]);
        }
    }
}
