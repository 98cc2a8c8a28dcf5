#!/usr/bin/env bash
# End-to-end suite, second engine (issue 22): Debian's Podman and Buildah, rootful, with storage under a
# temp dir, the same offline base image (`podman import` of the debootstrapped rootfs) and `git daemon`
# remotes on 127.0.0.1. Each cache fact is measured on `podman build` and on `buildah bud --layers`, and a
# table fact × engine → holds / differs (with the observed cache states) is printed at the end.
#
#   bash tests/e2e/podman.sh            # standalone; run.sh calls it after the Docker steps
#
# Environment: CACHEBUST (the binary; run.sh passes its own), E2E_KEEP_TMP, XDG_CACHE_HOME, as run.sh.
# An engine that cannot start is skipped by name with the reason (`E2E SKIPPED: podman: …`); under CI
# (CI=true) a skip is a failure.
set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$E2E_DIR/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
source "$E2E_DIR/lib.sh"

# --- the engines -----------------------------------------------------------------------------------------

# Rootful, storage and run root under the temp dir. runc rather than Debian's default crun: crun refuses
# a hybrid cgroup v1/v2 host ("cgroups in hybrid mode not supported"), runc (Docker's) runs there.
PM_STORE=()
podman_q() { podman "${PM_STORE[@]}" --cgroup-manager cgroupfs --events-backend file --runtime runc "$@"; }
buildah_q() { buildah "${PM_STORE[@]}" "$@"; }

ensure_podman_packages() {
    local missing=()
    command -v podman >/dev/null || missing+=(podman)
    command -v buildah >/dev/null || missing+=(buildah)
    command -v runc >/dev/null || missing+=(runc)
    command -v git >/dev/null || missing+=(git)
    [[ ${#missing[@]} -eq 0 ]] && return 0
    say "installing: ${missing[*]}"
    [[ $(id -u) -eq 0 ]] || die "need root to install ${missing[*]}"
    {
        DEBIAN_FRONTEND=noninteractive apt-get update -q &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
                podman buildah runc git
    } >"$E2E_TMP/logs/apt-podman.log" 2>&1 || die "apt-get install failed: $(tail -n 20 "$E2E_TMP/logs/apt-podman.log")"
}

ENGINES=()
PODMAN_VERSION="" BUILDAH_VERSION=""

skip_or_fail() {
    say "E2E SKIPPED: $1"
    if [[ ${CI:-} == true ]]; then
        say "E2E FAILED: under CI a skipped engine is a failure"
        exit 1
    fi
}

start_podman_engines() {
    local store="$E2E_TMP/podman"
    mkdir -p "$store/root" "$store/run" "$store/tmp"
    PM_STORE=(--root "$store/root" --runroot "$store/run" --storage-driver overlay)
    export TMPDIR="$store/tmp"
    local tarball
    tarball=$(base_rootfs_tarball)
    if ! podman_q import - local/base <"$tarball" >"$E2E_TMP/logs/podman-import.log" 2>&1; then
        skip_or_fail "podman: podman import failed: $(tail -n 3 "$E2E_TMP/logs/podman-import.log")"
        skip_or_fail "buildah: shares podman's storage, which could not be set up"
        return 0
    fi
    # A RUN must work, or neither engine can build.
    mkdir -p "$E2E_TMP/probe"
    printf 'FROM local/base\nRUN true\n' >"$E2E_TMP/probe/Containerfile"
    if podman_q build --network=host -t e2e/probe "$E2E_TMP/probe" >"$E2E_TMP/logs/podman-probe.log" 2>&1; then
        PODMAN_VERSION=$(podman --version | awk '{ print $3 }')
        ENGINES+=(podman)
    else
        skip_or_fail "podman: a RUN step fails: $(grep -m1 -i error "$E2E_TMP/logs/podman-probe.log")"
    fi
    if buildah_q bud --runtime runc --network=host -t e2e/probe2 "$E2E_TMP/probe" >"$E2E_TMP/logs/buildah-probe.log" 2>&1; then
        BUILDAH_VERSION=$(buildah --version | awk '{ print $3 }')
        ENGINES+=(buildah)
    else
        skip_or_fail "buildah: a RUN step fails: $(grep -m1 -i error "$E2E_TMP/logs/buildah-probe.log")"
    fi
    say "engines: ${ENGINES[*]:-none} (podman ${PODMAN_VERSION:-?}, buildah ${BUILDAH_VERSION:-?})"
}

# eng_cmd ENGINE: the build command of an engine (layer caching on, as `podman build` has by default).
eng_cmd() {
    case $1 in
    podman) printf '%s\n' podman "${PM_STORE[@]}" --cgroup-manager cgroupfs --events-backend file --runtime runc build --layers --network=host ;;
    buildah) printf '%s\n' buildah "${PM_STORE[@]}" bud --runtime runc --layers --network=host ;;
    buildah-nolayers) printf '%s\n' buildah "${PM_STORE[@]}" bud --runtime runc --network=host ;;
    esac
}

