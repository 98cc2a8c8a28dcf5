#!/bin/sh
# expect: CB000
# Only the last build names a Dockerfile that is known to be missing. The first reads a path through a
# variable set at run time, the second builds a file this script writes first.
SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
docker build -f "${SCRIPT_DIR}/../images/base.Dockerfile" -t base .
printf 'FROM base\nRUN true\n' > uid.Dockerfile
docker build -f uid.Dockerfile -t base-uid .
docker build -f missing.Dockerfile -t gone .
