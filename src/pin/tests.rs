use super::*;
use crate::model::build_dockerfile;
use crate::parse::dockerfile::parse_dockerfile;
use crate::settings::Settings;
use crate::source::SourceFile;

const SHA: &str = "3f2a1e0b9d8a7c6b5a4f3e2d1c0b9a8f7e6d5c4b";

fn with_analysis<T>(text: &str, f: impl FnOnce(&Analysis<'_>) -> T) -> T {
    let file = SourceFile::new("Dockerfile".into(), "Dockerfile".into(), text.to_string());
    let ast = parse_dockerfile(&file).expect("parses");
    let settings = Settings::default();
    let analysis = Analysis::new(&file, build_dockerfile(&file, &ast), &settings);
    f(&analysis)
}

fn pin(text: &str) -> String {
    with_analysis(text, |a| {
        let pinning = plan_pins(a, &mut |_| Ok(SHA.to_string())).unwrap();
        apply_edits(text, &pinning.edits)
    })
}

fn unpin(text: &str) -> String {
    with_analysis(text, |a| {
        let (pins, problems) = tracked_pins(a);
        assert!(problems.is_empty(), "{problems:?}");
        unpin_text(text, &pins)
    })
}

const FORMS: &[(&str, &str)] = &[
    (
        "RUN git clone -b main https://h/acme/toolkit.git /src\n",
        "# cachebust: track main\nRUN git clone -b main https://h/acme/toolkit.git /src && git -C /src checkout SHA\n",
    ),
    (
        "RUN git clone --depth 1 https://h/acme/toolkit.git /src && make -C /src\n",
        "# cachebust: track HEAD\nRUN git clone --depth 1 https://h/acme/toolkit.git /src && git -C /src fetch --depth 1 origin SHA && git -C /src checkout FETCH_HEAD && make -C /src\n",
    ),
    (
        "RUN pip install git+https://h/acme/lib.git@dev#egg=lib\n",
        "# cachebust: track dev\nRUN pip install git+https://h/acme/lib.git@SHA#egg=lib\n",
    ),
    (
        "RUN pip install \"git+https://h/acme/lib.git\"\n",
        "# cachebust: track HEAD\nRUN pip install \"git+https://h/acme/lib.git@SHA\"\n",
    ),
    (
        "RUN npm install github:acme/ui#main\n",
        "# cachebust: track main\nRUN npm install github:acme/ui#SHA\n",
    ),
    (
        "RUN curl -fsSL https://github.com/acme/t/archive/refs/heads/main.tar.gz | tar xz\n",
        "# cachebust: track refs/heads/main\nRUN curl -fsSL https://github.com/acme/t/archive/SHA.tar.gz | tar xz\n",
    ),
    (
        "RUN curl -fsSLO https://raw.githubusercontent.com/acme/t/main/install.sh\n",
        "# cachebust: track main\nRUN curl -fsSLO https://raw.githubusercontent.com/acme/t/SHA/install.sh\n",
    ),
    (
        "RUN cargo install --git https://h/acme/tool.git --branch main tool\n",
        "# cachebust: track main\nRUN cargo install --git https://h/acme/tool.git --rev SHA tool\n",
    ),
    (
        "RUN cargo install --locked --branch=dev --git=https://h/acme/tool.git\n",
        "# cachebust: track dev\nRUN cargo install --locked --rev=SHA --git=https://h/acme/tool.git\n",
    ),
    (
        "RUN cargo install --git \"https://h/acme/tool.git\" tool\n",
        "# cachebust: track HEAD\nRUN cargo install --git \"https://h/acme/tool.git\" --rev SHA tool\n",
    ),
];

/// Every form gets its pinned spelling, comes back byte for byte with `unpin`, and pinning the pinned
/// file changes nothing (it has no mutable remote left).
#[test]
fn every_form_pins_and_unpins() {
    for (before, pinned) in FORMS {
        let before = format!("FROM debian:bookworm\n# hadolint ignore=DL3008\n{before}");
        let pinned = format!("FROM debian:bookworm\n{}", pinned.replace("SHA", SHA)).replacen(
            "# cachebust: track",
            "# cachebust: track",
            1,
        );
        let got = pin(&before);
        // The tracking comment goes above the run of comments, so a hadolint pragma stays next to its RUN.
        let expected = {
            let (first, rest) = pinned.split_once('\n').unwrap();
            let (comment, run) = rest.split_once('\n').unwrap();
            format!("{first}\n{comment}\n# hadolint ignore=DL3008\n{run}")
        };
        assert_eq!(got, expected, "pin of {before}");
        assert_eq!(pin(&got), got, "pin twice");
        assert_eq!(unpin(&got), before, "unpin of {got}");
    }
}

#[test]
fn two_pins_in_one_run_pair_in_order() {
    let before = "FROM a\nRUN git clone -b release https://h/o/a.git /a \\\n && pip install git+https://h/o/b.git@dev\n";
    let got = pin(before);
    assert!(
        got.starts_with("FROM a\n# cachebust: track release\n# cachebust: track dev\nRUN"),
        "{got}"
    );
    assert_eq!(unpin(&got), before);
}

#[test]
fn what_cannot_be_pinned_is_listed() {
    // `git clone -b` takes a branch name: a commit in the arg's default would break the clone.
    let text = "FROM a\nARG REF=main\nRUN git clone -b ${REF} https://h/o/b.git /b\nRUN go install example.com/x@latest\n";
    with_analysis(text, |a| {
        let pinning = plan_pins(a, &mut |_| Err(Unresolved::Cannot("latest".into()))).unwrap();
        assert!(pinning.edits.is_empty());
        assert_eq!(pinning.skipped.len(), 2);
        assert!(
            pinning.skipped[0].1.contains("`ARG REF`"),
            "{:?}",
            pinning.skipped
        );
        let failed = plan_pins(a, &mut |_| Err(Unresolved::Failed("unreachable".into())));
        assert_eq!(failed.unwrap_err(), "unreachable");
    });
    let text =
        "FROM a\nARG REF=main\nRUN cargo install --git https://h/o/b.git --branch=\"$REF\"\n";
    with_analysis(text, |a| {
        let pinning = plan_pins(a, &mut |_| Ok(SHA.into())).unwrap();
        assert!(pinning.edits.is_empty());
        assert_eq!(pinning.skipped.len(), 1, "{:?}", pinning.pinned);
    });
}

/// A ref that is an `ARG`'s default is pinned in the default, once for all its uses, with the tracking
/// comment above the `ARG`; `unpin` gives the bytes back.
#[test]
fn a_ref_from_an_arg_default_pins_the_default() {
    let cases = [
        (
            "FROM a\nARG TOOLKIT_REF=main\nRUN pip install git+https://h/o/lib.git@${TOOLKIT_REF}\nRUN npm install github:o/ui#$TOOLKIT_REF\n",
            "FROM a\n# cachebust: track main\nARG TOOLKIT_REF=SHA\nRUN pip install git+https://h/o/lib.git@${TOOLKIT_REF}\nRUN npm install github:o/ui#$TOOLKIT_REF\n",
        ),
        // A stage's default-less `ARG` takes the global default; the comment stays below the directive.
        (
            "# syntax=docker/dockerfile:1\nARG REF=\"dev\"\nFROM a\nARG REF\nRUN curl -fsSL https://github.com/o/t/archive/${REF}.tar.gz | tar xz\n",
            "# syntax=docker/dockerfile:1\n# cachebust: track dev\nARG REF=\"SHA\"\nFROM a\nARG REF\nRUN curl -fsSL https://github.com/o/t/archive/${REF}.tar.gz | tar xz\n",
        ),
        // An `ENV` value is pinned like a default; it overrides an `ARG` of the same name.
        (
            "FROM a\nARG REF=dev\nENV LANG=C REF=\"main\"\nRUN pip install git+https://h/o/lib.git@$REF\n",
            "FROM a\nARG REF=dev\n# cachebust: track main\nENV LANG=C REF=\"SHA\"\nRUN pip install git+https://h/o/lib.git@$REF\n",
        ),
        // Two names of one `ARG`: one comment each, in their order; a clone's checkout takes a commit.
        (
            "FROM a\n# keep\nARG A=main B=dev\nRUN git clone https://h/o/a.git /a && git -C /a checkout $B && pip install git+https://h/o/b.git@${A}\n",
            "FROM a\n# cachebust: track main\n# cachebust: track dev\n# keep\nARG A=SHA B=SHA\nRUN git clone https://h/o/a.git /a && git -C /a checkout $B && pip install git+https://h/o/b.git@${A}\n",
        ),
    ];
    for (before, pinned) in cases {
        let got = pin(before);
        assert_eq!(got, pinned.replace("SHA", SHA), "pin of {before}");
        assert_eq!(pin(&got), got, "pin twice");
        assert_eq!(unpin(&got), before, "unpin of {got}");
        with_analysis(&got, |a| {
            let (pins, problems) = tracked_pins(a);
            assert!(problems.is_empty(), "{problems:?}");
            assert!(pins.iter().all(|p| got[p.sha.clone()] == *SHA), "{pins:?}");
        });
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    /// Lines that are not remotes: comments, pragmas, other instructions, a continued RUN.
    const FILLER: &[&str] = &[
        "# a comment\n",
        "# hadolint ignore=DL3003\n",
        "\n",
        "ENV A=1\n",
        "COPY . /app\n",
        "RUN echo hi \\\n && true\n",
        "WORKDIR /src\n",
    ];

    /// Refs from an `ARG` default, pinned in the default.
    const ARG_FORMS: &[&str] = &[
        "ARG REF=main\nRUN pip install git+https://h/o/x.git@${REF}\n",
        "ARG B=\"dev\" C=x\nRUN npm install github:o/ui#$B\n",
    ];

    fn dockerfile() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            select(FORMS.iter().map(|(before, _)| *before).collect::<Vec<_>>()),
            select(FILLER.to_vec()),
            select(ARG_FORMS.to_vec()),
        ];
        (proptest::collection::vec(line, 0..8), any::<bool>()).prop_map(|(lines, crlf)| {
            let text = format!("FROM debian:bookworm\n{}", lines.concat());
            if crlf {
                text.replace('\n', "\r\n")
            } else {
                text
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        /// `unpin` after `pin` gives the original bytes back, and a pinned file pins to itself.
        #[test]
        fn pin_then_unpin_is_the_identity(text in dockerfile()) {
            let pinned = pin(&text);
            prop_assert_eq!(&pin(&pinned), &pinned, "pin twice");
            prop_assert_eq!(unpin(&pinned), text);
        }
    }
}
