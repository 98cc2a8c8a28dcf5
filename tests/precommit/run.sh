#!/usr/bin/env bash
# Proves .pre-commit-hooks.yaml with the real pre-commit: in a temporary directory, install pre-commit
# into a fresh virtualenv, make a fixture git repository whose Dockerfile clones a branch and whose
# compose.yaml builds it, and run the hooks from this repository at a commit:
#   `cachebust` fails with CB001, `cachebust-fix` changes the files, `cachebust` then passes.
#
# pre-commit clones the hook repository at a commit, so uncommitted changes are not seen. By default the
# hooks come from the repository this script is in, at its HEAD; CACHEBUST_HOOK_REPO (a path or URL)
# and CACHEBUST_HOOK_REV override that (e.g. a throwaway clone with a work-in-progress commit).
# The first run builds cachebust in release mode (`cargo install --path .`): minutes, not seconds.
# KEEP_TMP=1 keeps the temporary directory. Needs python3, git, cargo (else pre-commit installs rustup)
# and network access to PyPI and crates.io.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
hook_repo=${CACHEBUST_HOOK_REPO:-$root}
hook_rev=${CACHEBUST_HOOK_REV:-$(git -C "$hook_repo" rev-parse HEAD)}

# A run from inside a git hook must not touch that repository.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
# `cargo install` would build in a shared target directory instead of the hook's clone.
unset CARGO_TARGET_DIR

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
finish() {
    echo "precommit: $passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
    exit $?
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cachebust-precommit.XXXXXX")
if [ "${KEEP_TMP:-}" = 1 ]; then
    echo "keeping $tmp"
else
    trap 'rm -rf "$tmp"' EXIT
fi
export PRE_COMMIT_HOME="$tmp/pre-commit-home"
started=$(date +%s)

if ! git -C "$hook_repo" cat-file -e "$hook_rev:.pre-commit-hooks.yaml" 2>/dev/null; then
    fail "$hook_repo at $hook_rev has no committed .pre-commit-hooks.yaml (commit it, or set CACHEBUST_HOOK_REPO and CACHEBUST_HOOK_REV)"
    finish
fi

# pre-commit in a virtualenv; where `venv` has no ensurepip, a plain `pip install --target`.
if python3 -m venv "$tmp/venv" >"$tmp/venv.log" 2>&1 && [ -x "$tmp/venv/bin/pip" ]; then
    "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit || {
        fail "pip install pre-commit"
        finish
    }
    py=("$tmp/venv/bin/python")
else
    python3 -m pip install --quiet --disable-pip-version-check --target "$tmp/pylib" pre-commit || {
        fail "pip install --target pre-commit (python3 -m venv failed: $(tail -1 "$tmp/venv.log"))"
        finish
    }
    export PYTHONPATH="$tmp/pylib${PYTHONPATH:+:$PYTHONPATH}"
    py=(python3)
fi
pre_commit=("${py[@]}" -m pre_commit)
echo "pre-commit $("${pre_commit[@]}" --version | awk '{print $2}'), hooks from $hook_repo at $hook_rev"

# The `files` pattern picks the names cachebust looks for, and not the files that only look like them.
if git -C "$hook_repo" show "$hook_rev:.pre-commit-hooks.yaml" | "${py[@]}" -c '
import re, sys, yaml
hooks = {h["id"]: h for h in yaml.safe_load(sys.stdin)}
assert set(hooks) == {"cachebust", "cachebust-fix", "cachebust-python", "cachebust-fix-python"}, sorted(hooks)
for py in ("", "-python"):
    assert hooks["cachebust" + py]["entry"] == "cachebust check"
    assert hooks["cachebust-fix" + py]["entry"] == "cachebust check --fix"
    assert hooks["cachebust" + py]["language"] == ("python" if py else "rust")
    assert hooks["cachebust-fix" + py]["language"] == ("python" if py else "rust")
