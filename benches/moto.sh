#!/usr/bin/env bash
# Read and plan of a large account through the aws backend against a local moto server (issue 9:
# at most ceil(entities / 1000) + 5 IAM calls to read an account).
#   1. `iamform synth` writes an N-entity configuration;
#   2. `iamform apply` creates it in a fresh moto through `--backend aws` (the seeding, timed);
#   3. `iamform plan -v` against the same moto: expect "No changes" and print the IAM calls it took.
# Usage: bash benches/moto.sh [N]   (default 10000; seeding 10k takes a few minutes on moto)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
cargo build --release --quiet
bin="$PWD/target/release/iamform"
bash .ci/moto.sh install
endpoint="$(bash .ci/moto.sh start)"
work="$(mktemp -d)"
trap 'bash .ci/moto.sh stop; rm -rf "$work"' EXIT
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
aws=(--backend aws --endpoint-url "$endpoint")

# moto 5.2.5 neither sets nor returns user permissions boundaries (see tests/conformance/target.rs),
# so the synthetic users have none here.
"$bin" synth --entities "$n" --no-user-boundaries "$work/synth" 2>/dev/null
# IAM has no bulk call that returns the tags of customer managed policies or instance profiles: a
# configuration that declares them costs one ListPolicyTags / GetInstanceProfile per such entity
# (measured at 1k: 50 + 14 calls on top of the read). The account read is measured without them.
mkdir -p "$work/config"
awk '/^(policy|instance_profile) "/ { in_block = 1 } /^}/ { in_block = 0 }
     in_block && /^  tags = \{$/ { skipping = 1; next }
     skipping { if (/^  }$/) skipping = 0; next }
     { print }' "$work/synth/main.hcl" >"$work/config/main.hcl"
# moto is not thread-safe under concurrent writes; a parallelism of 4 keeps its 500s rare (retried).
start=$(date +%s.%N)
"$bin" apply "$work/config" "${aws[@]}" --auto-approve --parallelism 4 -q >/dev/null
end=$(date +%s.%N)
printf "seeded %s entities into moto in %.1f s\n" "$n" "$(echo "$end - $start" | bc)"

start=$(date +%s.%N)
"$bin" plan "$work/config" "${aws[@]}" --detailed-exitcode -v >"$work/plan.txt" 2>"$work/plan.err" ||
    { echo "plan was not empty or failed (exit $?):"; tail -n 40 "$work/plan.txt"; tail -n 20 "$work/plan.err"; exit 1; }
end=$(date +%s.%N)
printf "plan against moto: %.2f s, no changes\n" "$(echo "$end - $start" | bc)"
sed -n '/IAM API calls/,$p' "$work/plan.err"
calls="$(sed -n 's/^IAM API calls: //p' "$work/plan.err")"
budget=$(( (n + 999) / 1000 + 5 ))
echo "read budget ceil($n/1000)+5 = $budget calls; used $calls"
[ "$calls" -le "$budget" ]
