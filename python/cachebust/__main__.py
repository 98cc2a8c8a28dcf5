"""`python -m cachebust ARGS…` runs the binary with ARGS, as `cachebust ARGS…` would."""

import os
import subprocess
import sys

from cachebust import find_cachebust_bin


def main() -> int:
    binary = find_cachebust_bin()
    if os.name == "nt":
        # No exec on Windows: run it and pass its exit code on.
        return subprocess.call([binary, *sys.argv[1:]])
    os.execv(binary, [binary, *sys.argv[1:]])
    return 2  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main())
