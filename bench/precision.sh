#!/usr/bin/env bash
# Precision and recall of `cachebust check` against the `# expect:` lines of every fixture under
# testdata/ (each directory linted as a whole tree, as a user would run it), overall and for the
# testdata/real-* corpus (reproducers of what real repositories showed). A finding counts as a true
# positive when its code is among the fixture's expected codes (as a multiset: two expected CB001s and
# three reported make one false positive). Exits 1 when either figure is below MIN (default 1.0).
#
#   bash bench/precision.sh              # builds the debug binary, prints the table
#   CACHEBUST=path/to/cachebust bash bench/precision.sh
#   VERBOSE=1 bash bench/precision.sh    # every fixture that is off, with its codes
set -euo pipefail
cd "$(dirname "$0")/.."
MIN=${MIN:-1.0}
if [[ -z "${CACHEBUST:-}" ]]; then
  cargo build --quiet --locked
  CACHEBUST=target/debug/cachebust
fi

declare -A tp fp fn
for group in all real; do tp[$group]=0; fp[$group]=0; fn[$group]=0; done
fixtures=0
for dir in testdata/*/; do
  dir=${dir%/}
  # Only the fixture's own files (as the test suite reads them), not its subdirectories.
  lines=$(cat "$dir"/* 2>/dev/null | grep -a -o '# expect:.*' || true)
  [[ -z "$lines" ]] && continue
  expected=$(printf '%s\n' "$lines" | sed 's/# expect://' | tr ' \r' '\n\n' | grep -E '^CB[0-9]+$' | sort || true)
  fixtures=$((fixtures + 1))
  reported=$(NO_COLOR=1 "$CACHEBUST" check "$dir" --output-format json 2>/dev/null \
    | grep -o '"code": *"CB[0-9]*"' | grep -o 'CB[0-9]*' | sort || true)
  # Multiset intersection of the two sorted lists.
  hit=$(comm -12 <(printf '%s\n' "$expected" | sed '/^$/d') <(printf '%s\n' "$reported" | sed '/^$/d') | wc -l)
  n_expected=$(printf '%s\n' "$expected" | sed '/^$/d' | wc -l)
  n_reported=$(printf '%s\n' "$reported" | sed '/^$/d' | wc -l)
  groups=(all)
  [[ $(basename "$dir") == real-* ]] && groups+=(real)
  for group in "${groups[@]}"; do
    tp[$group]=$((tp[$group] + hit))
    fp[$group]=$((fp[$group] + n_reported - hit))
    fn[$group]=$((fn[$group] + n_expected - hit))
  done
  if [[ -n "${VERBOSE:-}" && ($hit -ne $n_expected || $hit -ne $n_reported) ]]; then
    echo "off: $dir expected [$(echo $expected)] reported [$(echo $reported)]"
  fi
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + b == 0) print "1.000"; else printf "%.3f", a / (a + b) }'; }
status=0
printf '%-16s %5s %5s %5s %9s %7s\n' corpus tp fp fn precision recall
for group in all real; do
  p=$(ratio "${tp[$group]}" "${fp[$group]}")
  r=$(ratio "${tp[$group]}" "${fn[$group]}")
  printf '%-16s %5d %5d %5d %9s %7s\n' "$group" "${tp[$group]}" "${fp[$group]}" "${fn[$group]}" "$p" "$r"
  if awk -v p="$p" -v r="$r" -v m="$MIN" 'BEGIN { exit !(p < m || r < m) }'; then status=1; fi
done
echo "fixtures: $fixtures"
exit $status
