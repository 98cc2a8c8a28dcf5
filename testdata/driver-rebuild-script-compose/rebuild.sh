#!/bin/sh
# expect: CB008
# The rebuild script: it works, but rebuilds the remote layers on every build.
set -eu
export CACHE_BUST=$(date +%Y%m%d-%H%M%S)
docker compose build
docker compose up -d
