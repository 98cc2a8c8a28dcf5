# shellcheck shell=bash
# cachebust's own container image (issue 21), built on the suite's engine from the root Dockerfile with
# every base set to the offline `local/base` and BINARY_FROM=prebuilt (the binary under test, no Rust
# build inside the engine), then run as README's install section shows:
#   docker run --rm -v "$PWD:/src" IMAGE check
#   docker run --rm -i IMAGE check - --stdin-filename Dockerfile < Dockerfile
# Sourced by run.sh; uses its helpers (docker_build, pass/fail, CACHEBUST, REPO_ROOT, E2E_TMP).

step_image() {
    section "cachebust's own image: build from the root Dockerfile, run check on a mount and on stdin"
    local ctx="$E2E_TMP/image-context" work="$E2E_TMP/image-work" img=cachebust-e2e/cachebust
    # A context with just what .dockerignore lets in for the prebuilt stage, the binary under test
    # in the place the Dockerfile copies it from.
    mkdir -p "$ctx/target/release" "$ctx/python"
    cp "$REPO_ROOT/Dockerfile" "$REPO_ROOT/.dockerignore" "$ctx/"
    cp -r "$REPO_ROOT/python/cachebust.data" "$ctx/python/"
    cp "$CACHEBUST" "$ctx/target/release/cachebust"
    docker_build image "$ctx" -t "$img" --build-arg BINARY_FROM=prebuilt \
        --build-arg BUILDER_IMAGE=local/base --build-arg RUNTIME_IMAGE=local/base
    pass "docker build of the root Dockerfile (BINARY_FROM=prebuilt, bases local/base)"

    local user size base_size
    user=$(docker image inspect -f '{{.Config.User}}' "$img")
    assert_eq "$user" "65532:65532" "the image runs as a non-root user"
    assert_eq "$(docker image inspect -f '{{.Config.WorkingDir}}' "$img")" "/src" "the image's working dir"
    size=$(docker image inspect -f '{{.Size}}' "$img")
    base_size=$(docker image inspect -f '{{.Size}}' local/base)
    note "image size: $((size / 1024 / 1024)) MiB, of which cachebust adds $(((size - base_size) / 1024)) KiB" \
        "(the suite's base is a minbase debootstrap, not debian:bookworm-slim)"

    local out rc=0
    out=$(docker run --rm "$img" --version 2>&1) || rc=$?
    assert_eq "$rc" 0 "docker run IMAGE --version exit code" "$out"
    assert_eq "$out" "$("$CACHEBUST" --version)" "the image's --version is the binary under test's"

    # A project with one unbusted clone, readable by the image's user, mounted at /src.
    mkdir -p "$work"
    cat >"$work/Dockerfile" <<'EOF'
FROM debian:bookworm-slim
RUN git clone -b main https://github.com/acme/toolkit.git /src
EOF
    chmod -R a+rX "$work"
    rc=0
    out=$(docker run --rm -e NO_COLOR=1 -v "$work:/src:ro" "$img" check --output-format concise 2>&1) || rc=$?
    indent <<<"$out"
    assert_eq "$rc" 1 "docker run -v \$PWD:/src IMAGE check exit code on an unbusted clone" "$out"
    assert_contains "$out" "Dockerfile:2:5: CB001" "the mounted project's CB001, with its position"

    rc=0
    out=$(docker run --rm -i -e NO_COLOR=1 "$img" check - --stdin-filename Dockerfile \
        --output-format concise <"$work/Dockerfile" 2>&1) || rc=$?
    indent <<<"$out"
    assert_eq "$rc" 1 "docker run -i IMAGE check - < Dockerfile exit code" "$out"
    assert_contains "$out" "Dockerfile:2:5: CB001" "the CB001 of the Dockerfile read from stdin"

    # The default command is `check` of /src: a clean project exits 0.
    printf 'FROM debian:bookworm-slim\nRUN echo hello\n' >"$work/Dockerfile"
    rc=0
    out=$(docker run --rm -v "$work:/src:ro" "$img" 2>&1) || rc=$?
    assert_eq "$rc" 0 "docker run -v \$PWD:/src IMAGE (default command) on a clean project" "$out"
    docker image rm -f "$img" >/dev/null 2>&1 || true
}
