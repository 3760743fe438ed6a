#!/usr/bin/env bash
# Formats the Swift sources in place, then lints them strictly.
# Usage: Scripts/format.sh [--lint-only]
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests Benchmarks Fuzz/Package.swift Fuzz/Targets)
if [[ "${1:-}" != "--lint-only" ]]; then
  swift format format --in-place --parallel --recursive "${paths[@]}"
fi
swift format lint --strict --parallel --recursive "${paths[@]}"
