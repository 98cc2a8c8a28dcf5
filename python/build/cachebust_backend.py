"""The PEP 517 backend: maturin, unless there is no cargo, in which case the prebuilt wheel.

`pip install .` of this repository (what pre-commit's `language: python` does with a hook repository)
always builds it, and maturin without cargo downloads a whole Rust toolchain and compiles for minutes.
Without cargo on PATH, this backend instead fetches the wheel of the same version with
`pip download --only-binary=:all:`: from the index once it is published, or from a local directory
named by PIP_FIND_LINKS (tests/precommit/python.sh). No such wheel is an error that says both ways
out. With cargo, every hook is maturin's own.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import maturin
from maturin import *  # noqa: F401,F403  (every hook maturin defines, unless overridden below)

_HELP = (
    "cachebust: no cargo on PATH, and no prebuilt wheel cachebust=={version} to install instead.\n"
    "Put the wheel in a directory named by PIP_FIND_LINKS (`maturin build --release` writes it to\n"
    "target/wheels/), or install Rust (https://rustup.rs) to build from source.\n"
)


def _version():
    with open("Cargo.toml", encoding="utf-8") as f:
        match = re.search(r'^version\s*=\s*"([^"]+)"', f.read(), re.MULTILINE)
    return match.group(1)


def _prebuilt_wheel(wheel_directory):
    version = _version()
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                   "--only-binary=:all:", "--dest", tmp, "cachebust==" + version]
        if subprocess.run(command, check=False).returncode != 0:
            sys.stderr.write(_HELP.format(version=version))
            sys.exit(1)
        (wheel,) = glob.glob(os.path.join(tmp, "cachebust-*.whl"))
        shutil.copy2(wheel, wheel_directory)
        return os.path.basename(wheel)


if shutil.which("cargo") is None:
    # Nothing to compile: no toolchain to fetch (maturin would list `puccinialin`), and no metadata
    # hook (pip then reads the metadata from the wheel build_wheel returns). pip itself, to fetch the
    # wheel: build isolation hides the installing environment's.
    del prepare_metadata_for_build_wheel  # noqa: F821

    def get_requires_for_build_wheel(config_settings=None):
        return ["pip"]

    def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
        return _prebuilt_wheel(wheel_directory)
else:
    build_wheel = maturin.build_wheel
