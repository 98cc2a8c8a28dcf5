#!/bin/sh
# expect: none
# The value from the environment: `cachebust exec -- ./build.sh` sets it to the remote's head commit.
set -e
docker build --build-arg CACHE_BUST -t acme/toolkit .
