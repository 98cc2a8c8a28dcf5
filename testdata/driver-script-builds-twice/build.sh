#!/bin/sh
docker build --build-arg BRANCH=main -t toolkit:amd64 --platform linux/amd64 .
docker build --build-arg BRANCH=main -t toolkit:arm64 --platform linux/arm64 .
