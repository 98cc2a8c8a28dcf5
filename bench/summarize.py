#!/usr/bin/env python3
"""Prints the table of bench/run.sh from the measurements it left in RESULTS (see run.sh for the names)."""
import argparse
import datetime
import json
import os
import statistics
import subprocess


def load_time(results, name):
    """(median wall s, CPU s per run or None, peak RSS KB or None) of one measurement, or None."""
    path = os.path.join(results, name + ".json")
    runs = os.path.join(results, name + ".runs")
    if os.path.exists(path):
        r = json.load(open(path))["results"][0]
        wall = r["median"]
        cpu = r["user"] + r["system"] if r.get("user") is not None else None
        rss = None
        mem = os.path.join(results, name + ".mem")
        if os.path.exists(mem):
            # GNU time starts with "Command exited with non-zero status 1" when it did.
            f = (open(mem).read().strip().splitlines() or [""])[-1].split()
            if len(f) >= 4 and f[0].isdigit():
                rss = int(f[0])
                if cpu is None:
                    cpu = float(f[1]) + float(f[2])
        return max(wall, 1e-6), cpu, rss
    if os.path.exists(runs):
        rows = [l.split() for l in open(runs) if l.strip()]
        if not rows:
            return None
        walls = [float(r[3]) for r in rows]
        cpus = [float(r[1]) + float(r[2]) for r in rows if r[1] != "-"]
        rsss = [int(r[0]) for r in rows if r[0] != "-"]
        return statistics.median(walls), statistics.median(cpus) if cpus else None, max(rsss) if rsss else None
    return None


def fmt_t(s):
    if s is None:
        return "-"
    if s >= 10:
        return f"{s:.1f} s"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 0.001:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} µs"


def fmt_mb(kb):
    return "-" if kb is None else f"{kb / 1024:.1f} MB"


