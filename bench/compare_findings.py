#!/usr/bin/env python3
"""Compares cachebust's JSON findings on a generated corpus with what the generator meant.

    compare_findings.py CORPUS_DIR FINDINGS.json [--cwd DIR] [--show N]

Reads CORPUS_DIR/.bench/expected.tsv (path, codes) and ignored.lst. Prints one summary line, then up to N
files whose set of codes differs (expected vs found), and any finding in a file .gitignore hides. Only
Dockerfiles are compared; compose findings are counted. Exit 0 always: this is a report, not a test.
"""
import argparse
import collections
import json
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("findings")
    ap.add_argument("--cwd", default=os.getcwd(), help="directory the linter ran in (its paths are relative to it)")
    ap.add_argument("--show", type=int, default=8)
    a = ap.parse_args()
    meta = os.path.join(a.corpus, ".bench")
    expected = {}
    with open(os.path.join(meta, "expected.tsv")) as f:
        for line in f:
            path, codes = line.rstrip("\n").split("\t")
            expected[os.path.realpath(path)] = set() if codes == "none" else set(codes.split())
    with open(os.path.join(meta, "ignored.lst")) as f:
        ignored = {os.path.realpath(l.strip()) for l in f if l.strip()}
    with open(a.findings) as f:
        findings = json.load(f)
    found = collections.defaultdict(set)
    by_code = collections.Counter()
    for x in findings:
        by_code[x["code"]] += 1
        found[os.path.realpath(os.path.join(a.cwd, x["path"]))].add(x["code"])
    leaked = sorted(p for p in found if p in ignored)
    outside = sorted(p for p in found if p not in expected and p not in ignored)
    diffs = []
    for path, want in sorted(expected.items()):
        got = found.get(path, set())
        if got != want:
            diffs.append((path, want, got))
    kinds = collections.Counter((" ".join(sorted(w)) or "none", " ".join(sorted(g)) or "none") for _, w, g in diffs)
    print(f"findings: {len(findings)} ({', '.join(f'{c} {n}' for c, n in sorted(by_code.items()))}); "
          f"Dockerfiles as meant: {len(expected) - len(diffs)}/{len(expected)}; "
          f"ignored files linted: {len(leaked)}; findings in other files (compose): {len(outside)}")
    for (want, got), n in kinds.most_common(a.show):
        example = next(p for p, w, g in diffs if (" ".join(sorted(w)) or "none", " ".join(sorted(g)) or "none") == (want, got))
        print(f"  meant {want:<16} found {got:<16} x{n:<5} e.g. {os.path.relpath(example, a.cwd)}")
    for p in leaked[: a.show]:
        print(f"  linted although .gitignore hides it: {os.path.relpath(p, a.cwd)}")


if __name__ == "__main__":
    main()