CHECK_RC=0
CHECK_OUT=""
# run_check DIR ARGS…: `cachebust check ARGS…` in DIR; sets CHECK_RC and CHECK_OUT (as run.sh's).
run_check() {
    local dir=$1
    shift
    CHECK_RC=0
    CHECK_OUT=$(cd "$dir" && NO_COLOR=1 COLUMNS=120 "$CACHEBUST" check "$@" 2>&1) || CHECK_RC=$?
}

BUILD_RC=0
# eng_build ENGINE NAME DIR [plain|busted] [ARGS…]: build, log to LAST_LOG, BUILD_RC is the exit code.
eng_build() {
    local engine=$1 name=$2 dir=$3 mode=$4
    shift 4
    new_log "$engine-$name"
    local -a cmd
    mapfile -t cmd < <(eng_cmd "$engine")
    [[ $mode == busted ]] && cmd+=(--build-arg CACHE_BUST)
    cmd+=("$@" "$dir")
    BUILD_RC=0
    (
        # `cachebust exec` computes the value from the files of the directory it runs in.
        cd "$dir"
        unset CACHE_BUST
        if [[ $mode == busted ]]; then "$CACHEBUST" exec -- "${cmd[@]}"; else "${cmd[@]}"; fi
    ) >"$LAST_LOG" 2>&1 || BUILD_RC=$?
}

# pm_state LOG NEEDLE: CACHED / rebuilt for the one step containing NEEDLE. Buildah prints
# `STEP i/n: INSTRUCTION`, then `--> Using cache <id>` for a hit or `--> <id>` after running it.
pm_state() {
    awk -v needle="$1" '
        /^STEP [0-9]+\/[0-9]+: / { inside = index($0, needle) > 0; if (inside) found++; next }
        inside && /^--> / { state = ($0 ~ /^--> Using cache/) ? "CACHED" : "rebuilt"; inside = 0 }
        END { if (found != 1) print "missing(" found + 0 ")"; else if (state == "") print "failed"; else print state }
    ' "$2"
}

# --- the fact table -----------------------------------------------------------------------------------------

declare -A TABLE=()
FACTS=()
# record FACT ENGINE EXPECTED OBSERVED: holds when they match, differs otherwise; differences do not stop
# the suite (they are what it measures), but EXPECTED is what the engine was measured to do, and a change
# shows in the table and in the exit code when E2E_PODMAN_STRICT is set.
record() {
    local fact=$1 engine=$2 want=$3 got=$4 verdict
    [[ " ${FACTS[*]} " == *" $fact "* ]] || FACTS+=("$fact")
    if [[ $got == "$want" ]]; then verdict=holds; else verdict=differs; fi
    TABLE[$fact/$engine]="$verdict: $got"
    note "$fact on $engine: $verdict (observed $got; Docker: $want)"
}

