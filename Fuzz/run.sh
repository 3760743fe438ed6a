#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer and AddressSanitizer and runs each
# for SECONDS on a copy of its committed corpus. Fails if any finds a crash,
# which is left in Fuzz/crashes/ (add it to Fuzz/regressions/ once fixed).
# Usage: Fuzz/run.sh SECONDS [csv transcript telegram codebook refi match import coding]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: Fuzz/run.sh SECONDS [targets]}
shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(csv transcript telegram codebook refi match import coding)
# SwiftPM hands swiftc `-sanitize=fuzzer -sanitize=address`, of which the
# compiler keeps only the last: the Swift code got AddressSanitizer but no
# coverage counters, and libFuzzer saw only the C code's edges (40 on the CSV
# seeds). One combined flag instruments it (1,363 edges on the same seeds).
swift build --sanitize=fuzzer --sanitize=address \
  -Xswiftc -sanitize=fuzzer,address 2>&1 | tail -1
# (`grep -q` would stop reading at the first match, and objdump's SIGPIPE
# fail the pipeline under pipefail.)
if ! objdump -h .build/debug/QDAImport.build/CSVReader.swift.o | grep sancov >/dev/null; then
  echo "error: the Swift code was built without coverage counters" >&2
  exit 1
fi
mkdir -p crashes
status=0
for target in "${targets[@]}"; do
  case $target in
    csv) binary=FuzzCSV ;;
    transcript) binary=FuzzTranscript ;;
    telegram) binary=FuzzTelegram ;;
    codebook) binary=FuzzCodebook ;;
    refi) binary=FuzzREFI ;;
    match) binary=FuzzMatch ;;
    import) binary=FuzzImport ;;
    coding) binary=FuzzCoding ;;
    *) echo "unknown target $target" >&2; exit 64 ;;
  esac
  work=$(mktemp -d)
  # The targets write each input to a file there (FuzzSupport/InputFile).
  scratch=$(mktemp -d)
  cp corpus/"$target"/* "$work"/
  echo "== $binary, $seconds s"
  if ! TMPDIR="$scratch" SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 .build/debug/$binary "$work" -max_total_time="$seconds" -timeout=20 \
      -rss_limit_mb=3000 -max_len=65536 -detect_leaks=0 -seed=1 -artifact_prefix="crashes/$target-" \
      -print_final_stats=1 2>&1 | grep -E "^stat::number_of_executed_units|ERROR|SUMMARY|Done"; then
    :
  fi
  if ls crashes/"$target"-* >/dev/null 2>&1; then
    echo "error: $binary found a crash: $(ls crashes/"$target"-*)" >&2
    status=1
  fi
  rm -rf "$work" "$scratch"
done
exit $status
