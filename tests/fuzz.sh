#!/usr/bin/env bash
# The fuzz targets on stable Rust, for CI: the seeded driver in fuzz/ (see fuzz/README.md) runs the four
# targets for CACHEBUST_FUZZ_SECONDS in total (default 60), with CACHEBUST_FUZZ_SEED (default 1). It
# shares the main build's target directory, so after `cargo test` it compiles only cachebust and itself.
# Extra arguments go to the driver (`--target NAME`, `--timeout-ms N`).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
exec cargo run --quiet --locked --manifest-path fuzz/Cargo.toml --no-default-features --features stable --bin stable -- \
    --seconds "${CACHEBUST_FUZZ_SECONDS:-60}" --seed "${CACHEBUST_FUZZ_SEED:-1}" "$@"
