//! The stable fuzz driver: mutates the `testdata/` seeds (and any corpus that `cargo fuzz` left in
//! `fuzz/corpus/TARGET/`) with a seeded generator and runs every target on each input in a worker
//! thread, failing on a panic or on an input that takes longer than the per-input bound.
//!
//! ```text
//! cargo run --manifest-path fuzz/Cargo.toml --no-default-features --features stable --bin stable -- \
//!     [--seconds 60] [--seed 1] [--timeout-ms 5000] [--target NAME]...
//! ```
//! `CACHEBUST_FUZZ_SECONDS` and `CACHEBUST_FUZZ_SEED` set the defaults. Failing inputs are written to
//! `fuzz/artifacts/stable/TARGET/`; `fuzz/regressions/TARGET/` holds the fixed ones, run first.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cachebust_fuzz::mutate::{mutate, Rng};

type Target = fn(&[u8]);

/// An input for the worker, and the target to run it through.
type Job = (Target, Arc<Vec<u8>>);

const TARGETS: &[(&str, Target)] = &[
    ("dockerfile_lint", cachebust_fuzz::dockerfile_lint),
    ("dockerfile_fix", cachebust_fuzz::dockerfile_fix),
    ("compose", cachebust_fuzz::compose),
    ("shell", cachebust_fuzz::shell),
];

/// Mutated inputs stay small: the parsers' limits and big files are the hostile-input tests' job.
const MAX_LEN: usize = 16 << 10;

struct Options {
    seconds: f64,
    seed: u64,
    timeout: Duration,
    targets: Vec<String>,
}

fn options() -> Options {
    let env = |name: &str| std::env::var(name).ok();
    let mut options = Options {
        seconds: env("CACHEBUST_FUZZ_SECONDS")
            .and_then(|s| s.parse().ok())
            .unwrap_or(60.0),
        seed: env("CACHEBUST_FUZZ_SEED")
            .and_then(|s| s.parse().ok())
            .unwrap_or(1),
        // Generous for the unoptimised build CI runs (the slowest seen is ~0.5 s); a hang never ends.
        timeout: Duration::from_millis(5000),
        targets: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--seconds" => {
                options.seconds = value().parse().unwrap_or_else(|_| usage("--seconds N"))
            }
            "--seed" => options.seed = value().parse().unwrap_or_else(|_| usage("--seed N")),
            "--timeout-ms" => {
                let ms = value().parse().unwrap_or_else(|_| usage("--timeout-ms N"));
                options.timeout = Duration::from_millis(ms);
            }
            "--target" => options.targets.push(value()),
            _ => usage(&format!("unknown argument `{arg}`")),
        }
    }
    for name in &options.targets {
        if !TARGETS.iter().any(|(n, _)| n == name) {
            usage(&format!("unknown target `{name}`"));
        }
    }
    options
}

fn usage(why: &str) -> ! {
    eprintln!(
        "error: {why}\nusage: stable [--seconds N] [--seed N] [--timeout-ms N] [--target NAME]...\n\
         targets: {}",
        TARGETS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
    );
    std::process::exit(2)
}

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, recursively, sorted by path.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() => {
                    if let Ok(bytes) = std::fs::read(&path) {
                        out.push((path, bytes));
                    }
                }
                _ => {}
            }
        }
    }
    out.sort();
    out
}

/// The seeds for a target: the fixtures of its kind (every fixture file is a splice donor), the
/// RUN instructions on their own for the tokenizer, and the target's `cargo fuzz` corpus if any.
fn seeds(target: &str, testdata: &[(PathBuf, Vec<u8>)]) -> Vec<Vec<u8>> {
    let name = |p: &Path| {
        p.file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_lowercase()
    };
    let is_compose = |p: &Path| name(p).ends_with(".yaml") || name(p).ends_with(".yml");
    let is_dockerfile = |p: &Path| name(p).contains("dockerfile");
    let mut seeds: Vec<Vec<u8>> = testdata
        .iter()
        .filter(|(p, _)| match target {
            "compose" => is_compose(p),
            _ => is_dockerfile(p),
        })
        .map(|(_, b)| b.clone())
        .collect();
    if target == "shell" {
        let runs: Vec<Vec<u8>> = seeds
            .iter()
            .flat_map(|s| {
                String::from_utf8_lossy(s)
                    .split("\nRUN ")
                    .skip(1)
                    .map(|r| r.as_bytes().to_vec())
                    .collect::<Vec<_>>()
            })
            .collect();
        seeds.extend(runs);
    }
    seeds.extend(
        files(&fuzz_dir().join("corpus").join(target))
            .into_iter()
            .map(|(_, b)| b),
    );
    seeds
}

/// What the panic hook saw last: message and location.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

enum Outcome {
    Passed,
    Panicked(String),
}

