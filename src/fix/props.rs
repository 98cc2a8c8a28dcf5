//! Properties of the fixer over generated Dockerfiles: the result parses, no CB001/CB002 is left, fixing
//! twice changes nothing, and the safe fixes only insert lines (every other byte is kept).
use proptest::prelude::*;
use proptest::sample::select;

use super::fix_text;
use crate::checks::check_dockerfile;
use crate::settings::Settings;
use crate::source::SourceFile;

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

/// Instructions of a stage; `{nl}` is the file's line ending, `{sha}` a commit.
const ITEMS: &[&str] = &[
    "RUN git clone -b main https://github.com/acme/a.git /a",
    "RUN pip install git+https://github.com/acme/b.git@dev",
    "RUN go install github.com/acme/c/cmd/c@latest",
    "RUN curl -fsSL https://github.com/acme/d/archive/refs/heads/main.tar.gz | tar xz",
    "RUN pip install git+https://github.com/acme/b.git@{sha}",
    "RUN git clone https://github.com/acme/a.git /a && git -C /a checkout {sha}",
    "RUN go install github.com/acme/c/cmd/c@v1.2.3",
    "RUN apt-get update && apt-get install -y git",
    "RUN make",
    "WORKDIR /app",
    "COPY . .",
    "ENV MODE=prod",
    "RUN <<EOF{nl}set -e{nl}git clone -b main https://github.com/acme/e.git /e{nl}EOF",
    "RUN apt-get update && \\{nl}    # then the tools{nl}    git clone https://github.com/acme/f.git /f",
    "RUN set -e; \\{nl}\tpip install \\{nl}\t\tgit+https://github.com/acme/g.git@{sha}",
    "ONBUILD RUN git clone -b main https://github.com/acme/h.git /h",
    "ONBUILD RUN make",
    "SHELL [\"powershell\", \"-Command\"]",
];

/// Bust names that the default settings recognise, and others.
const ARGS: &[&str] = &["CACHE_BUST", "CACHEBUST", "VERSION", "BASE_TAG"];

fn arg() -> impl Strategy<Value = String> {
    (select(ARGS), any::<bool>()).prop_map(|(name, value)| {
        let value = if value { "=1" } else { "" };
        format!("ARG {name}{value}")
    })
}

fn item() -> impl Strategy<Value = String> {
    let indent = select(&["", "", "  ", "\t"][..]);
    let instruction = prop_oneof![4 => select(ITEMS).prop_map(str::to_string), 1 => arg()];
    (indent, instruction).prop_map(|(indent, i)| format!("{indent}{i}"))
}

/// A stage: the earlier stage it is built from (an index taken modulo their number), whether it is
/// named, and its items.
fn stage() -> impl Strategy<Value = (Option<usize>, bool, Vec<String>)> {
    (
        any::<Option<usize>>(),
        prop::bool::weighted(0.8),
        prop::collection::vec(item(), 0..6),
    )
}

fn dockerfile() -> impl Strategy<Value = String> {
    let layout = (any::<bool>(), any::<bool>(), any::<bool>());
    let globals = prop::collection::vec(arg(), 0..3);
    let stages = prop::collection::vec(stage(), 1..4);
    (layout, globals, stages).prop_map(|((bom, crlf, final_newline), globals, stages)| {
        let mut lines = globals;
        for (i, (parent, named, items)) in stages.into_iter().enumerate() {
            let image = match parent {
                Some(p) if i > 0 => format!("s{}", p % i),
                _ => "alpine".to_string(),
            };
            let alias = if named {
                format!(" AS s{i}")
            } else {
                String::new()
            };
            lines.push(format!("FROM {image}{alias}"));
            lines.extend(items);
        }
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut text = if bom {
            "\u{feff}".to_string()
        } else {
            String::new()
        };
        text += &lines.join(nl).replace("{nl}", nl).replace("{sha}", SHA);
        if final_newline {
            text += nl;
        }
        text
    })
}

fn is_inserted_line(line: &str) -> bool {
    let line = line
        .trim_end_matches(['\r', '\n'])
        .trim_start_matches([' ', '\t']);
    let line = line.strip_prefix("ONBUILD ").unwrap_or(line);
    let busts = ["CACHE_BUST", "CACHEBUST"];
    busts.iter().any(|name| {
        line == format!("RUN echo \"Cache bust: ${{{name}}}\"")
            || line == format!("RUN Write-Output \"Cache bust: $env:{name}\"")
            || line == format!("ARG {name}")
            || line.strip_prefix(&format!("ARG {name}=")).is_some()
    })
}

/// Whether `after` is `before` with whole lines inserted, each an `ARG` of a bust name or its echo line.
fn only_lines_inserted(before: &str, after: &str) -> bool {
    let mut old = before.split_inclusive('\n').peekable();
    for line in after.split_inclusive('\n') {
        if old.peek() == Some(&line) {
            old.next();
        } else if !is_inserted_line(line) {
            return false;
        }
    }
    old.next().is_none()
}

fn lint_codes(text: &str) -> Vec<&'static str> {
    let file = SourceFile::new("Dockerfile".into(), "Dockerfile".into(), text.into());
    check_dockerfile(&file, &Settings::default())
        .iter()
        .map(|f| f.code)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fixing_is_exact_and_idempotent(text in dockerfile(), unsafe_fixes in any::<bool>()) {
        let settings = Settings::default();
        let file = SourceFile::new("Dockerfile".into(), "Dockerfile".into(), text.clone());
        let out = fix_text(&file, &settings, unsafe_fixes);
        if lint_codes(&text).contains(&"CB000") {
            prop_assert_eq!(&out.text, &text);
            return Ok(());
        }
        prop_assert!(out.refused.is_none(), "{:?}", out.refused);
        let codes = lint_codes(&out.text);
        prop_assert!(!codes.contains(&"CB000"), "does not parse:\n{}", out.text);
        prop_assert!(!codes.iter().any(|c| ["CB001", "CB002"].contains(c)), "{codes:?} in\n{}", out.text);
        let fixed = SourceFile::new("Dockerfile".into(), "Dockerfile".into(), out.text.clone());
        let again = fix_text(&fixed, &settings, unsafe_fixes);
        prop_assert_eq!(&again.text, &out.text);
        prop_assert!(again.fixed.is_empty());
        if !unsafe_fixes {
            prop_assert!(only_lines_inserted(&text, &out.text), "before:\n{text}\nafter:\n{}", out.text);
        }
    }
}

#[test]
fn the_insertion_check_catches_a_changed_byte() {
    let before = "FROM a\nRUN x\n";
    assert!(only_lines_inserted(
        before,
        "FROM a\nARG CACHE_BUST=1\nRUN x\n"
    ));
    assert!(!only_lines_inserted(
        before,
        "FROM a\nARG CACHE_BUST=1\nRUN x \n"
    ));
    assert!(!only_lines_inserted(before, "FROM a\nARG OTHER=1\nRUN x\n"));
    assert!(!only_lines_inserted(before, "FROM a\n"));
}
