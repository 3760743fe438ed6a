#!/usr/bin/env bash
# Import benchmark: time and peak memory of `qda import reports` on generated
# files of 10,000, 100,000 and 300,000 cases, with a release build. See README.md here.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product qda >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-8s %10s %10s %12s %12s\n' cases bytes seconds "peak RSS KiB" "db KiB"
for n in 10000 100000 300000; do
  python3 Benchmarks/generate-reports.py "$n" > "$work/cases-$n.csv"
  rm -f "$work/qda.sqlite"*
  /usr/bin/time -f '%e %M' -o "$work/time" \
    .build/release/qda import reports "$work/cases-$n.csv" --db "$work/qda.sqlite" 2>"$work/stderr" \
    || { cat "$work/stderr"; exit 1; }
  read -r seconds rss < "$work/time"
  printf '%-8s %10s %10s %12s %12s\n' "$n" "$(stat -c %s "$work/cases-$n.csv")" "$seconds" "$rss" \
    "$(( $(stat -c %s "$work/qda.sqlite") / 1024 ))"
done
