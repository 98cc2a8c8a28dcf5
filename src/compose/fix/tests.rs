//! Each shape of `build` and `args` the fix meets: the text before, and after (or why there is no fix).
use super::*;

/// Adds `CACHE_BUST`, passed as the service's own `${CACHE_BUST_S}`, to service `s` of the text, or returns why not.
fn add(text: &str) -> Result<String, String> {
    let file = SourceFile::new("c.yaml".into(), "c.yaml".into(), text.into());
    let root = parse_yaml(&file).expect("test input parses");
    let all = services(&root).unwrap();
    let service = all.iter().find(|s| s.name == "s").unwrap();
    let build = service.build.as_ref().unwrap();
    let (edit, _) = add_args(
        &file,
        service,
        build,
        &["CACHE_BUST".into()],
        "_S",
        "unknown",
    )?;
    let mut out = text.to_string();
    out.replace_range(edit.range, &edit.content);
    Ok(out)
}

/// Turns the constant `CACHE_BUST` of service `s` into an interpolation.
fn unconst(text: &str) -> Result<String, String> {
    let file = SourceFile::new("c.yaml".into(), "c.yaml".into(), text.into());
    let root = parse_yaml(&file).unwrap();
    let all = services(&root).unwrap();
    let service = all.iter().find(|s| s.name == "s").unwrap();
    let build = service.build.as_ref().unwrap();
    let arg = build
        .args()
        .into_iter()
        .find(|a| a.name == "CACHE_BUST")
        .unwrap();
    let edit = pass_changing(&file, service, build, &arg, "CACHE_BUST_S")?;
    let mut out = text.to_string();
    out.replace_range(edit.range, &edit.content);
    Ok(out)
}

#[test]
fn appends_in_the_style_of_the_args() {
    let cases = [
        (
            "services:\n  s:\n    build:\n      context: .\n      args:\n",
            "services:\n  s:\n    build:\n      context: .\n      args:\n        CACHE_BUST: ${CACHE_BUST_S:-unknown}\n",
        ),
        (
            "services:\n  s:\n    build:\n      args: {}\n",
            "services:\n  s:\n    build:\n      args: {CACHE_BUST: \"${CACHE_BUST_S:-unknown}\"}\n",
        ),
        (
            "services:\n  s:\n    build:\n      args: [ 'A=1', ]\n",
            "services:\n  s:\n    build:\n      args: [ 'A=1', 'CACHE_BUST=${CACHE_BUST_S:-unknown}' ]\n",
        ),
        (
            "services:\n    s:\n        build:\n            args:\n                -   A=1\n            target: t\n",
            "services:\n    s:\n        build:\n            args:\n                -   A=1\n                -   CACHE_BUST=${CACHE_BUST_S:-unknown}\n            target: t\n",
        ),
        (
            "services:\n  s:\n    build: \"./api\"\n",
            "services:\n  s:\n    build:\n      context: \"./api\"\n      args:\n        CACHE_BUST: ${CACHE_BUST_S:-unknown}\n",
        ),
        (
            "\u{feff}services:\n s:\n  build:\n   context: .\n",
            "\u{feff}services:\n s:\n  build:\n   context: .\n   args:\n    CACHE_BUST: ${CACHE_BUST_S:-unknown}\n",
        ),
    ];
    for (before, after) in cases {
        assert_eq!(add(before).as_deref(), Ok(after), "{before}");
    }
}

#[test]
fn a_merged_build_gets_local_args_with_the_anchors_entries() {
    let anchors = [
        ("x: &b\n  args:\n  - A=1\n  - 'B=2'\n", "      args:\n        - A=1\n        - 'B=2'\n        - 'CACHE_BUST=${CACHE_BUST_S:-unknown}'\n"),
        ("x: &b\n  args: {A: 1}\n", "      args: {A: 1, CACHE_BUST: \"${CACHE_BUST_S:-unknown}\"}\n"),
        ("x: &b\n  args:\n", "      args:\n        CACHE_BUST: ${CACHE_BUST_S:-unknown}\n"),
    ];
    for (anchor, added) in anchors {
        let text = format!("{anchor}services:\n  s:\n    build:\n      <<: *b\n      context: .\n");
        assert_eq!(add(&text), Ok(format!("{text}{added}")), "{anchor}");
    }
    let two = "a: &a\n  args:\n    A: 1\nc: &c\n  target: t\nservices:\n  s:\n    build:\n      <<: [*a, *c]\n";
    assert!(add(two)
        .unwrap()
        .ends_with("      args:\n        A: 1\n        CACHE_BUST: ${CACHE_BUST_S:-unknown}\n"));
}

#[test]
fn shared_text_is_not_edited() {
    let cases = [
        "x: &b\n  context: .\nservices:\n  s:\n    build: *b\n",
        "services:\n  t: &t\n    build: .\n  s:\n    <<: *t\n",
        "x: &a\n  A: 1\nservices:\n  s:\n    build:\n      args: *a\n",
    ];
    for text in cases {
        assert!(add(text).is_err(), "{text}");
    }
}

#[test]
fn constants_become_their_own_default() {
    let cases = [
        (
            "services:\n  s:\n    build:\n      args: {CACHE_BUST: 1}\n",
            "{CACHE_BUST: \"${CACHE_BUST_S:-1}\"}",
        ),
        (
            "services:\n  s:\n    build:\n      args:\n        CACHE_BUST: 'v1'\n",
            "CACHE_BUST: '${CACHE_BUST_S:-v1}'",
        ),
        (
            "services:\n  s:\n    build:\n      args: [\"CACHE_BUST=x\"]\n",
            "[\"CACHE_BUST=${CACHE_BUST_S:-x}\"]",
        ),
    ];
    for (before, fixed) in cases {
        assert!(unconst(before).unwrap().contains(fixed), "{before}");
    }
    let shared =
        "x: &a\n  CACHE_BUST: 1\nservices:\n  s:\n    build:\n      args:\n        <<: *a\n";
    assert!(unconst(shared).is_err());
}
