"""cachebust's binary, installed by pip as a script; `find_cachebust_bin()` locates it."""

import os
import sys
import sysconfig


def find_cachebust_bin() -> str:
    """The path of the `cachebust` binary this package's wheel installed."""
    exe = "cachebust" + (sysconfig.get_config_var("EXE") or "")
    # The scheme the wheel was installed with (a venv, --user, --target, --prefix) decides where
    # its scripts went; try them in the order pip would have used.
    candidates = [sysconfig.get_path("scripts")]
    if sys.version_info >= (3, 10):
        user_scheme = sysconfig.get_preferred_scheme("user")
    else:
        user_scheme = "nt_user" if os.name == "nt" else "posix_user"
    candidates.append(sysconfig.get_path("scripts", scheme=user_scheme))
    # `pip install --target DIR`: DIR/bin beside DIR/cachebust.
    candidates.append(os.path.join(os.path.dirname(os.path.dirname(__file__)), "bin"))
    for directory in candidates:
        path = os.path.join(directory, exe)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError("the cachebust binary is not installed beside this package: " + ", ".join(candidates))
