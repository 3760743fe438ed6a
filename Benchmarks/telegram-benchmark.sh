#!/usr/bin/env bash
# Telegram benchmark: every stage on a generated chat export, with a release
# build: `import telegram`, `code auto --force`, `freq` by code and hour,
# `report`, `find`, each run RUNS times (all times printed), with peak RSS;
# then the Python yardstick once. See README.md here.
# Usage: Benchmarks/telegram-benchmark.sh [MESSAGES (1000000)] [RUNS (3)]
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-1000000}
runs=${2:-3}
swift build -c release --product qda >/dev/null 2>&1
qda=$PWD/.build/release/qda
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 Benchmarks/generate-telegram.py "$messages" > "$work/result.json"
echo "$messages messages, $(( $(stat -c %s "$work/result.json") / 1000000 )) MB of JSON; $runs runs per stage"
echo "| stage | seconds | peak RSS MiB |"
echo "|---|---|---|"
# Runs a stage RUNS times (after `prepare`, if given) and prints its row.
stage() {
  local name=$1 prepare=$2
  shift 2
  local times=() rss=()
  for _ in $(seq "$runs"); do
    [ -n "$prepare" ] && eval "$prepare"
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" \
      || { cat "$work/stderr"; exit 1; }
    read -r seconds kib < "$work/time"
    times+=("$seconds")
    rss+=("$(( kib / 1024 ))")
  done
  echo "| $name | ${times[*]} | ${rss[*]} |"
}
fresh="rm -f $work/qda.sqlite*"
db=(--db "$work/qda.sqlite")
stage "import telegram" "$fresh" "$qda" import telegram "$work/result.json" \
  --text-field request --quiet "${db[@]}"
stage "code auto --force" "" "$qda" code auto --codebook Codebooks/web-outreach.yml \
  --force "${db[@]}"
stage "freq --by code" "" "$qda" freq --by code "${db[@]}"
stage "freq --by hour" "" "$qda" freq --by hour "${db[@]}"
stage "report --format html" "" "$qda" report --format html \
  --output "$work/report.html" "${db[@]}"
stage "find налоксон" "" "$qda" find налоксон --limit 20 "${db[@]}"
echo "database: $(( $(stat -c %s "$work/qda.sqlite") / 1000000 )) MB"
runs=1 stage "Python yardstick (telegram-baseline.py)" "rm -f $work/baseline.sqlite" \
  python3 Benchmarks/telegram-baseline.py "$work/result.json" "$work/baseline.sqlite"