print_table() {
    section "FACT TABLE: podman ${PODMAN_VERSION:-skipped} / buildah ${BUILDAH_VERSION:-skipped} against Docker's behaviour"
    local fact e
    printf '  %-22s' fact
    for e in "${ENGINES[@]}"; do printf ' | %-48s' "$e"; done
    printf '\n'
    for fact in "${FACTS[@]}"; do
        printf '  %-22s' "$fact"
        for e in "${ENGINES[@]}"; do printf ' | %-48s' "${TABLE[$fact/$e]:-not run}"; done
        printf '\n'
    done
}

# --- the facts ------------------------------------------------------------------------------------------------

declare -A REVN=()
push_rev() {
    local name=$1
    REVN[$name]=$((${REVN[$name]:-0} + 1))
    printf '%s rev %s\n' "$name" "${REVN[$name]}" >"$GIT_WORK/$name/VERSION"
    commit_and_push "$name" "$name rev ${REVN[$name]}"
}

# Fact 1 and the CB001 fix: a clone of a moved remote stays cached; after `check --fix`, a build under
# `cachebust exec` with `--build-arg CACHE_BUST` rebuilds it when, and only when, the remote moves.
fact_clone_and_fix() {
    local e=$1 dir="$E2E_TMP/pm-clone-$1" remote="pmclone$1" s1 s2 s3 s4 s5
    section "$e: fact 1 (stale clone) and the CB001 fix"
    new_remote "$remote"
    mkdir -p "$dir"
    cat >"$dir/Containerfile" <<EOF
FROM local/base
RUN echo pm-base-$e > /base
RUN git clone $(git_url "$remote") /src && git -C /src rev-parse HEAD > /commit
EOF
    push_rev "$remote"
    eng_build "$e" clone1 "$dir" plain -t "e2e/pm-clone-$e"
    s1=$(pm_state "git clone" "$LAST_LOG")
    push_rev "$remote"
    eng_build "$e" clone2-moved "$dir" plain -t "e2e/pm-clone-$e"
    s2=$(pm_state "git clone" "$LAST_LOG")
    record "1 stale clone" "$e" "rebuilt,CACHED" "$s1,$s2"

    run_check "$dir" Containerfile
    assert_eq "$CHECK_RC" 1 "$e: cachebust check Containerfile reports (CB001)" "$CHECK_OUT"
    assert_contains "$CHECK_OUT" CB001 "$e: the finding is CB001"
    run_check "$dir" --fix Containerfile
    assert_contains "$(cat "$dir/Containerfile")" "ARG CACHE_BUST" "$e: check --fix inserted the cache-bust arg"
    eng_build "$e" busted1 "$dir" busted -t "e2e/pm-clone-$e"
    s3="$(pm_state "echo pm-base" "$LAST_LOG")/$(pm_state "git clone" "$LAST_LOG")"
    eng_build "$e" busted2-same "$dir" busted -t "e2e/pm-clone-$e"
    s4="$(pm_state "echo pm-base" "$LAST_LOG")/$(pm_state "git clone" "$LAST_LOG")"
    push_rev "$remote"
    eng_build "$e" busted3-moved "$dir" busted -t "e2e/pm-clone-$e"
    s5="$(pm_state "echo pm-base" "$LAST_LOG")/$(pm_state "git clone" "$LAST_LOG")"
    record "CB001 fix" "$e" "CACHED/rebuilt,CACHED/CACHED,CACHED/rebuilt" "$s3,$s4,$s5"
}

