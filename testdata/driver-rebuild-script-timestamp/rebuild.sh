#!/bin/sh
# expect: CB008
set -eu
export CACHE_BUST=$(date +%Y%m%d-%H%M%S)
docker build --build-arg CACHE_BUST="$CACHE_BUST" -t toolkit .