/// The worker: runs each input it is sent and answers with the outcome.
fn worker() -> (mpsc::Sender<Job>, mpsc::Receiver<Outcome>) {
    let (jobs, inbox) = mpsc::channel::<Job>();
    let (outbox, results) = mpsc::channel();
    std::thread::Builder::new()
        .name("fuzz-worker".into())
        // Deep but bounded recursion (YAML depth, nested substitutions) must fit the default main
        // thread's stack, which is what cachebust runs on.
        .stack_size(8 << 20)
        .spawn(move || {
            for (target, data) in inbox {
                let outcome = match std::panic::catch_unwind(|| target(&data)) {
                    Ok(()) => Outcome::Passed,
                    Err(_) => Outcome::Panicked(
                        PANIC
                            .lock()
                            .unwrap()
                            .take()
                            .unwrap_or_else(|| "a panic".into()),
                    ),
                };
                if outbox.send(outcome).is_err() {
                    break;
                }
            }
        })
        .expect("the worker thread starts");
    (jobs, results)
}

fn save(target: &str, kind: &str, data: &[u8]) -> PathBuf {
    let hash = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    let dir = fuzz_dir().join("artifacts").join("stable").join(target);
    let path = dir.join(format!("{kind}-{hash:016x}"));
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(&path, data);
    path
}

fn shown(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(&data[..data.len().min(600)]);
    format!("{text:?}{}", if data.len() > 600 { " …" } else { "" })
}

fn main() {
    let options = options();
    std::panic::set_hook(Box::new(|info| {
        let message = match info.payload().downcast_ref::<&str>() {
            Some(s) => s.to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default(),
        };
        let at = info.location().map(|l| l.to_string()).unwrap_or_default();
        *PANIC.lock().unwrap() = Some(format!("{at}: {message}"));
    }));
    let testdata = files(&fuzz_dir().join("../testdata"));
    let targets: Vec<(&str, Target)> = TARGETS
        .iter()
        .copied()
        .filter(|(n, _)| options.targets.is_empty() || options.targets.iter().any(|t| t == n))
        .collect();
    let donors: Vec<&[u8]> = testdata.iter().map(|(_, b)| b.as_slice()).collect();
    let (jobs, results) = worker();
    let started = Instant::now();
    let share = Duration::from_secs_f64(options.seconds / targets.len() as f64);
    let mut failures: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut total = 0u64;
    eprintln!(
        "fuzz: {} target(s), {:.0} s, seed {}, {} ms per input at most",
        targets.len(),
        options.seconds,
        options.seed,
        options.timeout.as_millis()
    );
    for (i, (name, target)) in targets.iter().enumerate() {
        let mut rng = Rng::new(options.seed ^ ((i as u64 + 1) << 32));
        let seeds = seeds(name, &testdata);
        let regressions = files(&fuzz_dir().join("regressions").join(name));
        let fixed: Vec<Vec<u8>> = regressions.into_iter().map(|(_, b)| b).collect();
        let until = Instant::now() + share;
        let (mut runs, mut slowest) = (0u64, Duration::ZERO);
        // The regressions always run; the seeds (a big libFuzzer corpus among them) only while time lasts.
        let mut queue = fixed.iter().chain(&seeds).cloned();
        let mut left = fixed.len();
        loop {
            let due = left > 0 || Instant::now() < until;
            left = left.saturating_sub(1);
            let data = match queue.next() {
                _ if !due => break,
                Some(d) => d,
                None => {
                    let seed = &seeds[rng.below(seeds.len())];
                    let other = donors[rng.below(donors.len())];
                    mutate(&mut rng, seed, other, MAX_LEN)
                }
            };
            let data = Arc::new(data);
            let began = Instant::now();
            jobs.send((*target, data.clone()))
                .expect("the worker is alive");
            runs += 1;
            match results.recv_timeout(options.timeout) {
                Ok(Outcome::Passed) => {}
                Ok(Outcome::Panicked(why)) => {
                    let key = format!("{name}: {}", why.lines().next().unwrap_or_default());
                    if let std::collections::btree_map::Entry::Vacant(entry) = failures.entry(key) {
                        let path = save(name, "crash", &data);
                        eprintln!(
                            "\nFAILED {name}: {why}\n  input ({} bytes, saved to {}): {}",
                            data.len(),
                            path.display(),
                            shown(&data)
                        );
                        entry.insert(path);
                    }
                }
                Err(_) => {
                    let path = save(name, "timeout", &data);
                    eprintln!(
                        "\nFAILED {name}: an input took longer than {} ms (saved to {}): {}",
                        options.timeout.as_millis(),
                        path.display(),
                        shown(&data)
                    );
                    // The worker is stuck on it; nothing else can run.
                    println!("fuzz: {} passed, 1 failed", total + runs - 1);
                    std::process::exit(1);
                }
            }
            let took = began.elapsed();
            if took > slowest {
                slowest = took;
                if std::env::var_os("CACHEBUST_FUZZ_KEEP_SLOWEST").is_some() {
                    save(name, "slowest", &data);
                }
            }
        }
        total += runs;
        eprintln!(
            "fuzz: {name}: {runs} inputs ({} seeds, {} regressions), slowest {} ms",
            seeds.len(),
            fixed.len(),
            slowest.as_millis()
        );
    }
    eprintln!(
        "fuzz: {total} inputs in {:.1} s, {} distinct failure(s)",
        started.elapsed().as_secs_f64(),
        failures.len()
    );
    println!(
        "fuzz: {} passed, {} failed",
        total - failures.len() as u64,
        failures.len()
    );
    if !failures.is_empty() {
        std::process::exit(1);
    }
}