# Fact 2: values 1,1,2,2,1 of an ARG: rebuilt, cached, rebuilt, cached, cached for each later RUN; the RUN
# before the ARG and a COPY after it stay cached.
fact2() {
    local e=$1 dir="$E2E_TMP/pm-fact2-$1" v runs="" copies="" before=""
    section "$e: fact 2 (ARG values 1,1,2,2,1) and COPY after the ARG"
    mkdir -p "$dir"
    printf 'marker\n' >"$dir/marker.txt"
    cat >"$dir/Containerfile" <<EOF
FROM local/base
RUN echo pm-before-arg-$e > /before
ARG V
COPY marker.txt /marker.txt
RUN echo after-arg-1 > /after1
EOF
    eng_build "$e" fact2-unset "$dir" plain -t "e2e/pm-fact2-$e"
    for v in 1 1 2 2 1; do
        eng_build "$e" "fact2-V$v" "$dir" plain --build-arg "V=$v" -t "e2e/pm-fact2-$e"
        runs+="${runs:+,}$(pm_state after-arg-1 "$LAST_LOG")"
        copies+="${copies:+,}$(pm_state 'COPY marker' "$LAST_LOG")"
        before+="${before:+,}$(pm_state pm-before-arg "$LAST_LOG")"
    done
    record "2 ARG 1,1,2,2,1" "$e" "rebuilt,CACHED,rebuilt,CACHED,CACHED" "$runs"
    record "2 COPY after ARG" "$e" "CACHED,CACHED,CACHED,CACHED,CACHED" "$copies"
    record "2 RUN before ARG" "$e" "CACHED,CACHED,CACHED,CACHED,CACHED" "$before"
}

# Fact 3 / CB002: a global-only ARG does not reach the stage.
fact3_global() {
    local e=$1 dir="$E2E_TMP/pm-global-$1" remote="pmglobal$1" s1 s2
    section "$e: fact 3 (a global-only ARG does not bust the stage, CB002)"
    mkdir -p "$dir"
    new_remote "$remote"
    push_rev "$remote"
    # A remote layer, so that CB002 reports it and --fix re-declares the arg in the stage.
    cat >"$dir/Containerfile" <<EOF
ARG CACHE_BUST=unknown
FROM local/base
RUN git clone $(git_url "$remote") /src && echo pm-global-$e > /g
EOF
    eng_build "$e" global1 "$dir" plain --build-arg CACHE_BUST=1 -t "e2e/pm-global-$e"
    eng_build "$e" global2 "$dir" plain --build-arg CACHE_BUST=2 -t "e2e/pm-global-$e"
    s1=$(pm_state pm-global "$LAST_LOG")
    run_check "$dir" Containerfile
    assert_contains "$CHECK_OUT" CB002 "$e: cachebust check reports CB002 on the global-only arg"
    run_check "$dir" --fix Containerfile
    eng_build "$e" global3-fixed "$dir" plain --build-arg CACHE_BUST=3 -t "e2e/pm-global-$e"
    s2=$(pm_state pm-global "$LAST_LOG")
    record "3 global ARG/CB002" "$e" "CACHED,rebuilt" "$s1,$s2"
}

# A heredoc RUN after the ARG (containers/buildah#5656: the ARG did not bust it on later Buildah).
fact_heredoc() {
    local e=$1 dir="$E2E_TMP/pm-heredoc-$1" s1 s2
    section "$e: a heredoc RUN after the ARG"
    mkdir -p "$dir"
    cat >"$dir/Containerfile" <<EOF
FROM local/base
ARG V
RUN <<EOT
echo pm-heredoc-$e > /h
EOT
EOF
    eng_build "$e" heredoc1 "$dir" plain --build-arg V=1 -t "e2e/pm-heredoc-$e"
    if [[ $BUILD_RC -ne 0 ]]; then
        local why
        why=$(grep -m1 -o 'Unknown instruction: "[A-Z]*"' "$LAST_LOG" || echo "exit $BUILD_RC")
        record "heredoc RUN after ARG" "$e" "rebuilt,rebuilt" "build error ($why)"
        return 0
    fi
    s1=$(pm_state "RUN <<EOT" "$LAST_LOG")
    eng_build "$e" heredoc2 "$dir" plain --build-arg V=2 -t "e2e/pm-heredoc-$e"
    s2=$(pm_state "RUN <<EOT" "$LAST_LOG")
    record "heredoc RUN after ARG" "$e" "rebuilt,rebuilt" "$s1,$s2"
}

