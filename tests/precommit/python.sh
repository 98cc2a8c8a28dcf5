#!/usr/bin/env bash
# Proves the `language: python` hooks need no Rust: with the wheel in a local find-links directory, no
# index (PIP_NO_INDEX) and no cargo on PATH, the real pre-commit installs `cachebust-python` from this
# repository at HEAD (its `pip install .` gets the prebuilt wheel from python/build/cachebust_backend.py)
# and runs it on a fixture repository; `cachebust-fix-python` then fixes it. Prints the first run's time.
#
# Needs the wheel in target/wheels (bash tests/dist/wheel.sh builds it; WHEEL_DIR=DIR for another),
# python3, git, and PyPI for pre-commit itself, maturin and pip (the build backend's requirements, put in
# the find-links directory beside the wheel). CACHEBUST_HOOK_REPO/CACHEBUST_HOOK_REV as in run.sh.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
hook_repo=${CACHEBUST_HOOK_REPO:-$root}
hook_rev=${CACHEBUST_HOOK_REV:-$(git -C "$hook_repo" rev-parse HEAD)}
wheel_dir=${WHEEL_DIR:-$root/target/wheels}
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
finish() {
    echo "precommit (python): $passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
    exit $?
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cachebust-precommit-py.XXXXXX")
if [ "${KEEP_TMP:-}" = 1 ]; then echo "keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
export PRE_COMMIT_HOME="$tmp/pre-commit-home"

version=$(git -C "$hook_repo" show "$hook_rev:Cargo.toml" | sed -n 's/^version = "\(.*\)"/\1/p' | head -1)
wheel=$(ls "$wheel_dir"/cachebust-"$version"-*.whl 2>/dev/null | head -1)
[ -n "$wheel" ] || { fail "no cachebust-$version wheel in $wheel_dir (run tests/dist/wheel.sh)"; finish; }

python=$(python3 -c 'import sys; print(sys.executable)')
"$python" -m venv "$tmp/venv" && "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit ||
    { fail "pip install pre-commit"; finish; }
# The find-links directory: the wheel, and from PyPI maturin and pip (the build backend's requirements).
mkdir -p "$tmp/links"
cp "$wheel" "$tmp/links/"
"$tmp/venv/bin/pip" download --quiet --disable-pip-version-check --only-binary=:all: --dest "$tmp/links" \
    'maturin>=1,<2' pip || { fail "pip download maturin pip"; finish; }

repo="$tmp/repo"
mkdir -p "$repo/api"
printf 'FROM debian:bookworm-slim\nRUN git clone -b main https://github.com/acme/x.git /x\n' >"$repo/api/Dockerfile"
printf 'services:\n  api:\n    build: ./api\n' >"$repo/compose.yaml"
cat >"$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $hook_repo
    rev: $hook_rev
    hooks:
      - id: cachebust-python
      - id: cachebust-fix-python
YAML
git_() { git -C "$repo" -c user.email=test@example.com -c user.name=test -c commit.gpgsign=false "$@"; }
{ git_ init --quiet && git_ add -A && git_ commit --quiet -m fixture; } || { fail "fixture repository"; finish; }

# No cargo (rustup's live in ~/.cargo/bin, not here), no index: only the find-links directory.
nocargo="$tmp/venv/bin:/usr/bin:/bin"
if env PATH="$nocargo" sh -c 'command -v cargo' >/dev/null; then
    fail "cargo is on $nocargo: this test cannot show the no-toolchain path"
    finish
fi
run_hook() {
    (cd "$repo" && env PATH="$nocargo" PIP_NO_INDEX=1 PIP_FIND_LINKS="$tmp/links" \
        "$tmp/venv/bin/pre-commit" run "$@" --all-files --color never) >"$tmp/out" 2>&1
    local status=$?
    sed 's/^/    /' "$tmp/out"
    return $status
}

echo "--- cachebust-python (the first run installs the hook)"
started=$(date +%s)
run_hook cachebust-python
status=$?
echo "first run (hook install and lint): $(($(date +%s) - started)) s"
if [ "$status" -eq 1 ] && grep -q 'CB001' "$tmp/out"; then
    pass "cachebust-python installs without cargo or an index and fails on the unbusted clone (CB001)"
else
    fail "cachebust-python should install and fail with CB001 (exit $status)"
    grep -rh "cachebust: no cargo" "$PRE_COMMIT_HOME" 2>/dev/null | head -3
fi
# The hook's environment holds the wheel's files (its man page), not a source build.
if ls "$PRE_COMMIT_HOME"/repo*/py_env-*/share/man/man1/cachebust.1 >/dev/null 2>&1; then
    pass "the hook's environment has the wheel's man page: the prebuilt wheel was installed"
else
    fail "no share/man/man1/cachebust.1 in the hook's environment"
fi

echo "--- cachebust-fix-python, then cachebust-python"
run_hook cachebust-fix-python
status=$?
if [ "$status" -eq 1 ] && grep -q '^ARG CACHE_BUST' "$repo/api/Dockerfile" && grep -q 'CACHE_BUST' "$repo/compose.yaml"; then
    pass "cachebust-fix-python fixes the Dockerfile and compose.yaml (exit 1: files modified)"
else
    fail "cachebust-fix-python should fix both files (exit $status)"
fi
run_hook cachebust-python
status=$?
[ "$status" -eq 0 ] && pass "cachebust-python passes after the fix" || fail "cachebust-python after the fix (exit $status)"
finish
