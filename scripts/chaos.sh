#!/usr/bin/env bash
# The long chaos run: N random edit sequences (default 100) of STEPS steps (default 25) on the mock,
# each disturbed by throttling, failed calls, lost answers and SIGKILLs (tests/chaos/).
# A failing sequence is shrunk and written to tests/chaos/regressions/.
#   scripts/chaos.sh [N] [STEPS] [FIRST_SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
export IAMFORM_CHAOS_SEQUENCES="${1:-100}" IAMFORM_CHAOS_STEPS="${2:-25}" IAMFORM_CHAOS_SEED="${3:-1000}"
exec cargo test --release --test suite chaos::random -- --nocapture
