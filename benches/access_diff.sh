#!/usr/bin/env bash
# The cost of access changes in plans (issue 16 target: a plan of the 10k-entity synthetic
# configuration in which a tenth of the policies change stays <= 1 s and <= 300 MB, release
# build): the median wall time and peak memory of RUNS plans against a mock account whose every
# tenth customer managed policy differs from the configuration (one statement more), so that each
# principal holding one of them (directly or through a group) gets an access diff.
# Usage: bash benches/access_diff.sh [N [RUNS]]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
runs="${2:-7}"
cargo build --release --quiet
bin="$PWD/target/release/iamform"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" synth --entities "$n" "$work" 2>/dev/null
cp "$work/account.json" "$work/same.json"
python3 - "$work/account.json" <<'PY'
import json, sys
path = sys.argv[1]
mock = json.load(open(path))
policies = mock["account"]["policies"]
for i, name in enumerate(sorted(policies)):
    if i % 10 == 0:
        document = policies[name]["document"]
        statements = document["Statement"]
        statements = statements if isinstance(statements, list) else [statements]
        document["Statement"] = statements + [
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]
json.dump(mock, open(path, "w"))
PY

run() { # one plan against the mock account $1: "wall_s peak_kb"
    /usr/bin/time -f "%e %M" "$bin" plan "$work" --backend "mock:$1" -q 2>&1 >/dev/null | tail -1
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # the median wall time and peak memory of RUNS plans against $1: "wall_s peak_mb"
    local results=()
    for _ in $(seq "$runs"); do results+=("$(run "$1")"); done
    local wall peak
    wall=$(printf '%s\n' "${results[@]}" | awk '{print $1}' | median)
    peak=$(printf '%s\n' "${results[@]}" | awk '{print $2}' | median)
    echo "$wall s, $((peak / 1024)) MB"
}

changed=$(measure "$work/account.json")
same=$(measure "$work/same.json")
changes=$("$bin" plan "$work" --backend "mock:$work/account.json" --json -q | python3 -c '
import json, sys
p = json.load(sys.stdin)
a = p["access_changes"]
grants = sum(len(c["gained"]) + len(c["lost"]) for c in a)
print(len(p["changes"]), "entity changes,", len(a), "principals with access changes,", grants, "grants")')
echo "== $n entities, a tenth of the policies changed, median of $runs runs"
echo "plan with access changes (target <= 1 s, <= 300 MB): $changed"
echo "plan of the same configuration with nothing changed: $same"
echo "$changes"
