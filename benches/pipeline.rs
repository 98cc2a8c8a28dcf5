//! Micro-benchmarks of each pipeline step on one typical Dockerfile and on one 1 MB `RUN`.
//!
//! `cargo bench --bench pipeline` (about a minute once built). The typical file is
//! `bench/fixtures/typical.Dockerfile`, the median-sized file of `bench/gen_corpus.py --files 10000 --seed 9`;
//! the 1 MB `RUN` is built here, in the same shape as `gen_corpus.py --big-run`. See bench/README.md.
use std::path::PathBuf;
use std::sync::LazyLock;

use cachebust::checks::{check_dockerfile, Analysis};
use cachebust::detect::detect;
use cachebust::lint::FileReport;
use cachebust::model::scope::Scope;
use cachebust::model::{build_dockerfile, Dockerfile, ItemKind};
use cachebust::parse::dockerfile::parse_dockerfile;
use cachebust::parse::shell::{split_commands, Framing, ShellKind};
use cachebust::report::{render, OutputFormat, Style};
use cachebust::settings::Settings;
use cachebust::source::SourceFile;
use divan::counter::BytesCount;
use divan::{black_box, Bencher};

fn main() {
    divan::main();
}

const TYPICAL: &str = include_str!("../bench/fixtures/typical.Dockerfile");
const ONE_MB: usize = 1 << 20;

/// One input: the file, its model and its findings, computed once.
struct Input {
    file: SourceFile,
    dockerfile: Dockerfile,
    report: FileReport,
}

static SETTINGS: LazyLock<Settings> = LazyLock::new(Settings::default);
static TYPICAL_INPUT: LazyLock<Input> =
    LazyLock::new(|| input("typical.Dockerfile", TYPICAL.into()));
static BIG_INPUT: LazyLock<Input> = LazyLock::new(|| input("big-run.Dockerfile", big_run(ONE_MB)));

fn input(name: &str, text: String) -> Input {
    // A path whose directory holds no build-context files: nothing is read from disk while timing.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("bench/fixtures")
        .join(name);
    let file = SourceFile::new(path, name.into(), text);
    let dockerfile = {
        let ast = parse_dockerfile(&file).expect("the benchmark input parses");
        build_dockerfile(&file, &ast)
    };
    let findings = check_dockerfile(&file, &SETTINGS);
    let report = FileReport {
        file: file.clone(),
        findings,
    };
    Input {
        file,
        dockerfile,
        report,
    }
}

/// A Dockerfile whose single `RUN` is about `size` bytes of continuation lines: plain commands, comment
/// lines, quoting and `$(…)`, and remote fetches (mutable, pinned, and from a build arg).
fn big_run(size: usize) -> String {
    let mut out = String::from(
        "# syntax=docker/dockerfile:1\nFROM debian:bookworm-slim\nARG TOOL_REF\nRUN set -eux; \\\n",
    );
    let mut i = 0usize;
    while out.len() < size {
        let line = match i % 10 {
            0 => format!("    && git clone --depth 1 -b main https://github.com/acme/repo{i}.git /src/r{i} \\\n"),
            1 => format!("    && apt-get install -y --no-install-recommends curl git jq pkg{i} \\\n"),
            2 => format!("    && echo \"step {i} at $(date -u +%s) in '$HOME'\" >> /var/log/build \\\n"),
            3 => format!("    && pip install --no-cache-dir git+https://github.com/acme/lib{i}.git@0123456789abcdef0123456789abcdef01234567 \\\n"),
            4 => format!("    && npm install github:acme/ui{i}#develop \\\n"),
            5 => format!("    && curl -fsSL https://github.com/acme/a{i}/archive/refs/heads/main.tar.gz | tar -xz -C /opt \\\n"),
            6 => format!("    && if [ -f /etc/x{i} ]; then sed -i \"s|@A@|$A|g\" /etc/x{i}; fi \\\n"),
            7 => format!("    # step {i}: keep going\n"),
            8 => format!("    && git clone -b \"${{TOOL_REF}}\" https://github.com/acme/tool{i}.git /src/t{i} \\\n"),
            _ => format!("    && go install github.com/acme/cmd{i}/cmd/x@latest \\\n"),
        };
        out += &line;
        i += 1;
    }
    out += "    && true\nCMD [\"bash\"]\n";
    out
}

/// The text after `RUN` (and its flags) of every RUN, as the model recorded it.
fn run_texts(input: &Input) -> Vec<(usize, &str)> {
    input
        .dockerfile
        .stages
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|item| match &item.kind {
            ItemKind::Run(run) => Some((run.text.start, &input.file.text[run.text.clone()])),
            _ => None,
        })
        .collect()
}

fn bench_parse(bencher: Bencher, input: &Input) {
    bencher
        .counter(BytesCount::new(input.file.text.len()))
        .bench(|| parse_dockerfile(black_box(&input.file)).map(|ast| ast.instructions.len()));
}