def stats(dir_):
    out = {}
    for line in open(os.path.join(dir_, ".bench", "stats.txt")):
        k, v = line.split()
        out[k] = int(v)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--files", type=int)
    ap.add_argument("--small", type=int)
    ap.add_argument("--big-dir")
    ap.add_argument("--small-dir")
    ap.add_argument("--typical")
    ap.add_argument("--hadolint", default="")
    ap.add_argument("--hyperfine", default="1")
    a = ap.parse_args()
    R = a.results
    t = lambda n: load_time(R, n)
    big = stats(a.big_dir)
    n_docker, n_compose = big["dockerfiles"], big["compose"]
    n_all = n_docker + n_compose
    lines = sum(1 for _ in open(a.typical, "rb"))
    cpu_model = ""
    try:
        for l in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if l.startswith("Model name:"):
                cpu_model = l.split(":", 1)[1].strip()
    except OSError:
        pass
    print()
    print(f"cachebust benchmark, {datetime.date.today()}, {cpu_model or 'unknown CPU'}, {os.cpu_count()} cores; "
          f"medians of wall time ({'hyperfine' if a.hyperfine == '1' else 'date +%s%N loop'})")
    print(f"corpus: {a.files} files = {n_docker} Dockerfiles ({big['unparseable']} unparseable) + {n_compose} compose files, "
          f"{big['bytes'] / 1e6:.1f} MB, {big['ignored']} more hidden by .gitignore")
    commit = os.path.join(R, "commit.txt")
    if os.path.exists(commit):
        print(f"cachebust built from {open(commit).read().strip()}")
    load = [open(os.path.join(R, f)).read().strip() for f in ("load-start.txt", "load-end.txt") if os.path.exists(os.path.join(R, f))]
    if load:
        print(f"load average (1, 5, 15 min) at start: {load[0]}" + (f", at end: {load[1]}" if len(load) > 1 else "")
              + " (above ~1 means other work shared the cores)")
    rc = open(os.path.join(R, "findings.rc")).read().strip()
    print(f"findings check (exit {rc}): {open(os.path.join(R, 'findings.txt')).read().rstrip()}")
    hl = a.hadolint
    if not hl:
        print("hadolint: unavailable")
    else:
        inv = open(os.path.join(R, "hl-invocations.txt")).read().strip() if os.path.exists(os.path.join(R, "hl-invocations.txt")) else "?"
        perr = open(os.path.join(R, "hl-parse-errors.txt")).read().strip() if os.path.exists(os.path.join(R, "hl-parse-errors.txt")) else "?"
        print(f"hadolint: {hl}, run as `hadolint --no-fail FILE...` over all Dockerfiles ({inv} invocation(s)); "
              f"it could not parse {perr} of them")

    cat = t("cat-big")
    hlb = t("hl-big")
    rows = [("cat (the floor)", "cat-big", n_all), ("cachebust check --output-format json", "cb-json-big", n_all),
            ("cachebust check (full)", "cb-full-big", n_all), ("cachebust check --diff", "cb-diff-big", n_all),
            ("hadolint", "hl-big", n_docker)]
    print()
    print(f"{a.files} files{'':<27} {'median':>10} {'CPU':>10} {'CPU/file':>10} {'files/s':>10} {'peak RSS':>10} {'hadolint/x':>11} {'x/cat':>8}")
    for label, name, n in rows:
        m = t(name)
        if m is None:
            if name == "hl-big":
                print(f"{label:<38} unavailable")
            continue
        wall, cpu, rss = m
        vs_hl = f"{hlb[0] / wall:.0f}×" if hlb and name != "hl-big" else "-"
        vs_cat = f"{wall / cat[0]:.1f}×" if cat and name != "cat-big" else "-"
        cpu_per = fmt_t(cpu / n) if cpu is not None else "-"
        print(f"{label:<38} {fmt_t(wall):>10} {fmt_t(cpu):>10} {cpu_per:>10} {n / wall:>10.0f} {fmt_mb(rss):>10} {vs_hl:>11} {vs_cat:>8}")

    print()
    print(f"one file ({lines} lines){'':<19} {'median':>10} {'CPU':>10} {'peak RSS':>10} {'hadolint/x':>11} {'x/cat':>8}")
    cat1, cb1, hl1 = t("cat-one"), t("cb-one"), t("hl-one")
    for label, m in [("cat FILE", cat1), ("cachebust check FILE", cb1), ("cachebust check EMPTY-DIR (startup)", t("cb-empty")),
                     ("hadolint FILE", hl1)]:
        if m is None:
            print(f"{label:<38} unavailable")
            continue
        wall, cpu, rss = m
        vs_hl = f"{hl1[0] / wall:.1f}×" if hl1 and m is not hl1 else "-"
        vs_cat = f"{wall / cat1[0]:.1f}×" if cat1 and m is not cat1 else "-"
        print(f"{label:<38} {fmt_t(wall):>10} {fmt_t(cpu):>10} {fmt_mb(rss):>10} {vs_hl:>11} {vs_cat:>8}")

    single_path = os.path.join(R, "single.json")
    single = json.load(open(single_path)) if os.path.exists(single_path) else None
    if single:
        ver, hl_s = single["cachebust --version"], single.get("hadolint FILE")
        print()
        print(f"start-up, one file (bench/single.py){'':<2} {'CPU':>10} {'wall':>10} {'runs':>6} {'CPU/--version':>14} {'hadolint/x CPU':>15}")
        for label, m in single.items():
            vs_hl = f"{hl_s['cpu'] / m['cpu']:.0f}×" if hl_s else "-"
            print(f"{label:<38} {fmt_t(m['cpu']):>10} {fmt_t(m['wall']):>10} {m['runs']:>6} {m['cpu'] / ver['cpu']:>13.2f}× {vs_hl:>15}")

    print()
    cs, cbig = t("cb-json-small"), t("cb-json-big")
    r100, r1m, cat1m = t("cb-run-100k"), t("cb-run-1m"), t("cat-run-1m")
    small = stats(a.small_dir)
    file_ratio = n_all / (small["dockerfiles"] + small["compose"])
    byte_ratio = big["bytes"] / small["bytes"]
    def growth(label, lo, hi, scale):
        """`label`: wall and CPU ratios of hi over lo, scaled to an exact ×10 of input."""
        w = hi[0] / lo[0] / scale
        c = hi[1] / lo[1] / scale if lo[1] and hi[1] else None
        print(f"  {label}: {fmt_t(lo[0])} → {fmt_t(hi[0])} wall (CPU {fmt_t(lo[1])} → {fmt_t(hi[1])}): "
              f"×{w:.2f} wall, ×{c:.2f} CPU" if c else f"×{w:.2f} wall")
        return w, c
    print("growth (ratios scaled to exactly ×10 the input)")
    g_files = growth(f"cachebust json, {a.small} → {a.files} files", cs, cbig, file_ratio / 10)
    g_run = growth("cachebust json, 100 KB → 1 MB RUN", r100, r1m, 1.024)
    f100, f1m = t("cb-run-100k-full"), t("cb-run-1m-full")
    g_full = growth("cachebust full (the default output), 100 KB → 1 MB RUN", f100, f1m, 1.024) if f100 and f1m else None
    print(f"  (the 1 MB RUN: cat {fmt_t(cat1m[0])}; cachebust peak RSS {fmt_mb(r1m[2])} json, {fmt_mb(f1m[2]) if f1m else '-'} full)")
    print()
    print("targets (issues 9 and 19)")
    peak = max((m[2] for m in (t("cb-json-big"), t("cb-full-big"), t("cb-diff-big")) if m and m[2]), default=None)

    def target(text, ok, value):
        print(f"  {'MET   ' if ok else 'MISSED'} {text}: {value}")
    if hlb:
        x = hlb[0] / cbig[0]
        xc = f", {hlb[1] / cbig[1]:.0f}× in CPU time" if hlb[1] and cbig[1] else ""
        target("throughput ≥100× hadolint's on the same Dockerfiles", x >= 100, f"{x:.0f}× in wall time{xc} ({x / 100:.2f}× the target)")
    else:
        print("  n/a    throughput vs hadolint: hadolint unavailable")
    x = cbig[0] / cat[0]
    xc = f", {cbig[1] / cat[1]:.0f}× in CPU time" if cat[1] and cbig[1] else ""
    target("within 3× of the cat floor", x <= 3, f"{x:.1f}× cat in wall time{xc}" + (f" ({x / 3:.1f}× over the allowed 3×)" if x > 3 else ""))
    if hl1:
        x = hl1[0] / cb1[0]
        xc = f", {hl1[1] / cb1[1]:.1f}× in CPU time" if hl1[1] and cb1[1] else ""
        target("single-file run ≥10× faster than hadolint's", x >= 10, f"{x:.1f}× in wall time{xc}")
    else:
        print("  n/a    single file vs hadolint: hadolint unavailable")
    if single:
        one, stdin = single["cachebust check FILE"], single["cachebust check - --stdin-filename"]
        for label, m in [("check FILE", one), ("check - --stdin-filename", stdin)]:
            x = m["cpu"] / ver["cpu"]
            target(f"{label}: CPU at most 1.5× --version's (issue 19)", x <= 1.5,
                   f"{x:.2f}× ({fmt_t(m['cpu'])} vs {fmt_t(ver['cpu'])})")
            if hl_s:
                x = hl_s["cpu"] / m["cpu"]
                target(f"{label}: ≥30× less CPU than hadolint FILE (issue 19)", x >= 30, f"{x:.0f}×")
    # Linearity is judged on CPU time when known: wall time swings with other load on the machine.
    for text, g in [("10× the files costs at most ~10× the time", g_files),
                    ("10× longer RUN costs at most ~10× the time (json)", g_run),
                    ("10× longer RUN costs at most ~10× the time (full, the default output)", g_full)]:
        if g:
            x = g[1] if g[1] else g[0]
            target(text, x <= 10.5, f"×{x:.2f} {'CPU' if g[1] else 'wall'} (×{g[0]:.2f} wall)")
    if peak:
        target(f"peak memory under 64 MB on {a.files} files", peak < 64 * 1024, fmt_mb(peak))
    prof = os.path.join(R, "perf-top.txt")
    if os.path.exists(prof):
        print()
        print(f"profile (perf, one json run over the {a.small}-file corpus)")
        print(open(prof).read().rstrip())


if __name__ == "__main__":
    main()
