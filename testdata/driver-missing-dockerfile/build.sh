#!/bin/sh
# expect: CB000 CB004
docker build -f docker/Dockerfile.missing -t gone .
docker build -t here .
