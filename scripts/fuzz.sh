#!/usr/bin/env bash
# Long fuzzing runs of the structure-aware targets (tests/hostile/): policy JSON, the mock account
# file, import of strange accounts, variable values and configurations. CI runs each with 48-64
# cases; this runs N (default 2000) per target.
#   scripts/fuzz.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
export IAMFORM_FUZZ_CASES="${1:-2000}"
exec cargo test --release --test suite hostile:: -- --nocapture
