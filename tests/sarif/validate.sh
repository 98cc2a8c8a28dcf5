#!/usr/bin/env bash
# Validates cachebust's SARIF output with Microsoft's SARIF Multitool (`validate`, SARIF and GitHub rule
# kinds). The multitool reports problems as `error`/`warning` lines but exits 0, so those lines fail here.
set -euo pipefail
cd "$(dirname "$0")/../.."
tool_dir=target/sarif-multitool
bin="$tool_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$bin" ]; then
  mkdir -p "$tool_dir"
  npm install --silent --no-audit --no-fund --prefix "$tool_dir" @microsoft/sarif-multitool@5 >/dev/null
fi
cachebust=${CACHEBUST:-target/debug/cachebust}
[ -x "$cachebust" ] || cargo build --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
set +e
"$cachebust" check testdata --output-format sarif > "$out/cachebust.sarif"
status=$?
set -e
[ "$status" -eq 1 ] || { echo "sarif: expected exit 1 (findings), got $status"; exit 1; }
"$bin" validate "$out/cachebust.sarif" --output "$out/validation.sarif" --log ForceOverwrite \
  --rule-kind "Sarif;Gh" --level "Error;Warning" --kind "Fail" > "$out/validate.log" 2>&1
results=$(grep -cE ': (error|warning) ' "$out/validate.log" || true)
if [ "$results" -ne 0 ]; then
  grep -E ': (error|warning) ' "$out/validate.log"
  echo "sarif: 0 passed, 1 failed"
  exit 1
fi
findings=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['runs'][0]['results']))" "$out/cachebust.sarif")
echo "sarif: $findings results validated by the SARIF Multitool with no errors or warnings"
