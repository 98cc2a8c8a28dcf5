#!/bin/sh
# expect: none
# Docker fetches a git context on every build: nothing here to check.
docker build -t toolkit https://github.com/acme/toolkit.git#main
