#!/usr/bin/env bash
# Validates cachebust's SARIF output with Microsoft's SARIF Multitool (`validate`, SARIF and GitHub rule
# kinds). The multitool exits 0 whatever it finds, so its own SARIF log of problems is read: any result
# fails. A deliberately broken log is validated first, so a validator that stops reporting (a new version,
# a changed log format) fails this script instead of passing everything.
set -euo pipefail
cd "$(dirname "$0")/../.."
tool_dir=target/sarif-multitool
bin="$tool_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$bin" ]; then
  mkdir -p "$tool_dir"
  npm install --silent --no-audit --no-fund --prefix "$tool_dir" @microsoft/sarif-multitool@5 >/dev/null
fi
# Always through cargo (a no-op when fresh), so a stale binary is never what gets validated.
if [ -z "${CACHEBUST:-}" ]; then
  cargo build --quiet --locked
  cachebust=target/debug/cachebust
else
  cachebust=$CACHEBUST
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# problems FILE: how many problems the multitool finds in FILE (its validation log's results).
problems() {
  rm -f "$out/validation.sarif"
  "$bin" validate "$1" --output "$out/validation.sarif" --log ForceOverwrite \
    --rule-kind "Sarif;Gh" --level "Error;Warning" --kind "Fail" > "$out/validate.log" 2>&1 || true
  python3 - "$out/validation.sarif" <<'PY'
import json, sys
try:
    log = json.load(open(sys.argv[1]))
    print(sum(len(run.get("results", [])) for run in log["runs"]))
except Exception as e:  # no log, or not SARIF: the validator itself failed
    print(f"validator wrote no readable log: {e}", file=sys.stderr)
    print(-1)
PY
}

# The control: a result without a message and a run without a tool must be reported.
printf '{"version":"2.1.0","$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[{"results":[{"ruleId":"X"}]}]}\n' > "$out/broken.sarif"
control=$(problems "$out/broken.sarif")
if [ "$control" -le 0 ]; then
  cat "$out/validate.log"
  echo "sarif: the validator found no problem in a broken log (count $control): it is not validating"
  echo "sarif: 0 passed, 1 failed"
  exit 1
fi
set +e
"$cachebust" check testdata --output-format sarif > "$out/cachebust.sarif"
status=$?
set -e
[ "$status" -eq 1 ] || { echo "sarif: expected exit 1 (findings), got $status"; exit 1; }
results=$(problems "$out/cachebust.sarif")
if [ "$results" -ne 0 ]; then
  cat "$out/validate.log"
  echo "sarif: the validator reports $results problems in cachebust's SARIF"
  echo "sarif: 0 passed, 1 failed"
  exit 1
fi
findings=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['runs'][0]['results']))" "$out/cachebust.sarif")
echo "sarif: $findings results validated by the SARIF Multitool with no errors or warnings (control: $control problems found in a broken log)"
