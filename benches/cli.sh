#!/usr/bin/env bash
# End-to-end timings of the release binary on this machine (issue 9 targets):
#   - plan of an N-entity configuration against an identical N-entity mock account
#     (wall time and peak memory, for N = 1k, 10k, 50k);
#   - apply of 1,000 independent creates on the mock with latency_ms=20 at parallelism 10.
# Usage: bash benches/cli.sh [N ...]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="$PWD/target/release/iamform"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)

measure() { # prints "wall_s peak_mb" of a command (GNU time when present, else wall only)
    if command -v /usr/bin/time >/dev/null; then
        /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f s  %.0f MB\n", $1, $2/1024}'
    else
        local start end
        start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N)
        echo "$(echo "$end - $start" | bc) s"
    fi
}

echo "== plan, configuration identical to the account (expect: No changes)"
for n in "${sizes[@]}"; do
    dir="$work/synth-$n"
    "$bin" synth --entities "$n" "$dir" 2>/dev/null
    "$bin" plan "$dir" --backend "mock:$dir/account.json" --detailed-exitcode -q >/dev/null
    printf "%6s entities: " "$n"
    measure "$bin" plan "$dir" --backend "mock:$dir/account.json" -q
done

echo "== apply of 1000 independent creates, latency_ms=20, parallelism 10 (target <= 1.3 x 2.0 s = 2.6 s)"
dir="$work/creates"
mkdir -p "$dir"
for i in $(seq 0 999); do echo "user \"u$i\" {}"; done >"$dir/main.hcl"
start=$(date +%s.%N)
IAMFORM_MOCK_FAULTS=latency_ms=20 "$bin" apply "$dir" --backend "mock:$dir/account.json" \
    --auto-approve --parallelism 10 -q >/dev/null
end=$(date +%s.%N)
echo "1000 creates: $(echo "$end - $start" | bc) s"
