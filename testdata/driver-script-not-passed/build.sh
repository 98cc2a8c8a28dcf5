#!/bin/bash
# expect: CB004 CB005
podman build -f docker/Dockerfile --target app \
  --build-arg CACHEBUST=1 \
  -t toolkit .
