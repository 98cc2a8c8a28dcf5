//! The fuzz targets' bodies, shared by the libFuzzer entry points (`fuzz_targets/`, `cargo fuzz`) and
//! the seeded stable driver (`src/bin/stable.rs`, run by CI). Each takes arbitrary bytes and panics
//! when an invariant breaks:
//!
//! - nothing panics, and every span and edit range is inside the text and on character boundaries;
//! - every output format renders (the JSON and SARIF as valid JSON), concise and github one line per
//!   finding with no raw control character;
//! - a secret planted into the input (a line of a known secret form, whole or split by a line
//!   continuation) shows in no format's output as the binary prints it (human formats masked at the
//!   writer, JSON and SARIF as values) nor in the `--diff` of its fixes;
//! - each fix pass turns its input into exactly that input with some of the offered fixes' edits
//!   applied, so every byte outside the edits is kept; a Dockerfile's safe fix inserts whole lines;
//! - the fixed text parses whenever the input did, and fixing it again changes nothing.
//!
//! Hangs are the driver's business: libFuzzer's `-timeout`, the stable driver's per-input bound.
use std::cell::RefCell;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cachebust::checks::check_dockerfile;
use cachebust::compose::lint_compose_text;
use cachebust::compose::yaml::parse_yaml;
use cachebust::finding::{Applicability, Finding};
use cachebust::fix::{apply_edits, fix_with};
use cachebust::lint::{lint_bytes, FileReport};
use cachebust::parse::dockerfile::parse_dockerfile;
use cachebust::parse::shell::{split_commands, Framing, ShellKind};
use cachebust::report::{render, OutputFormat, Style};
use cachebust::settings::Settings;
use cachebust::source::SourceFile;

pub mod mutate;

/// Inputs past this size are cut: bigger ones find nothing new and only slow the run down (the
/// hostile-input tests cover big files).
const MAX_INPUT: usize = 64 << 10;

/// Fix passes with more offered fixes than this are not searched for the subset that was applied.
const MAX_SUBSET_SEARCH: usize = 10;

/// The fixture directories under `testdata/` (read only: the targets never write a file).
fn fixture_dirs() -> &'static (Vec<PathBuf>, Vec<PathBuf>) {
    static DIRS: OnceLock<(Vec<PathBuf>, Vec<PathBuf>)> = OnceLock::new();
    DIRS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
            .map(|d| d.filter_map(|e| Some(e.ok()?.path())).collect())
            .unwrap_or_default();
        dirs.retain(|d| d.is_dir());
        dirs.sort();
        let (compose, dockerfile): (Vec<_>, Vec<_>) = dirs.into_iter().partition(|d| {
            d.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("compose-"))
        });
        (dockerfile, compose)
    })
}

/// A fixture directory chosen by the input's hash, so the build context, the `.override` twin and the
/// Dockerfiles a compose file names exist on disk, and the choice is the same for the same input.
fn place(data: &[u8], dirs: &[PathBuf], name: &str) -> PathBuf {
    let hash = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    match dirs.len() {
        0 => PathBuf::from(name),
        n => dirs[(hash % n as u64) as usize].join(name),
    }
}

fn cut(data: &[u8]) -> &[u8] {
    &data[..data.len().min(MAX_INPUT)]
}

/// Lints a Dockerfile's bytes and renders the findings in every format.
pub fn dockerfile_lint(data: &[u8]) {
    let data = cut(data);
    let settings = Settings::default();
    let path = place(data, &fixture_dirs().0, "Dockerfile");
    let report = lint_bytes(&path, "Dockerfile".into(), data.to_vec(), &settings);
    check_report(&report);
    render_all(&report);
    planted_secret(data);
}

/// Secret forms the redactor knows, as Dockerfile lines holding `{S}`.
const PLANTED: &[&str] = &[
    "RUN git clone -b main https://u:{S}@gitlab.example.com/a/b.git /b",
    "RUN git clone -b main ssh://git:{S}@gitlab.example.com/a/b.git /b",
    "ARG GIT_TOKEN={S}",
    "ENV NPM_AUTH={S}",
    "RUN curl -H \"Authorization: token {S}\" https://github.com/a/b/archive/refs/heads/main.tar.gz",
    "RUN curl -u me:{S} https://github.com/a/e/archive/refs/heads/main.tar.gz",
    "RUN wget --password={S} https://github.com/a/f/archive/refs/heads/main.zip",
    "RUN curl -o /a \"https://example.com/main.tar.gz?private_token={S}\"",
    "RUN GIT_TOKEN={S} pip install git+https://github.com/a/g.git@main",
];

const SECRET: &str = "QXFUZZPLANTED77";