fn bench_tokenize(bencher: Bencher, input: &Input) {
    let texts = run_texts(input);
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let framing = Framing::Instruction { escape: '\\' };
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        texts
            .iter()
            .map(|&(base, text)| {
                split_commands(black_box(text), base, framing, ShellKind::Posix).len()
            })
            .sum::<usize>()
    });
}

fn bench_model(bencher: Bencher, input: &Input) {
    let ast = parse_dockerfile(&input.file).unwrap();
    bencher
        .counter(BytesCount::new(input.file.text.len()))
        .bench(|| build_dockerfile(black_box(&input.file), &ast));
}

fn bench_detect(bencher: Bencher, input: &Input) {
    let detectors = SETTINGS.detectors;
    let scope = Scope::default();
    let runs: Vec<_> = input
        .dockerfile
        .stages
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|item| match &item.kind {
            ItemKind::Run(run) => Some(run),
            _ => None,
        })
        .collect();
    bencher.bench(|| {
        runs.iter()
            .map(|run| {
                detect(detectors, black_box(&run.commands), run.shell, &scope, "/")
                    .sources
                    .len()
            })
            .sum::<usize>()
    });
}

fn bench_analysis(bencher: Bencher, input: &Input) {
    bencher
        .with_inputs(|| input.dockerfile.clone())
        .bench_values(|dockerfile| {
            Analysis::new(&input.file, dockerfile, &SETTINGS)
                .layers
                .len()
        });
}

fn bench_check(bencher: Bencher, input: &Input) {
    bencher
        .counter(BytesCount::new(input.file.text.len()))
        .bench(|| check_dockerfile(black_box(&input.file), &SETTINGS));
}

fn bench_render(bencher: Bencher, input: &Input, format: OutputFormat) {
    let reports = std::slice::from_ref(&input.report);
    let style = Style {
        color: false,
        width: 100,
    };
    bencher.bench(|| render(format, black_box(reports), style).len());
}

/// What every run pays before its first file.
mod startup {
    use super::*;
    use cachebust::detect::spec::Detectors;

    /// Compiling every detector regex of `rules/detectors.toml`, as a config file's entries are (the
    /// built-in data compiles each pattern on first use; `benches/startup.rs` times whole processes).
    #[divan::bench(sample_count = 20, sample_size = 1)]
    fn detectors() -> usize {
        let text = include_str!("../rules/detectors.toml");
        Detectors::from_toml(black_box(text)).map_or(0, |d| d.forms.len())
    }
}

/// One typical Dockerfile (47 lines, 2.3 KB, 2 stages).
mod typical {
    use super::*;

    #[divan::bench]
    fn parse(b: Bencher) {
        bench_parse(b, &TYPICAL_INPUT);
    }
    #[divan::bench]
    fn tokenize(b: Bencher) {
        bench_tokenize(b, &TYPICAL_INPUT);
    }
    #[divan::bench]
    fn model(b: Bencher) {
        bench_model(b, &TYPICAL_INPUT);
    }
    #[divan::bench]
    fn detect(b: Bencher) {
        bench_detect(b, &TYPICAL_INPUT);
    }
    #[divan::bench]
    fn analysis(b: Bencher) {
        bench_analysis(b, &TYPICAL_INPUT);
    }
    #[divan::bench]
    fn check(b: Bencher) {
        bench_check(b, &TYPICAL_INPUT);
    }
    #[divan::bench]
    fn render_json(b: Bencher) {
        bench_render(b, &TYPICAL_INPUT, OutputFormat::Json);
    }
    #[divan::bench]
    fn render_full(b: Bencher) {
        bench_render(b, &TYPICAL_INPUT, OutputFormat::Full);
    }
}

/// One `RUN` of 1 MB (about 12,000 continuation lines).
mod run_1mb {
    use super::*;

    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn parse(b: Bencher) {
        bench_parse(b, &BIG_INPUT);
    }
    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn tokenize(b: Bencher) {
        bench_tokenize(b, &BIG_INPUT);
    }
    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn model(b: Bencher) {
        bench_model(b, &BIG_INPUT);
    }
    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn detect(b: Bencher) {
        bench_detect(b, &BIG_INPUT);
    }
    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn analysis(b: Bencher) {
        bench_analysis(b, &BIG_INPUT);
    }
    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn check(b: Bencher) {
        bench_check(b, &BIG_INPUT);
    }
    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn render_json(b: Bencher) {
        bench_render(b, &BIG_INPUT, OutputFormat::Json);
    }
    // miette re-reads the source from its start for every label: seconds a run here (bench/README.md).
    #[divan::bench(sample_count = 2, sample_size = 1)]
    fn render_full(b: Bencher) {
        bench_render(b, &BIG_INPUT, OutputFormat::Full);
    }
}
