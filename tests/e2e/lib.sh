# shellcheck shell=bash
# Helpers for tests/e2e/run.sh: logging and assertions, installing what the suite needs, a private
# Docker engine, a local git daemon, the base image, and reading cache states out of build logs.
# Everything the suite starts is recorded by PID and torn down by cleanup() (run.sh traps EXIT).

# --- logging and assertions ------------------------------------------------------------------------

E2E_PASSED=0

say()     { printf '%s\n' "$*"; }
section() { printf '\n=== %s  [%ss]\n' "$*" "$SECONDS"; }
timing()  { printf '    (%s ready at %ss)\n' "$1" "$SECONDS"; }
note()    { printf '    %s\n' "$*"; }
indent()  { sed 's/^/      | /'; }

# pass MESSAGE: count one assertion that held.
pass() {
    E2E_PASSED=$((E2E_PASSED + 1))
    printf '  ok %d: %s\n' "$E2E_PASSED" "$*"
}

# fail MESSAGE [EVIDENCE]: print the evidence and stop the suite with a non-zero exit.
fail() {
    printf '\nFAIL: %s\n' "$1" >&2
    if [[ $# -gt 1 && -n $2 ]]; then
        printf '%s\n' '--- evidence ---' "$2" '--- end of evidence ---' >&2
    fi
    printf '\ne2e: %d passed, 1 failed\n' "$E2E_PASSED"
    exit 1
}

# die MESSAGE: a broken harness (not a failed assertion).
die() {
    printf '\nE2E ERROR: %s\n' "$*" >&2
    exit 1
}

# assert_eq ACTUAL EXPECTED WHAT [EVIDENCE]
assert_eq() {
    if [[ $1 == "$2" ]]; then
        pass "$3: $1"
    else
        fail "$3: expected '$2', got '$1'" "${4:-}"
    fi
}

# assert_contains HAYSTACK NEEDLE WHAT
assert_contains() {
    if [[ $1 == *"$2"* ]]; then
        pass "$3"
    else
        fail "$3: '$2' not found" "$1"
    fi
}

short() { printf '%s' "${1:0:12}"; }

# --- the temp dir and cleanup ----------------------------------------------------------------------

E2E_TMP=""
DOCKERD_PID=""
GIT_DAEMON_PID=""

make_tmp() {
    E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cb-e2e.XXXXXX")
    mkdir -p "$E2E_TMP/bin" "$E2E_TMP/logs"
}

# Stop one process we started, by PID: TERM, wait up to $2 seconds, then KILL.
stop_pid() {
    local pid=$1 grace=${2:-10} i
    [[ -n $pid ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# Unmount every mount under the temp dir, deepest first (the netns `nsfs` mount under the exec-root,
# overlay mounts left by a killed engine, /proc etc. left by an interrupted debootstrap).
unmount_under() {
    local root=$1 mnt
    [[ -n $root && -d $root ]] || return 0
    while read -r mnt; do
        umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || say "warning: could not unmount $mnt" >&2
    done < <(awk -v r="$root/" 'index($5, r) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
}

cleanup() {
    local rc=$?
    set +e
    stop_pid "$GIT_DAEMON_PID" 5
    stop_engine
    if [[ -n $E2E_TMP && -d $E2E_TMP ]]; then
        unmount_under "$E2E_TMP"
        if [[ -n ${E2E_KEEP_TMP:-} ]]; then
            say "kept $E2E_TMP (E2E_KEEP_TMP is set)"
        else
            rm -rf --one-file-system "$E2E_TMP"
        fi
    fi
    return "$rc"
}

# --- installing what the suite needs ---------------------------------------------------------------

# Debian's docker.io 20.10 has BuildKit built into the client; the `docker` that may come first on
# PATH can lack buildx and fall back to the classic builder, so the suite pins Debian's client.
DOCKER_CLI=/usr/bin/docker

ensure_packages() {
    local missing=() need
    [[ -x $DOCKER_CLI ]] || missing+=(docker.io)
    command -v dockerd >/dev/null || missing+=(docker.io)
    command -v containerd >/dev/null || missing+=(containerd)
    command -v runc >/dev/null || missing+=(runc)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v docker-compose >/dev/null || missing+=(docker-compose)
    command -v git >/dev/null || missing+=(git)
    command -v make >/dev/null || missing+=(make)
    [[ ${#missing[@]} -eq 0 ]] && return 0
    need=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
    say "installing: $need"
    [[ $(id -u) -eq 0 ]] || die "need root to install $need (and to run dockerd)"
    # Keep the packages' maintainer scripts from starting a system-wide docker/containerd: the suite
    # runs its own engine. A policy-rc.d that denies every start is the Debian way to say so.
    local policy=/usr/sbin/policy-rc.d made_policy=""
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
    fi
    local rc=0
    {
        DEBIAN_FRONTEND=noninteractive apt-get update -q &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
                docker.io containerd runc debootstrap docker-compose git make
    } >"$E2E_TMP/logs/apt.log" 2>&1 || rc=$?
    [[ -n $made_policy ]] && rm -f "$policy"
    [[ $rc -eq 0 ]] || die "apt-get install failed: $(tail -n 20 "$E2E_TMP/logs/apt.log")"
}

# --- the Docker engine -----------------------------------------------------------------------------

ENGINE_DIR=""

# start_engine: a private dockerd with everything under the temp dir. If it cannot start, print why
# and exit 0: that (and only that) is a skip, not a failure, except under CI (CI=true), where it fails.
start_engine() {
    ENGINE_DIR="$E2E_TMP/engine"
    mkdir -p "$ENGINE_DIR/data" "$ENGINE_DIR/exec" "$E2E_TMP/docker-config"
    printf '{}\n' >"$ENGINE_DIR/daemon.json"
    export DOCKER_HOST="unix://$ENGINE_DIR/docker.sock"
    export DOCKER_CONFIG="$E2E_TMP/docker-config"
    export DOCKER_BUILDKIT=1
    # Every `docker` the suite (or docker-compose) runs is Debian's client.
    ln -sf "$DOCKER_CLI" "$E2E_TMP/bin/docker"
    export PATH="$E2E_TMP/bin:$PATH"
    command -v dockerd >/dev/null || die "dockerd is not installed (is docker.io?)"

    dockerd --config-file="$ENGINE_DIR/daemon.json" \
        --storage-driver=overlay2 --iptables=false --ip6tables=false --bridge=none \
        --data-root="$ENGINE_DIR/data" --exec-root="$ENGINE_DIR/exec" \
        --pidfile="$ENGINE_DIR/dockerd.pid" -H "$DOCKER_HOST" \
        >"$E2E_TMP/logs/dockerd.log" 2>&1 &
    DOCKERD_PID=$!

    local i
    for ((i = 0; i < 300; i++)); do
        if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
            skip_engine "dockerd exited during startup"
        fi
        if docker version >/dev/null 2>&1; then
            say "dockerd $(docker version --format '{{.Server.Version}}') ready after $((i / 10)).$((i % 10))s (pid $DOCKERD_PID)"
            return 0
        fi
        sleep 0.1
    done
    skip_engine "dockerd did not answer on $DOCKER_HOST within 30s"
}

skip_engine() {
    local log="$E2E_TMP/logs/dockerd.log" why
    why=$(grep -E 'failed to start daemon|level=(fatal|error)' "$log" 2>/dev/null | tail -n 1 || true)
    say ""
    say "E2E SKIPPED: dockerd could not start: $1${why:+: $why}"
    say "--- last lines of the dockerd log (grpc chatter left out) ---"
    grep -v 'module=grpc' "$log" 2>/dev/null | tail -n 15 || true
    say "---"
    if [[ ${CI:-} == true ]]; then
        say "E2E FAILED: under CI a skipped engine is a failure (the suite must run on the real engine)"
        exit 1
    fi
    exit 0
}

# stop_engine: TERM dockerd (it stops its managed containerd), then make sure that containerd is gone
# too, by the PID it recorded under our exec-root.
stop_engine() {
    [[ -n $DOCKERD_PID ]] || return 0
    local containerd_pid=""
    if [[ -f $ENGINE_DIR/exec/containerd/containerd.pid ]]; then
        containerd_pid=$(cat "$ENGINE_DIR/exec/containerd/containerd.pid" 2>/dev/null || true)
    fi
    stop_pid "$DOCKERD_PID" 20
    if [[ -n $containerd_pid ]] && [[ $(tr '\0' ' ' 2>/dev/null <"/proc/$containerd_pid/cmdline") == *"$ENGINE_DIR"* ]]; then
        stop_pid "$containerd_pid" 10
    fi
    DOCKERD_PID=""
}

# --- the base image (no registry: a debootstrapped Debian imported as local/base) -----------------------

BASE_SUITE=bookworm
BASE_PACKAGES=git,python3,python3-pip

# The Debian mirror this machine's apt uses (deb822 `URIs:` of a non-security Debian source, or a
# one-line `deb URL suite …`).
debian_mirror() {
    local f url
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        url=$(awk '
            /^[[:space:]]*$/ { if (uris != "" && suites ~ /(^| )[a-z]+( |$)/ && types ~ /(^| )deb( |$)/) { print uris; exit } uris = suites = types = ""; next }
            /^Types:/  { sub(/^Types:[[:space:]]*/, ""); types = $0 }
            /^URIs:/   { sub(/^URIs:[[:space:]]*/, ""); uris = $1 }
            /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
            END { if (uris != "" && suites ~ /(^| )[a-z]+( |$)/ && types ~ /(^| )deb( |$)/) print uris }
        ' "$f" | grep -v -- '-security' | grep -E '/debian/?$' | head -n 1)
        [[ -n $url ]] && { printf '%s\n' "${url%/}"; return 0; }
    done
    url=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i, $(i + 1); break } }' |
        awk '$2 !~ /-security|-updates|-backports/ { print $1 }' | grep -E '/debian/?$' | head -n 1)
    [[ -n $url ]] && { printf '%s\n' "${url%/}"; return 0; }
    return 1
}

# base_rootfs_tarball: print the path of a cached rootfs tarball, building it with debootstrap on a
# cache miss. The cache is keyed by the mirror, the suite and the package list.
base_rootfs_tarball() {
    local mirror key cache_dir tarball rootfs
    mirror=$(debian_mirror) || die "cannot find the Debian mirror in /etc/apt/sources.list*"
    key=$(printf '%s %s minbase %s v1' "$mirror" "$BASE_SUITE" "$BASE_PACKAGES" | sha256sum | cut -c1-16)
    cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/cachebust-e2e"
    tarball="$cache_dir/rootfs-$BASE_SUITE-$key.tar"
    if [[ -s $tarball ]]; then
        say "base rootfs: cached $tarball" >&2
        printf '%s\n' "$tarball"
        return 0
    fi
    say "base rootfs: debootstrap $BASE_SUITE from $mirror (cache miss; about a minute)" >&2
    mkdir -p "$cache_dir"
    rootfs="$E2E_TMP/rootfs"
    if ! debootstrap --variant=minbase --include="$BASE_PACKAGES" "$BASE_SUITE" "$rootfs" "$mirror" \
        >"$E2E_TMP/logs/debootstrap.log" 2>&1; then
        unmount_under "$rootfs"
        die "debootstrap failed: $(tail -n 20 "$E2E_TMP/logs/debootstrap.log")"
    fi
    unmount_under "$rootfs"
    rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"* 2>/dev/null || true
    tar -C "$rootfs" -cf "$tarball.tmp.$$" . || die "cannot write $tarball"
    mv "$tarball.tmp.$$" "$tarball"
    printf '%s\n' "$key: debootstrap --variant=minbase --include=$BASE_PACKAGES $BASE_SUITE ROOTFS $mirror" \
        >"$cache_dir/rootfs-$BASE_SUITE-$key.txt"
    rm -rf --one-file-system "$rootfs"
    printf '%s\n' "$tarball"
}

import_base_image() {
    local tarball
    local t0=$SECONDS
    tarball=$(base_rootfs_tarball)
    local t1=$SECONDS
    docker import - local/base <"$tarball" >/dev/null || die "docker import of $tarball failed"
    say "imported local/base from $tarball (rootfs $((t1 - t0))s, import $((SECONDS - t1))s)"
}

# --- the git daemon ------------------------------------------------------------------------------------

GIT_PORT=""
GIT_BASE=""
GIT_WORK=""

git_q() { git -c user.name=cachebust-e2e -c user.email=e2e@127.0.0.1 -c init.defaultBranch=main -c advice.detachedHead=false "$@"; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_git_daemon: serve $E2E_TMP/git on a free port of 127.0.0.1 (with push enabled).
start_git_daemon() {
    GIT_BASE="$E2E_TMP/git"
    GIT_WORK="$E2E_TMP/work"
    mkdir -p "$GIT_BASE" "$GIT_WORK"
    local port i
    for _ in 1 2 3 4 5 6 7 8; do
        port=$((20000 + (RANDOM % 20000)))
        port_in_use "$port" && continue
        # git-daemon itself (not the `git daemon` wrapper), so that its PID is the server's.
        "$(git --exec-path)/git-daemon" --reuseaddr --base-path="$GIT_BASE" --export-all --enable=receive-pack \
            --port="$port" --listen=127.0.0.1 "$GIT_BASE" >>"$E2E_TMP/logs/git-daemon.log" 2>&1 &
        GIT_DAEMON_PID=$!
        for ((i = 0; i < 50; i++)); do
            kill -0 "$GIT_DAEMON_PID" 2>/dev/null || break
            if port_in_use "$port"; then
                GIT_PORT=$port
                say "git daemon on 127.0.0.1:$GIT_PORT (pid $GIT_DAEMON_PID)"
                return 0
            fi
            sleep 0.1
        done
        stop_pid "$GIT_DAEMON_PID" 2
        GIT_DAEMON_PID=""
    done
    die "git daemon would not start: $(tail -n 10 "$E2E_TMP/logs/git-daemon.log")"
}

git_url() { printf 'git://127.0.0.1:%s/%s.git' "$GIT_PORT" "$1"; }

# new_remote NAME: a bare repo served by the daemon, and a work clone to commit from.
new_remote() {
    local name=$1
    git_q init -q --bare -b main "$GIT_BASE/$name.git"
    git_q init -q -b main "$GIT_WORK/$name"
    git_q -C "$GIT_WORK/$name" remote add origin "$(git_url "$name")"
}

# commit_and_push NAME MESSAGE: commit whatever is in the work tree and push it through the daemon.
commit_and_push() {
    local name=$1 message=$2
    git_q -C "$GIT_WORK/$name" add -A
    git_q -C "$GIT_WORK/$name" commit -q --allow-empty -m "$message"
    git_q -C "$GIT_WORK/$name" push -q origin main 2>>"$E2E_TMP/logs/git-push.log" ||
        die "push to $(git_url "$name") failed: $(tail -n 5 "$E2E_TMP/logs/git-push.log")"
}

# remote_head NAME: the commit the daemon serves for HEAD (what `cachebust exec` would resolve).
remote_head() { git ls-remote "$(git_url "$1")" HEAD | cut -f1; }

# --- builds and what their logs say ------------------------------------------------------------------

BUILD_SEQ=0
LAST_LOG=""

# new_log NAME: a fresh log file path, kept in LAST_LOG.
new_log() {
    BUILD_SEQ=$((BUILD_SEQ + 1))
    LAST_LOG="$E2E_TMP/logs/$(printf '%02d' "$BUILD_SEQ")-$1.log"
}

# docker_build NAME DIR [ARGS…]: a BuildKit build with plain progress, logged to LAST_LOG.
docker_build() {
    local name=$1 dir=$2
    shift 2
    new_log "$name"
    docker build --progress=plain --network=host "$@" "$dir" >"$LAST_LOG" 2>&1 ||
        fail "docker build $* $dir failed" "$(tail -n 40 "$LAST_LOG")"
}

# classic_build NAME DIR [ARGS…]: the same with the classic builder.
classic_build() {
    local name=$1 dir=$2
    shift 2
    new_log "$name"
    DOCKER_BUILDKIT=0 docker build --network=host "$@" "$dir" >"$LAST_LOG" 2>&1 ||
        fail "classic docker build $* $dir failed" "$(tail -n 40 "$LAST_LOG")"
}

# step_state LOG NEEDLE: CACHED or rebuilt for the one build step whose instruction contains NEEDLE.
# BuildKit's plain progress names each step `#N [stage i/n] INSTRUCTION` and ends it with `#N CACHED`
# or `#N DONE …`; the classic builder prints `Step i/n : INSTRUCTION` then ` ---> Using cache` or
# ` ---> Running in …`.
step_state() {
    local log=$1 needle=$2 ids id
    if grep -q '^Step [0-9]*/[0-9]* : ' "$log"; then
        awk -v needle="$needle" '
            /^Step [0-9]+\/[0-9]+ : / { inside = index($0, needle) > 0; if (inside) found++; next }
            inside && /^ ---> / { state = ($0 ~ /^ ---> Using cache/) ? "CACHED" : "rebuilt"; inside = 0 }
            END { if (found != 1) print "ambiguous(" found + 0 ")"; else if (state == "") print "unknown"; else print state }
        ' "$log"
        return 0
    fi
    ids=$(grep -E '^#[0-9]+ \[[^]]*\] ' "$log" | grep -F -- "$needle" | cut -d' ' -f1 | sort -u)
    if [[ -z $ids ]]; then
        printf 'missing'
    elif [[ $(wc -l <<<"$ids") -ne 1 ]]; then
        printf 'ambiguous(%s)' "$(tr '\n' ' ' <<<"$ids")"
    else
        id=$ids
        if grep -qx -- "$id CACHED" "$log"; then
            printf 'CACHED'
        elif grep -q -- "^$id DONE" "$log"; then
            printf 'rebuilt'
        else
            printf 'unknown'
        fi
    fi
}

# expect_step WHAT NEEDLE EXPECTED: assert the cache state of a step in LAST_LOG.
expect_step() {
    local what=$1 needle=$2 expected=$3 got
    got=$(step_state "$LAST_LOG" "$needle")
    if [[ $got == "$expected" ]]; then
        pass "$what: $got"
    else
        fail "$what: expected $expected, observed $got (step matching '$needle' in $(basename "$LAST_LOG"))" \
            "$(grep -v -E '^#[0-9]+ (sha256:|extracting|transferring|resolve)' "$LAST_LOG" | tail -n 60)"
    fi
}

# image_file IMAGE PATH: a file's content inside the image, read with no network.
image_file() {
    docker run --rm --network=none "$1" cat "$2" 2>&1 || fail "cannot read $2 in $1" ""
}

# expect_image_file WHAT IMAGE PATH EXPECTED
expect_image_file() {
    local got
    got=$(image_file "$2" "$3")
    assert_eq "$got" "$4" "$1 ($3 in $2)"
}
