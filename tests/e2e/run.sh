#!/usr/bin/env bash
# End-to-end suite against a real Docker engine (issue 8).
#
# Shows on a real BuildKit build that a layer fetching a moved remote is served stale from the cache,
# that `cachebust check` finds it (CB001, CB002), and that the fixed Dockerfile (or compose project),
# built with a cache-bust value that follows the remote, rebuilds exactly when the remote moves.
# Also re-measures docs/cache-facts.md fact 2 (an ARG value busts every later RUN of its stage).
#
#   bash tests/e2e/run.sh
#
# Environment:
#   CACHEBUST       the binary to test; when unset, `cargo build --release` builds target/release/cachebust
#   E2E_KEEP_TMP    set to keep the temp dir (logs of every build) after the run
#   XDG_CACHE_HOME  the debootstrapped base rootfs is cached in ${XDG_CACHE_HOME:-~/.cache}/cachebust-e2e
#
# Needs root (it installs Debian's docker.io, containerd, runc, debootstrap and docker-compose when they
# are missing, and runs its own dockerd under a temp dir). All git traffic goes to a git daemon on
# 127.0.0.1. If dockerd cannot start on the machine, it prints `E2E SKIPPED: …` and exits 0, except under
# CI (CI=true), where a skip is a failure (exit 1): a green CI run has always run the engine.
set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$E2E_DIR/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
source "$E2E_DIR/lib.sh"
# shellcheck source-path=SCRIPTDIR
source "$E2E_DIR/image.sh"

# --- the tool under test ------------------------------------------------------------------------------

