#!/usr/bin/env bash
# What verifying a saved plan costs, release binary on this machine: for an N-entity configuration
# identical to its mock account, the size of `plan --out` (which embeds the configuration), and the
# median wall time of 5 runs of `apply DIR --auto-approve` against `apply PLANFILE` (structure,
# digest, stale check, evaluating and planning the embedded configuration again).
# Usage: bash benches/saved.sh [N ...]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="$PWD/target/release/iamform"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

median() { # median wall seconds of 5 runs of a command
    for _ in 1 2 3 4 5; do
        local start end
        start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N)
        echo "$end - $start" | bc
    done | sort -n | sed -n 3p
}

for n in "${sizes[@]}"; do
    dir="$work/synth-$n"
    "$bin" synth --entities "$n" "$dir" 2>/dev/null
    acct="mock:$dir/account.json"
    "$bin" plan "$dir" --backend "$acct" --out "$work/plan-$n.json" -q >/dev/null
    config_kb=$(du -k -c "$dir"/*.hcl | tail -1 | cut -f1)
    plan_kb=$(du -k "$work/plan-$n.json" | cut -f1)
    printf "%6s entities: configuration %6s KB, saved plan %6s KB\n" "$n" "$config_kb" "$plan_kb"
    printf "        apply DIR      %s s\n" "$(median "$bin" apply "$dir" --backend "$acct" --auto-approve -q)"
    printf "        apply PLANFILE %s s\n" "$(median "$bin" apply "$work/plan-$n.json" -q)"
done
