#!/bin/sh
# expect: CB004
# A constant never busts; the unsafe fix passes the arg from the environment.
docker build --build-arg CACHE_BUST=1 -t acme/toolkit .