/// Plants a secret line (chosen, placed and maybe split by the input's hash) after one of the input's
/// line breaks, lints and fixes it, and checks no output shows the secret or either half of it.
fn planted_secret(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let hash = data.iter().fold(0x8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    let breaks: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
    let at = match breaks.len() {
        0 => text.len(),
        n => breaks[(hash >> 8) as usize % n],
    };
    // Split only where `\` surely continues a line: with an `escape` directive (repeated, misspelt)
    // the half on the next line may be an instruction of its own, which the parser's error quotes.
    let split = hash & 1 == 1 && !text.to_ascii_lowercase().contains("escape");
    let (planted, needles) = if split {
        (
            "QXFUZZP\\\nLANTED77".to_string(),
            vec!["QXFUZZP", "LANTED77"],
        )
    } else {
        (SECRET.to_string(), vec![SECRET])
    };
    let line = PLANTED[(hash >> 4) as usize % PLANTED.len()].replace("{S}", &planted);
    let sep = if at == text.len() && !text.ends_with('\n') && !text.is_empty() {
        "\n"
    } else {
        ""
    };
    let text = format!("{}{sep}{line}\n{}", &text[..at], &text[at..]);
    let settings = Settings::default();
    let report = lint_bytes(
        Path::new("Dockerfile"),
        "Dockerfile".into(),
        text.clone().into_bytes(),
        &settings,
    );
    let reports = std::slice::from_ref(&report);
    let style = Style {
        color: false,
        width: 80,
    };
    let mut shown: Vec<(String, String)> = [
        OutputFormat::Full,
        OutputFormat::Concise,
        OutputFormat::Github,
    ]
    .iter()
    .map(|&f| {
        (
            format!("{f:?}"),
            cachebust::redact::mask(&render(f, reports, style)).into_owned(),
        )
    })
    .collect();
    for format in [OutputFormat::Json, OutputFormat::Sarif] {
        shown.push((format!("{format:?}"), render(format, reports, style)));
    }
    let lint = |f: &SourceFile| check_dockerfile(f, &settings);
    let fixed = fix_with(&report.file, true, lint);
    let diff = cachebust::report::render_diff("Dockerfile", &text, &fixed.text, false);
    shown.push(("--diff".into(), cachebust::redact::mask(&diff).into_owned()));
    for (format, out) in shown {
        for needle in &needles {
            assert!(
                !out.contains(needle),
                "{format} shows the planted secret `{needle}`:\n{text}\n--- output:\n{out}"
            );
        }
    }
}

/// Fixes a Dockerfile (safe fixes, then safe and unsafe) and checks each pass, the result and a
/// second run.
pub fn dockerfile_fix(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(cut(data)) else {
        return;
    };
    let settings = Settings::default();
    let path = place(text.as_bytes(), &fixture_dirs().0, "Dockerfile");
    let lint = |f: &SourceFile| check_dockerfile(f, &settings);
    let parses = |f: &SourceFile| parse_dockerfile(f).is_ok();
    for unsafe_fixes in [false, true] {
        check_fixing(&path, text, unsafe_fixes, &lint, &parses, !unsafe_fixes);
    }
}

/// Lints a compose file (its Dockerfiles from a compose fixture), renders it, and fixes it.
pub fn compose(data: &[u8]) {
    let data = cut(data);
    let settings = Settings::default();
    let path = place(data, &fixture_dirs().1, "compose.yaml");
    let cwd = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lint = |f: &SourceFile| {
        settings.filter(
            &f.path,
            lint_compose_text(f.clone(), &cwd, &settings).findings,
        )
    };
    let file = SourceFile::new(path.clone(), "compose.yaml".into(), text.to_string());
    let report = FileReport {
        findings: lint(&file),
        file,
    };
    check_report(&report);
    render_all(&report);
    let parses = |f: &SourceFile| parse_yaml(f).is_ok();
    for unsafe_fixes in [false, true] {
        check_fixing(&path, text, unsafe_fixes, &lint, &parses, false);
    }
}

/// Tokenizes the bytes as RUN text in every framing and shell, checking every span.
pub fn shell(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(cut(data)) else {
        return;
    };
    let base = 11;
    let framings = [
        Framing::Instruction { escape: '\\' },
        Framing::Instruction { escape: '`' },
        Framing::Script,
    ];
    for framing in framings {
        for kind in [ShellKind::Posix, ShellKind::PowerShell, ShellKind::Cmd] {
            for command in split_commands(src, base, framing, kind) {
                let within = |span: &Range<usize>, what: &str| {
                    assert!(
                        span.start <= span.end
                            && span.start >= base
                            && span.end <= base + src.len()
                            && src.is_char_boundary(span.start - base)
                            && src.is_char_boundary(span.end - base),
                        "{what} span {span:?} is outside the text ({} bytes at {base}) or not on a \
                         character boundary ({framing:?}, {kind:?})",
                        src.len()
                    );
                };
                within(&command.span, "command");
                for word in &command.words {
                    within(&word.span, "word");
                }
            }
        }
    }
}

/// Every span and edit of the report lies inside its text, on character boundaries.
fn check_report(report: &FileReport) {
    let text = &report.file.text;
    let valid = |r: &Range<usize>| {
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    for f in &report.findings {
        assert!(valid(&f.span), "{} span {:?} is invalid", f.code, f.span);
        for label in &f.related {
            assert!(
                valid(&label.span),
                "{} related span {:?} is invalid",
                f.code,
                label.span
            );
        }
        for edit in f.fix.iter().flat_map(|x| &x.edits) {
            assert!(
                valid(&edit.range),
                "{} edit {:?} is invalid",
                f.code,
                edit.range
            );
        }
    }
}

fn render_all(report: &FileReport) {
    let reports = std::slice::from_ref(report);
    let style = Style {
        color: false,
        width: 80,
    };
    let _ = render(OutputFormat::Full, reports, style);
    for format in [OutputFormat::Concise, OutputFormat::Github] {
        let out = render(format, reports, style);
        assert_eq!(
            out.lines().count(),
            report.findings.len(),
            "{format:?}: one finding, one line:\n{out}"
        );
        if let Some(c) = out
            .chars()
            .find(|&c| c.is_control() && c != '\n' && c != '\t')
        {
            panic!("{format:?} prints the control character {c:?} raw:\n{out}");
        }
    }
    for format in [OutputFormat::Json, OutputFormat::Sarif] {
        let out = render(format, reports, style);
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&out) {
            panic!("{format:?} output is not JSON ({e}):\n{out}");
        }
    }
}

/// Runs the fixer the way `--fix` does and checks every pass, the result, and a second run.
fn check_fixing(
    path: &Path,
    text: &str,
    unsafe_fixes: bool,
    lint: &dyn Fn(&SourceFile) -> Vec<Finding>,
    parses: &dyn Fn(&SourceFile) -> bool,
    whole_lines: bool,
) {
    let file = SourceFile::new(path.to_path_buf(), "f".into(), text.to_string());
    let passes = RefCell::new(Vec::new());
    let recording = |f: &SourceFile| {
        let findings = lint(f);
        passes.borrow_mut().push((f.text.clone(), findings.clone()));
        findings
    };
    let out = fix_with(&file, unsafe_fixes, recording);
    if let Some(why) = &out.refused {
        assert!(!why.contains("fix passes"), "{why}");
    }
    // Each lint after the first was of the previous text with the chosen fixes applied.
    let passes = passes.into_inner();
    for pair in passes.windows(2) {
        let ((before, findings), (after, _)) = (&pair[0], &pair[1]);
        check_pass(before, findings, after, unsafe_fixes, whole_lines);
    }
    let fixed = SourceFile::new(path.to_path_buf(), "f".into(), out.text.clone());
    if out.text != text && parses(&file) {
        assert!(
            parses(&fixed),
            "the fixed text does not parse:\n{}",
            out.text
        );
    }
    let again = fix_with(&fixed, unsafe_fixes, lint);
    assert_eq!(again.text, out.text, "fixing twice changed the text");
}

/// `after` must be `before` with the edits of some of the offered fixes applied, and nothing else.
fn check_pass(
    before: &str,
    findings: &[Finding],
    after: &str,
    unsafe_fixes: bool,
    whole_lines: bool,
) {
    let offered: Vec<_> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .filter(|x| (unsafe_fixes || x.applicability == Applicability::Safe) && !x.edits.is_empty())
        .collect();
    if whole_lines {
        for edit in offered.iter().flat_map(|x| &x.edits) {
            check_whole_lines(before, &edit.range, &edit.content);
        }
    }
    let all: Vec<_> = offered
        .iter()
        .flat_map(|x| x.edits.iter().cloned())
        .collect();
    if apply_edits(before, &all) == after || offered.len() > MAX_SUBSET_SEARCH {
        return;
    }
    let found = (1..1u32 << offered.len()).any(|mask| {
        let edits: Vec<_> = (0..offered.len())
            .filter(|i| mask & (1 << i) != 0)
            .flat_map(|i| offered[i].edits.iter().cloned())
            .collect();
        apply_edits(before, &edits) == after
    });
    assert!(
        found,
        "a fix pass changed more than its edits:\nbefore:\n{before}\nafter:\n{after}\noffered: {offered:#?}"
    );
}

/// A Dockerfile's safe fix inserts whole lines: at a line's start or after its leading whitespace,
/// ending in a newline and that indentation.
fn check_whole_lines(text: &str, range: &Range<usize>, content: &str) {
    if !range.is_empty() {
        return;
    }
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..range.start];
    // Docker ignores leading whitespace (a stray `\r` included); the fix copies only blanks.
    let blanks = indent.chars().all(|c| c == ' ' || c == '\t');
    let ok = indent.chars().all(char::is_whitespace)
        && content
            .strip_suffix(if blanks { indent } else { "" })
            .is_some_and(|c| c.ends_with('\n'));
    assert!(
        ok,
        "a safe fix inserts {content:?} in the middle of the line {:?}",
        &text[line_start
            ..text[range.start..]
                .find('\n')
                .map_or(text.len(), |i| range.start + i)]
    );
}
