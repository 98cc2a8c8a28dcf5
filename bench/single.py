#!/usr/bin/env python3
"""Single-file start-up cost, side by side (issue 19): CPU and wall time of `cachebust check FILE`,
`cachebust check - --stdin-filename FILE` (the editor's path), `cachebust --version` (the process floor
of this binary), `/bin/true` (the floor of any process) and `hadolint FILE`.

Each command runs RUNS times, round-robin (so a burst of other load hits every row alike), with its
output to /dev/null. CPU time is the child's user + system time from wait4's rusage (microseconds, where
GNU time rounds to 10 ms); wall time is measured around fork and wait. Medians are printed and written as
JSON to --out for bench/summarize.py.

    python3 bench/single.py --bin target/release/cachebust --file bench/fixtures/typical.Dockerfile \
        [--hadolint PATH] [--runs 200] [--out single.json]
"""
import argparse
import json
import os
import statistics
import time


def run_once(argv, stdin_path):
    """(wall s, CPU s, exit status) of one run of argv."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            fd = os.open(stdin_path or os.devnull, os.O_RDONLY)
            os.dup2(fd, 0)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--hadolint", default="")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--out")
    a = ap.parse_args()
    cb, f = os.path.abspath(a.bin), os.path.abspath(a.file)
    rows = [
        ("cachebust check FILE", [cb, "check", "--isolated", f], None),
        ("cachebust check - --stdin-filename", [cb, "check", "--isolated", "-", "--stdin-filename", f], f),
        ("cachebust --version", [cb, "--version"], None),
        ("/bin/true", ["/bin/true"], None),
    ]
    if a.hadolint:
        # Fewer runs: ~150 ms each.
        rows.append(("hadolint FILE", [a.hadolint, "--no-fail", f], None))
    samples = {name: ([], []) for name, _, _ in rows}
    codes = {}
    for name, argv, stdin in rows:  # warm-up: page cache, and the exit code each row is expected to have
        codes[name] = run_once(argv, stdin)[2]
    for i in range(a.runs):
        for name, argv, stdin in rows:
            if name == "hadolint FILE" and i % 4:
                continue
            wall, cpu, code = run_once(argv, stdin)
            if code != codes[name]:
                raise SystemExit(f"{name}: exit {code}, was {codes[name]}")
            samples[name][0].append(wall)
            samples[name][1].append(cpu)
    out = {
        name: {
            "wall": statistics.median(w),
            "cpu": statistics.median(c),
            "runs": len(w),
            "exit": codes[name],
        }
        for name, (w, c) in samples.items()
    }
    if a.out:
        json.dump(out, open(a.out, "w"), indent=1)
    ver = out["cachebust --version"]
    hl = out.get("hadolint FILE")
    print(f"{'one file, medians':<38} {'CPU':>9} {'wall':>9} {'runs':>5} {'CPU/--version':>14} {'hadolint/x CPU':>15}")
    for name, m in out.items():
        vs_hl = f"{hl['cpu'] / m['cpu']:.0f}×" if hl else "-"
        print(f"{name:<38} {m['cpu'] * 1e3:>6.2f} ms {m['wall'] * 1e3:>6.2f} ms {m['runs']:>5} "
              f"{m['cpu'] / ver['cpu']:>13.2f}× {vs_hl:>15}")


if __name__ == "__main__":
    main()