files = re.compile(hooks["cachebust"]["files"])
assert all(h["files"] == hooks["cachebust"]["files"] for h in hooks.values())
picked = """Dockerfile Dockerfile.dev Dockerfile-dev Dockerfile_dev api.Dockerfile api.dockerfile
    Containerfile Containerfile.ci dockerfile svc/api/Dockerfile compose.yaml compose.yml
    docker-compose.yaml docker-compose.yml compose.override.yaml docker-compose.override.yml
    compose.prod.yaml docker-compose.ci.yml deploy/compose.yaml""".split()
skipped = """Dockerfile.dockerignore Dockerfile.template Dockerfile.j2 Dockerfile.md Dockerfile.yaml
    Dockerfile. Makefile README.md compose.json composer.json mycompose.yaml Dockerfiles/build.sh
    docker-compose.yml.orig""".split()
wrong = [n for n in picked if not files.search(n)] + [n for n in skipped if files.search(n)]
assert not wrong, wrong
'; then
    pass "the hooks' files pattern picks Dockerfiles and compose files, and nothing else"
else
    fail "the hooks' files pattern"
fi

# The fixture repository.
repo="$tmp/repo"
mkdir -p "$repo/api"
cat >"$repo/api/Dockerfile" <<'EOF'
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y git
RUN git clone -b main https://github.com/acme/x.git /x
EOF
cat >"$repo/compose.yaml" <<'EOF'
services:
  api:
    build: ./api
EOF
# Named like a Dockerfile, but not one: linted as a Dockerfile it would be a CB000.
printf '.git\nnode_modules\n' >"$repo/api/Dockerfile.dockerignore"
cat >"$repo/.pre-commit-config.yaml" <<EOF
repos:
  - repo: $hook_repo
    rev: $hook_rev
    hooks:
      - id: cachebust
      - id: cachebust-fix
EOF
git_() { git -C "$repo" -c user.email=test@example.com -c user.name=test -c commit.gpgsign=false "$@"; }
if ! { git_ init --quiet && git_ add -A && git_ commit --quiet -m fixture; }; then
    fail "fixture repository"
    finish
fi

# Runs one hook on every file of the fixture; its output goes to $tmp/out and is echoed.
run_hook() {
    (cd "$repo" && "${pre_commit[@]}" run "$@" --all-files --color never) >"$tmp/out" 2>&1
    local status=$?
    sed 's/^/    /' "$tmp/out"
    return $status
}

echo "--- cachebust (the first run builds the hook: cargo install --path .)"
run_hook cachebust
status=$?
if [ "$status" -ne 0 ] && grep -q 'CB001' "$tmp/out"; then
    pass "cachebust fails on the unbusted clone and names CB001 (exit $status)"
else
    fail "cachebust should fail with CB001 (exit $status)"
fi
if grep -q 'CB001' "$tmp/out" && ! grep -q 'CB000' "$tmp/out"; then
    pass "Dockerfile.dockerignore is not passed to the hook"
else
    fail "the hook should run, and not on Dockerfile.dockerignore (a CB000)"
fi

echo "--- cachebust-fix"
run_hook cachebust-fix
status=$?
if [ "$status" -eq 1 ] && grep -q 'files were modified by this hook' "$tmp/out"; then
    pass "cachebust-fix modifies the files (exit 1)"
else
    fail "cachebust-fix should modify the files and exit 1 (exit $status)"
fi
if grep -q '^ARG CACHE_BUST' "$repo/api/Dockerfile" && grep -q 'CACHE_BUST' "$repo/compose.yaml"; then
    pass "the Dockerfile declares the cache-bust arg and compose.yaml passes it"
else
    fail "the fix should add ARG CACHE_BUST to the Dockerfile and pass it in compose.yaml"
fi
sed 's/^/    | /' "$repo/api/Dockerfile" "$repo/compose.yaml"

echo "--- cachebust, after the fix"
run_hook cachebust
status=$?
if [ "$status" -eq 0 ]; then
    pass "cachebust passes after the fix"
else
    fail "cachebust should pass after the fix (exit $status)"
fi

echo "--- cachebust-fix, again"
run_hook cachebust-fix
status=$?
if [ "$status" -eq 0 ]; then
    pass "cachebust-fix changes nothing the second time"
else
    fail "cachebust-fix should change nothing the second time (exit $status)"
fi

echo "took $(($(date +%s) - started))s"
finish