ensure_cachebust() {
    if [[ -n ${CACHEBUST:-} ]]; then
        [[ $CACHEBUST == /* ]] || CACHEBUST="$PWD/$CACHEBUST"
    else
        say "building cachebust: cargo build --release --locked (in $REPO_ROOT)"
        (cd "$REPO_ROOT" && cargo build --release --locked) >"$E2E_TMP/logs/cargo.log" 2>&1 ||
            die "cargo build --release failed: $(tail -n 30 "$E2E_TMP/logs/cargo.log")"
        CACHEBUST="$REPO_ROOT/target/release/cachebust"
    fi
    [[ -x $CACHEBUST ]] || die "no cachebust binary at $CACHEBUST"
    say "cachebust: $CACHEBUST ($("$CACHEBUST" --version 2>&1 || echo '?'))"
}

CHECK_RC=0
CHECK_OUT=""

# run_cachebust DIR ARGS…: `cachebust ARGS…` run in DIR; sets CHECK_RC and CHECK_OUT (stdout and stderr).
run_cachebust() {
    local dir=$1
    shift
    CHECK_RC=0
    CHECK_OUT=$(cd "$dir" && NO_COLOR=1 COLUMNS=120 "$CACHEBUST" "$@" 2>&1) || CHECK_RC=$?
}

# run_check DIR ARGS…: `cachebust check ARGS…` run in DIR; sets CHECK_RC and CHECK_OUT.
run_check() {
    local dir=$1
    shift
    run_cachebust "$dir" check "$@"
}

# expect_findings DIR CODE ARGS…: check exits 1 and names CODE.
expect_findings() {
    local dir=$1 code=$2
    shift 2
    run_check "$dir" "$@"
    local shown="cachebust check${*:+ $*}"
    note "$shown: exit $CHECK_RC"
    indent <<<"$CHECK_OUT"
    assert_eq "$CHECK_RC" 1 "$shown exit code" "$CHECK_OUT"
    assert_contains "$CHECK_OUT" "$code" "$shown reports $code"
}

# expect_clean DIR ARGS…: check exits 0 on the fixed files.
expect_clean() {
    local dir=$1
    shift
    run_check "$dir" "$@"
    assert_eq "$CHECK_RC" 0 "cachebust check${*:+ $*} exit code after the fix" "$CHECK_OUT"
}

# fix_dockerfile DIR DOCKERFILE: `cachebust check --fix DOCKERFILE` must rewrite it; show the diff.
fix_dockerfile() {
    local dir=$1 dockerfile=$2
    cp "$dir/$dockerfile" "$E2E_TMP/before-fix"
    run_check "$dir" --fix "$dockerfile"
    note "cachebust check --fix $dockerfile: exit $CHECK_RC"
    if cmp -s "$E2E_TMP/before-fix" "$dir/$dockerfile"; then
        fail "cachebust check --fix left $dockerfile unchanged" "$CHECK_OUT"
    fi
    pass "cachebust check --fix rewrote $dockerfile"
    diff -u --label "$dockerfile (before)" --label "$dockerfile (fixed)" \
        "$E2E_TMP/before-fix" "$dir/$dockerfile" | indent || true
}

# assert_in_order WHAT FILE NEEDLE…: each NEEDLE is on a line after the previous one's.
assert_in_order() {
    local what=$1 file=$2
    shift 2
    if NEEDLES=$(printf '%s\n' "$@") awk '
        BEGIN { n = split(ENVIRON["NEEDLES"], want, "\n"); i = 1 }
        i <= n && index($0, want[i]) { i++ }
        END { exit (i > n) ? 0 : 1 }
    ' "$file"; then
        pass "$what"
    else
        fail "$what: lines not in the order: $*" "$(cat "$file")"
    fi
}

# --- remotes: bare repos behind the git daemon, with numbered revisions ----------------------------------

declare -A REV=()

# A plain repo: a VERSION file. A python repo: a setuptools package `cbpkg` whose MARK names the revision.
push_revision() {
    local name=$1 kind=$2 work
    REV[$name]=$((${REV[$name]:-0} + 1))
    work="$GIT_WORK/$name"
    case $kind in
    plain)
        printf '%s rev %s\n' "$name" "${REV[$name]}" >"$work/VERSION"
        ;;
    python)
        mkdir -p "$work/cbpkg"
        cat >"$work/pyproject.toml" <<EOF
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "cbpkg"
version = "0.0.${REV[$name]}"
EOF
        printf 'MARK = "%s rev %s"\n' "$name" "${REV[$name]}" >"$work/cbpkg/__init__.py"
        ;;
    esac
    commit_and_push "$name" "$name rev ${REV[$name]}"
    note "pushed $name rev ${REV[$name]}: remote HEAD is now $(short "$(remote_head "$name")")"
}

# --- a scenario: one remote layer, its image, and how to build it ------------------------------------------
# SC_KIND docker|compose, SC_DIR (what is linted), SC_DOCKERFILE (relative to SC_DIR), SC_IMAGE,
# SC_REMOTE, SC_REMOTE_KIND plain|python, SC_NEEDLE (text of the remote step), SC_BASE_NEEDLE (a RUN
# before it).

# sc_content: what the remote put into the image.
sc_content() {
    local out
    case $SC_REMOTE_KIND in
    plain) out=$(docker run --rm --network=none "$SC_IMAGE" cat /commit 2>&1) ;;
    python) out=$(docker run --rm --network=none "$SC_IMAGE" python3 -c 'import cbpkg; print(cbpkg.MARK)' 2>&1) ;;
    esac || { printf 'ERROR: %s' "$out"; return 0; }
    printf '%s' "$out"
}

# sc_expected REV: what the image should hold when it was built from revision REV of the remote.
declare -A COMMIT_OF_REV=()
sc_remember_rev() { COMMIT_OF_REV[$SC_REMOTE/${REV[$SC_REMOTE]}]=$(remote_head "$SC_REMOTE"); }
sc_expected() {
    case $SC_REMOTE_KIND in
    plain) printf '%s' "${COMMIT_OF_REV[$SC_REMOTE/$1]}" ;;
    python) printf '%s rev %s' "$SC_REMOTE" "$1" ;;
    esac
}

sc_push() {
    push_revision "$SC_REMOTE" "$SC_REMOTE_KIND"
    sc_remember_rev
}

compose() { (cd "$SC_DIR" && docker-compose -p cbe2e "$@"); }

# sc_build NAME plain|busted: build the image. `busted` runs the build under `cachebust exec`, which sets
# CACHE_BUST to a digest of the remotes' current commits.
sc_build() {
    local name=$1 mode=$2
    new_log "$name"
    local -a cmd
    case $SC_KIND in
    docker)
        cmd=(docker build --progress=plain --network=host -f "$SC_DOCKERFILE" -t "$SC_IMAGE")
        # `docker build` reads a build arg from the environment only when named without a value.
        [[ $mode == busted ]] && cmd+=(--build-arg CACHE_BUST)
        cmd+=(.)
        ;;
    compose)
        cmd=(docker-compose -p cbe2e build --progress plain)
        ;;
    esac
    local rc=0
    (
        cd "$SC_DIR"
        unset CACHE_BUST
        if [[ $mode == busted ]]; then
            "$CACHEBUST" exec -- "${cmd[@]}"
        else
            "${cmd[@]}"
        fi
    ) >"$LAST_LOG" 2>&1 || rc=$?
    if [[ $mode == busted ]]; then
        note "build ($name): cachebust exec -- ${cmd[*]}"
    else
        note "build ($name): ${cmd[*]} (no cache-bust value)"
    fi
    [[ $rc -eq 0 ]] || fail "build $name failed (exit $rc)" "$(tail -n 40 "$LAST_LOG")"
}

# sc_expect STATE REV [BASE_STATE]: the remote step's cache state, the image's content, and optionally
# the state of the RUN before the cache-bust arg.
sc_expect() {
    local state=$1 rev=$2 base_state=${3:-}
    local what got want
    what="${SC_LABEL}: $(basename "$LAST_LOG" .log)"
    got=$(sc_content)
    note "observed: remote step $(step_state "$LAST_LOG" "$SC_NEEDLE"), layer before it" \
        "$(step_state "$LAST_LOG" "$SC_BASE_NEEDLE"), image holds '$got'"
    expect_step "$what: remote step" "$SC_NEEDLE" "$state"
    if [[ -n $base_state ]]; then
        expect_step "$what: layer before the cache-bust arg" "$SC_BASE_NEEDLE" "$base_state"
    fi
    want=$(sc_expected "$rev")
    if [[ $got == "$want" ]]; then
        pass "$what: image holds rev $rev ($(short "$got"))"
    else
        local newest=${REV[$SC_REMOTE]}
        fail "$what: image should hold rev $rev ('$want'), holds '$got' (remote is at rev $newest)" \
            "$(tail -n 40 "$LAST_LOG")"
    fi
}

# Phase A, the problem: build, move the remote, build again: the step is CACHED, the image is stale.
sc_show_stale() {
    sc_push
    sc_build build1 plain
    sc_expect rebuilt 1
    sc_push
    sc_build build2-remote-moved plain
    sc_expect CACHED 1
    note "=> stale: the remote is at rev 2, the image ships rev 1"
}

# Phase C, the cure: with a cache-bust value that follows the remote, the step rebuilds when (and only
# when) the remote moves, and the layer before the arg stays cached.
sc_show_busted() {
    local rev=${REV[$SC_REMOTE]}
    sc_build busted1 busted
    sc_expect rebuilt "$rev" CACHED
    sc_build busted2-remote-unchanged busted
    sc_expect CACHED "$rev" CACHED
    sc_push
    sc_build busted3-remote-moved busted
    sc_expect rebuilt "$((rev + 1))" CACHED
}

# --- the steps -----------------------------------------------------------------------------------------

step1_stale_clone() {
    section "STEP 1: git clone of a moved remote is served from the cache"
    SC_KIND=docker SC_LABEL="clone" SC_DIR="$E2E_TMP/clone" SC_DOCKERFILE=Dockerfile
    SC_IMAGE=e2e/clone SC_REMOTE=toolkit SC_REMOTE_KIND=plain
    SC_NEEDLE="git clone" SC_BASE_NEEDLE="echo base-layer"
    new_remote toolkit
    mkdir -p "$SC_DIR"
    cat >"$SC_DIR/Dockerfile" <<EOF
FROM local/base
RUN echo base-layer > /base
RUN git clone $(git_url toolkit) /src && git -C /src rev-parse HEAD > /commit
EOF
    sc_show_stale
}

step2_fix_clone() {
    section "STEP 2: cachebust finds it (CB001), fixes it, and the fixed file rebuilds when the remote moves"
    expect_findings "$SC_DIR" CB001 Dockerfile
    fix_dockerfile "$SC_DIR" Dockerfile
    assert_in_order "the cache-bust arg sits between the base layer and the clone" "$SC_DIR/Dockerfile" \
        "base-layer" "ARG CACHE_BUST" "git clone"
    expect_clean "$SC_DIR" Dockerfile
    sc_show_busted
}

step3_pip() {
    section "STEP 3a: pip install git+…@main"
    SC_KIND=docker SC_LABEL="pip" SC_DIR="$E2E_TMP/pip" SC_DOCKERFILE=Dockerfile
    SC_IMAGE=e2e/pip SC_REMOTE=pkg SC_REMOTE_KIND=python
    SC_NEEDLE="pip install" SC_BASE_NEEDLE="echo pip-base-layer"
    new_remote pkg
    mkdir -p "$SC_DIR"
    # Offline: no index, and setuptools/wheel from the image (Debian's python3-pip depends on them).
    cat >"$SC_DIR/Dockerfile" <<EOF
FROM local/base
RUN echo pip-base-layer > /base
RUN pip install --no-index --no-build-isolation --break-system-packages --disable-pip-version-check git+$(git_url pkg)@main
EOF
    sc_show_stale
    expect_findings "$SC_DIR" CB001 Dockerfile
    fix_dockerfile "$SC_DIR" Dockerfile
    assert_in_order "the cache-bust arg sits between the base layer and pip install" "$SC_DIR/Dockerfile" \
        "pip-base-layer" "ARG CACHE_BUST" "pip install"
    expect_clean "$SC_DIR" Dockerfile
    sc_show_busted
}

step3_compose() {
    section "STEP 3b: a compose project (docker-compose $(docker-compose version --short 2>/dev/null))"
    SC_KIND=compose SC_LABEL="compose" SC_DIR="$E2E_TMP/compose" SC_DOCKERFILE=app/Dockerfile
    SC_IMAGE=e2e/compose-app SC_REMOTE=svc SC_REMOTE_KIND=plain
    SC_NEEDLE="git clone" SC_BASE_NEEDLE="echo compose-base-layer"
    new_remote svc
    mkdir -p "$SC_DIR/app"
    cat >"$SC_DIR/docker-compose.yml" <<EOF
services:
  app:
    image: $SC_IMAGE
    build:
      context: app
      network: host
EOF
    cat >"$SC_DIR/app/Dockerfile" <<EOF
FROM local/base
RUN echo compose-base-layer > /base
RUN git clone $(git_url svc) /src && git -C /src rev-parse HEAD > /commit
EOF
    sc_show_stale

    expect_findings "$SC_DIR" CB001
    fix_dockerfile "$SC_DIR" app/Dockerfile
    # Now the Dockerfile declares CACHE_BUST and the compose file never passes it: CB004.
    expect_findings "$SC_DIR" CB004
    cp "$SC_DIR/docker-compose.yml" "$E2E_TMP/compose-before-fix"
    run_check "$SC_DIR" --fix
    note "cachebust check --fix: exit $CHECK_RC"
    diff -u --label "docker-compose.yml (before)" --label "docker-compose.yml (fixed)" \
        "$E2E_TMP/compose-before-fix" "$SC_DIR/docker-compose.yml" | indent || true
    assert_contains "$(cat "$SC_DIR/docker-compose.yml")" 'CACHE_BUST: ${CACHE_BUST_APP:-unknown}' \
        "cachebust check --fix passes CACHE_BUST as the service's own CACHE_BUST_APP in docker-compose.yml"
    expect_clean "$SC_DIR"
    sc_show_busted
}

# services_build NAME: `cachebust exec -- docker-compose build` of both services into LAST_LOG, then the
# log cut into LAST_LOG.api and LAST_LOG.worker at compose's `Building <service>` lines (BuildKit numbers
# the steps of each service's build from #1 again).
services_build() {
    new_log "$1"
    local rc=0
    (cd "$E2E_TMP/services" && unset CACHE_BUST CACHE_BUST_API CACHE_BUST_WORKER &&
        "$CACHEBUST" exec -- docker-compose -p cbsvc build --progress plain) >"$LAST_LOG" 2>&1 || rc=$?
    note "build ($1): cachebust exec -- docker-compose -p cbsvc build --progress plain"
    [[ $rc -eq 0 ]] || fail "build $1 failed (exit $rc)" "$(tail -n 40 "$LAST_LOG")"
    local service
    for service in api worker; do
        awk -v want="$service" '/^Building / { inside = ($2 == want); next } inside' "$LAST_LOG" >"$LAST_LOG.$service"
        [[ -s $LAST_LOG.$service ]] || fail "no 'Building $service' part in $(basename "$LAST_LOG")" "$(cat "$LAST_LOG")"
    done
    grep '^cachebust: ' "$LAST_LOG" | indent
}

# services_expect SERVICE STATE: the cache state of the service's remote step (the layer before its
# cache-bust arg always CACHED after the first build), and the commit its image holds.
services_expect() {
    local service=$1 state=$2 log=$LAST_LOG what got
    what="per-service: $(basename "$log" .log): $service"
    LAST_LOG=$log.$service
    expect_step "$what: remote step" "git clone" "$state"
    expect_step "$what: layer before the cache-bust arg" "echo $service-base-layer" CACHED
    LAST_LOG=$log
    got=$(image_file "e2e/svc-$service" /commit)
    assert_eq "$(short "$got")" "$(short "${SERVICE_COMMIT[$service]}")" \
        "$what: image holds its remote's head"
}

# Issue 17: each service gets a value of its own, computed from the remotes of the stages it builds, so
# a remote that moves rebuilds the remote layer of the service that fetches it and no other.
declare -A SERVICE_COMMIT=()
step3_per_service() {
    section "STEP 3c: one cache-bust value per compose service: a moved remote rebuilds only its service"
    local dir=$E2E_TMP/services service
    mkdir -p "$dir"
    printf 'services:\n' >"$dir/compose.yaml"
    for service in api worker; do
        new_remote "svc_$service"
        push_revision "svc_$service" plain
        SERVICE_COMMIT[$service]=$(remote_head "svc_$service")
        mkdir -p "$dir/$service"
        cat >"$dir/$service/Dockerfile" <<EOF
FROM local/base
RUN echo $service-base-layer > /base
RUN git clone $(git_url "svc_$service") /src && git -C /src rev-parse HEAD > /commit
EOF
        cat >>"$dir/compose.yaml" <<EOF
  $service:
    image: e2e/svc-$service
    build:
      context: $service
      network: host
EOF
    done
    expect_findings "$dir" CB001
    # One run fixes both Dockerfiles and, as follow-ups, makes each service pass its own variable.
    cp "$dir/compose.yaml" "$E2E_TMP/services-before-fix"
    run_check "$dir" --fix
    note "cachebust check --fix: exit $CHECK_RC"
    diff -u --label "compose.yaml (before)" --label "compose.yaml (fixed)" \
        "$E2E_TMP/services-before-fix" "$dir/compose.yaml" | indent || true
    assert_contains "$(cat "$dir/compose.yaml")" 'CACHE_BUST: ${CACHE_BUST_API:-unknown}' \
        "cachebust check --fix passes CACHE_BUST_API to the api service"
    assert_contains "$(cat "$dir/compose.yaml")" 'CACHE_BUST: ${CACHE_BUST_WORKER:-unknown}' \
        "cachebust check --fix passes CACHE_BUST_WORKER to the worker service"
    assert_contains "$(cat "$dir/api/Dockerfile")" 'ARG CACHE_BUST' "the api Dockerfile keeps ARG CACHE_BUST"
    expect_clean "$dir"

    services_build services1
    local first=$LAST_LOG
    LAST_LOG=$first.api
    expect_step "per-service: services1: api remote step" "git clone" rebuilt
    LAST_LOG=$first.worker
    expect_step "per-service: services1: worker remote step" "git clone" rebuilt
    LAST_LOG=$first

    # Only the worker's remote moves.
    push_revision svc_worker plain
    SERVICE_COMMIT[worker]=$(remote_head svc_worker)
    services_build services2-worker-moved
    services_expect api CACHED
    services_expect worker rebuilt
    note "=> the worker's remote moved: its remote layer rebuilt, the api's stayed cached"

    services_build services3-nothing-moved
    services_expect api CACHED
    services_expect worker CACHED
}

step4_global_arg() {
    section "STEP 4: CB002 is real: a global-only ARG CACHE_BUST does not bust the stage"
    SC_KIND=docker SC_LABEL="global arg" SC_DIR="$E2E_TMP/global" SC_DOCKERFILE=Dockerfile
    SC_IMAGE=e2e/global SC_REMOTE=globalarg SC_REMOTE_KIND=plain
    SC_NEEDLE="git clone" SC_BASE_NEEDLE="echo global-base-layer"
    new_remote globalarg
    mkdir -p "$SC_DIR"
    cat >"$SC_DIR/Dockerfile" <<EOF
ARG CACHE_BUST=unknown
FROM local/base
RUN echo global-base-layer > /base
RUN git clone $(git_url globalarg) /src && git -C /src rev-parse HEAD > /commit
EOF
    # Built with the value set (as `cachebust exec` or a user would), and the value changes with the
    # remote: the stage never sees it.
    sc_push
    sc_build build1 busted
    sc_expect rebuilt 1
    sc_push
    sc_build build2-remote-moved busted
    sc_expect CACHED 1
    note "=> the value changed but the stage does not re-declare the arg: stale"

    expect_findings "$SC_DIR" CB002 Dockerfile
    fix_dockerfile "$SC_DIR" Dockerfile
    assert_in_order "the stage re-declares the arg before the clone" "$SC_DIR/Dockerfile" \
        "FROM local/base" "ARG CACHE_BUST" "git clone"
    expect_clean "$SC_DIR" Dockerfile
    sc_build fixed1 busted
    sc_expect rebuilt 2
    sc_build fixed2-remote-unchanged busted
    sc_expect CACHED 2
    sc_push
    sc_build fixed3-remote-moved busted
    sc_expect rebuilt 3
}

# docs/cache-facts.md fact 2: after `ARG V`, a changed value misses the cache for every later RUN of the stage,
# even one that never mentions V; a RUN before the ARG and a COPY after it stay cached; an ARG with no
# default and no value adds nothing. Measured with BuildKit and with the classic builder.
step5_fact2() {
    local builder=$1 build_fn
    case $builder in
    buildkit) build_fn=docker_build ;;
    classic) build_fn=classic_build ;;
    esac
    section "STEP 5 ($builder): cache fact 2, an ARG value busts every later RUN of its stage"
    local dir="$E2E_TMP/fact2-$builder" tag="e2e/fact2-$builder"
    mkdir -p "$dir"
    printf 'marker\n' >"$dir/marker.txt"
    cat >"$dir/Dockerfile.noarg" <<EOF
FROM local/base
RUN echo before-arg-$builder > /before
COPY marker.txt /marker.txt
RUN echo after-arg-1 > /after1
RUN echo after-arg-2 > /after2
EOF
    cat >"$dir/Dockerfile" <<EOF
FROM local/base
RUN echo before-arg-$builder > /before
ARG V
COPY marker.txt /marker.txt
RUN echo after-arg-1 > /after1
RUN echo after-arg-2 > /after2
EOF
    fact2_states() {
        note "$1: before-arg $(step_state "$LAST_LOG" before-arg), COPY $(step_state "$LAST_LOG" 'COPY marker'), after-arg-1 $(step_state "$LAST_LOG" after-arg-1), after-arg-2 $(step_state "$LAST_LOG" after-arg-2)"
    }
    "$build_fn" "fact2-$builder-noarg" "$dir" -f "$dir/Dockerfile.noarg" -t "$tag"
    fact2_states "without the ARG line (first build)"
    "$build_fn" "fact2-$builder-unset" "$dir" -t "$tag"
    fact2_states "ARG V, no value passed"
    if [[ $builder == buildkit ]]; then
        expect_step "fact 2 ($builder): an ARG with no default and no value adds nothing: later RUN" after-arg-1 CACHED
    else
        # The classic builder commits the ARG line as a step of its own: adding it changes the layer
        # chain, so every later step rebuilds once (then stays cached while no value is passed).
        expect_step "fact 2 ($builder): adding an ARG line (no value) rebuilds later RUNs once" after-arg-1 rebuilt
        "$build_fn" "fact2-$builder-unset-again" "$dir" -t "$tag"
        fact2_states "ARG V, no value passed, again"
        expect_step "fact 2 ($builder): ARG with no value, built again: later RUN" after-arg-1 CACHED
    fi

    local v i=0 expected=(rebuilt CACHED rebuilt CACHED CACHED)
    for v in 1 1 2 2 1; do
        "$build_fn" "fact2-$builder-V$v" "$dir" --build-arg "V=$v" -t "$tag"
        fact2_states "V=$v"
        expect_step "fact 2 ($builder) V=$v (#$((i + 1))): RUN before the ARG" before-arg CACHED
        expect_step "fact 2 ($builder) V=$v (#$((i + 1))): COPY after the ARG" 'COPY marker' CACHED
        expect_step "fact 2 ($builder) V=$v (#$((i + 1))): RUN after the ARG, not using it" after-arg-1 "${expected[i]}"
        expect_step "fact 2 ($builder) V=$v (#$((i + 1))): second RUN after the ARG" after-arg-2 "${expected[i]}"
        i=$((i + 1))
    done
}

# The second cure: `cachebust pin` writes the commit into the file, so the build is reproducible (the
# layer stays CACHED when the branch moves, and holds the pinned commit), and `cachebust update` moves it.
step6_pin() {
    section "STEP 6: cachebust pin, then update: reproducible until the pin moves"
    SC_KIND=docker SC_LABEL="pin" SC_DIR="$E2E_TMP/pin" SC_DOCKERFILE=Dockerfile
    SC_IMAGE=e2e/pin SC_REMOTE=pinned SC_REMOTE_KIND=plain
    SC_NEEDLE="git clone" SC_BASE_NEEDLE="echo pin-base-layer"
    new_remote pinned
    mkdir -p "$SC_DIR"
    cat >"$SC_DIR/Dockerfile" <<EOF
FROM local/base
RUN echo pin-base-layer > /base
RUN git clone -b main $(git_url pinned) /src && git -C /src rev-parse HEAD > /commit
EOF
    sc_push
    local first
    first=$(remote_head pinned)
    run_cachebust "$SC_DIR" pin Dockerfile
    assert_eq "$CHECK_RC" 0 "cachebust pin exit code" "$CHECK_OUT"
    assert_in_order "pin writes the tracking comment and the commit" "$SC_DIR/Dockerfile" \
        "# cachebust: track main" "git -C /src checkout $first"
    expect_clean "$SC_DIR" Dockerfile
    sc_build pin1 plain
    sc_expect rebuilt 1
    sc_push
    run_cachebust "$SC_DIR" update --check Dockerfile
    assert_eq "$CHECK_RC" 1 "pin: update --check exit code when main moved" "$CHECK_OUT"
    sc_build pin2-remote-moved plain
    sc_expect CACHED 1 CACHED
    note "=> reproducible: the remote is at rev 2, the pinned image keeps rev 1 by construction"
    run_cachebust "$SC_DIR" update Dockerfile
    assert_eq "$CHECK_RC" 0 "cachebust update exit code" "$CHECK_OUT"
    sc_build pin3-updated plain
    sc_expect rebuilt 2 CACHED
}

# The third cure: `--fix-strategy add-git` turns a plain clone into `ADD URL#REF DEST`. The fix is
# checked here on the real files; building it needs a Dockerfile frontend of 1.6 or newer, which
# Docker 20.10's built-in one is not (and `# syntax=docker/dockerfile:1` needs a registry).
step7_add_git() {
    section "STEP 7: check --fix --unsafe-fixes --fix-strategy add-git"
    local dir="$E2E_TMP/add-git"
    mkdir -p "$dir"
    cat >"$dir/Dockerfile" <<EOF
FROM local/base
RUN git clone -b main $(git_url toolkit) /src
EOF
    run_check "$dir" --isolated --fix --unsafe-fixes --fix-strategy add-git Dockerfile
    assert_eq "$CHECK_RC" 0 "check --fix --fix-strategy add-git exit code" "$CHECK_OUT"
    assert_in_order "the clone became ADD <git>#main under a syntax directive" "$dir/Dockerfile" \
        "# syntax=docker/dockerfile:1" "ADD $(git_url toolkit)#main /src"
    expect_clean "$dir" Dockerfile
    local version
    version=$(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown)
    if [[ ${version%%.*} =~ ^[0-9]+$ && ${version%%.*} -lt 23 ]]; then
        note "SKIPPED step 'build ADD <git>': Docker $version's built-in Dockerfile frontend does not read" \
            "git remotes, and the frontend the syntax directive names needs a registry this machine cannot reach"
        return 0
    fi
    new_log add-git
    (cd "$dir" && docker build --progress=plain --network=host -t e2e/add-git .) >"$LAST_LOG" 2>&1 ||
        fail "building the ADD <git> fix failed" "$(tail -n 40 "$LAST_LOG")"
    pass "add-git: the fixed Dockerfile builds on Docker $version"
}

# Build drivers: a Makefile whose bust comes from `git ls-remote` rebuilds the remote layer exactly when
# the remote moved (and cachebust finds nothing to report), and a script passing a timestamp rebuilds it
# on every build (CB008 says so).
drv_build() {
    local name=$1
    shift
    new_log "$name"
    (cd "$SC_DIR" && "$@") >"$LAST_LOG" 2>&1 || fail "build $name failed: $*" "$(tail -n 40 "$LAST_LOG")"
    note "build ($name): $*"
}

step8_drivers() {
    section "STEP 8: build drivers: a Makefile's git ls-remote bust, a script's timestamp bust"
    SC_KIND=docker SC_LABEL="make" SC_DIR="$E2E_TMP/make" SC_DOCKERFILE=Dockerfile
    SC_IMAGE=e2e/make SC_REMOTE=driven SC_REMOTE_KIND=plain
    SC_NEEDLE="git clone" SC_BASE_NEEDLE="echo make-base-layer"
    new_remote driven
    mkdir -p "$SC_DIR"
    cat >"$SC_DIR/Dockerfile" <<EOF
FROM local/base
RUN echo make-base-layer > /base
ARG CACHE_BUST
RUN git clone $(git_url driven) /src && git -C /src rev-parse HEAD > /commit
EOF
    printf 'BUST := $(shell git ls-remote %s HEAD | cut -f1)\n\nbuild:\n\tdocker build --progress=plain --network=host --build-arg CACHE_BUST=$(BUST) -t %s .\n' \
        "$(git_url driven)" "$SC_IMAGE" >"$SC_DIR/Makefile"
    expect_clean "$SC_DIR" .
    sc_push
    drv_build make1 make build
    sc_expect rebuilt 1
    drv_build make2-remote-unchanged make build
    sc_expect CACHED 1 CACHED
    sc_push
    drv_build make3-remote-moved make build
    sc_expect rebuilt 2 CACHED

    SC_LABEL="timestamp" SC_DIR="$E2E_TMP/timestamp" SC_IMAGE=e2e/timestamp
    mkdir -p "$SC_DIR"
    sed "s/make-base-layer/timestamp-base-layer/" "$E2E_TMP/make/Dockerfile" >"$SC_DIR/Dockerfile"
    SC_BASE_NEEDLE="echo timestamp-base-layer"
    printf '#!/bin/sh\nexec docker build --progress=plain --network=host --build-arg CACHE_BUST="$(date +%%s%%N)" -t %s .\n' \
        "$SC_IMAGE" >"$SC_DIR/build.sh"
    chmod +x "$SC_DIR/build.sh"
    expect_findings "$SC_DIR" CB008 .
    drv_build timestamp1 ./build.sh
    sc_expect rebuilt 2
    drv_build timestamp2-remote-unchanged ./build.sh
    sc_expect rebuilt 2 CACHED
    note "=> a timestamp rebuilds the remote layer on every build, moved or not (CB008)"
}

main() {
    local started=$SECONDS
    make_tmp
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    # dockerd, runc and debootstrap live in sbin, which a non-login PATH may lack.
    export PATH="$PATH:/usr/sbin:/sbin"
    say "e2e temp dir: $E2E_TMP"
    ensure_packages
    timing "packages"
    ensure_cachebust
    timing "cachebust binary"
    start_engine
    import_base_image
    timing "engine and base image"
    start_git_daemon

    step1_stale_clone
    step2_fix_clone
    step3_pip
    step3_compose
    step3_per_service
    step4_global_arg
    step5_fact2 buildkit
    step5_fact2 classic
    step6_pin
    step7_add_git
    step8_drivers
    step_image
    CACHEBUST="$CACHEBUST" bash "$E2E_DIR/podman.sh" || fail "the Podman/Buildah section (tests/e2e/podman.sh) failed"

    say ""
    say "e2e finished in $((SECONDS - started))s"
    say "e2e: $E2E_PASSED passed, 0 failed"
}

main "$@"