# ONBUILD: a RUN registered with ONBUILD in a parent runs in the child, after the child's ARG? The
# trigger runs right after the child's FROM, before any ARG of the child: the child's cache-bust arg
# cannot bust it on any engine. Measured: the child's layer chain after the trigger.
fact_onbuild() {
    local e=$1 dir="$E2E_TMP/pm-onbuild-$1" s1 s2
    section "$e: ONBUILD in a parent image, cache-bust arg in the child"
    mkdir -p "$dir/parent" "$dir/child"
    printf 'FROM local/base\nONBUILD RUN echo pm-onbuild-%s > /onbuild\n' "$e" >"$dir/parent/Containerfile"
    printf 'FROM e2e/pm-onbuild-parent-%s\nARG CACHE_BUST\nRUN echo pm-child-%s > /child\n' "$e" "$e" >"$dir/child/Containerfile"
    eng_build "$e" onbuild-parent "$dir/parent" plain -t "e2e/pm-onbuild-parent-$e"
    eng_build "$e" onbuild-child1 "$dir/child" plain --build-arg CACHE_BUST=1 -t "e2e/pm-onbuild-child-$e"
    eng_build "$e" onbuild-child2 "$dir/child" plain --build-arg CACHE_BUST=2 -t "e2e/pm-onbuild-child-$e"
    s1=$(pm_state pm-child "$LAST_LOG")
    eng_build "$e" onbuild-child3 "$dir/child" plain --build-arg CACHE_BUST=2 -t "e2e/pm-onbuild-child-$e"
    s2=$(pm_state pm-child "$LAST_LOG")
    record "ONBUILD child ARG" "$e" "rebuilt,CACHED" "$s1,$s2"
}

# Plain `buildah bud` (no --layers) keeps no intermediate layers: every step runs every time.
fact_nolayers() {
    local dir="$E2E_TMP/pm-nolayers" s1 s2
    section "buildah bud without --layers"
    mkdir -p "$dir"
    printf 'FROM local/base\nRUN echo pm-nolayers > /n\n' >"$dir/Containerfile"
    eng_build buildah-nolayers nolayers1 "$dir" plain -t e2e/pm-nolayers
    s1=$(pm_state pm-nolayers "$LAST_LOG")
    eng_build buildah-nolayers nolayers2 "$dir" plain -t e2e/pm-nolayers
    s2=$(pm_state pm-nolayers "$LAST_LOG")
    record "no --layers: cache" buildah "rebuilt,CACHED" "$s1,$s2"
}

main() {
    local started=$SECONDS
    make_tmp
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    export PATH="$PATH:/usr/sbin:/sbin"
    say "podman e2e temp dir: $E2E_TMP"
    ensure_podman_packages
    if [[ -z ${CACHEBUST:-} ]]; then
        (cd "$REPO_ROOT" && cargo build --release --locked) >"$E2E_TMP/logs/cargo.log" 2>&1 ||
            die "cargo build --release failed: $(tail -n 30 "$E2E_TMP/logs/cargo.log")"
        CACHEBUST="$REPO_ROOT/target/release/cachebust"
    fi
    start_podman_engines
    [[ ${#ENGINES[@]} -gt 0 ]] || { say "podman e2e: no engine could start"; exit 0; }
    start_git_daemon
    local e
    for e in "${ENGINES[@]}"; do
        fact_clone_and_fix "$e"
        fact2 "$e"
        fact3_global "$e"
        fact_heredoc "$e"
        fact_onbuild "$e"
    done
    [[ " ${ENGINES[*]} " == *" buildah "* ]] && fact_nolayers
    print_table
    say "measured on Podman ${PODMAN_VERSION:-(skipped)} / Buildah ${BUILDAH_VERSION:-(skipped)}"
    say ""
    say "podman e2e finished in $((SECONDS - started))s"
    say "podman e2e: $E2E_PASSED passed, 0 failed"
}

main "$@"
