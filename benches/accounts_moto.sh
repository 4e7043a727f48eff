#!/usr/bin/env bash
# `plan --all` through the aws backend on moto (issue 21's target: 20 accounts planned
# concurrently take less than 3 x the time of one account of the same size).
#
# One moto server (.ci/moto.sh) serves every account: each account's backend block assumes a role
# in its own account id (`assume_role_arn = "arn:aws:iam::ID:role/iamform"`), and moto hands out
# credentials of the role's account, so the IAM calls made with them read and change that
# account only -- as an organisation's CI does it, one role per member account.
#   1. `iamform synth` writes an ENTITIES-entity configuration, copied into ACCOUNTS account
#      directories, each with its own account id;
#   2. `plan --all --out` and `apply --all` create them in moto (the seeding, timed);
#   3. `plan --all` (no changes) is timed RUNS times over a tree holding one of those accounts,
#      and RUNS times over the tree of all of them with --accounts-parallelism ACCOUNTS.
# Usage: bash benches/accounts_moto.sh [ACCOUNTS=20] [ENTITIES=200] [RUNS=5]
set -euo pipefail
cd "$(dirname "$0")/.."
accounts="${1:-20}"
entities="${2:-200}"
runs="${3:-5}"
cargo build --release --quiet
bin="$PWD/target/release/iamform"
bash .ci/moto.sh install
endpoint="$(bash .ci/moto.sh start)"
work="$(mktemp -d)"
trap 'bash .ci/moto.sh stop; rm -rf "$work"' EXIT
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true

# moto 5.2.5 neither sets nor returns user permissions boundaries (see benches/moto.sh); tags
# of policies and instance profiles cost a call each to read and are left out as there.
"$bin" synth --entities "$entities" --no-user-boundaries "$work/synth" 2>/dev/null
awk '/^(policy|instance_profile) "/ { in_block = 1 } /^}/ { in_block = 0 }
     in_block && /^  tags = \{$/ { skipping = 1; next }
     skipping { if (/^  }$/) skipping = 0; next }
     { print }' "$work/synth/main.hcl" >"$work/main.hcl"

account_dir() { # ROOT I: writes account I's configuration under ROOT
    local id dir
    id="$(printf '%012d' "$((100000000000 + $2))")"
    dir="$1/accounts/a$2"
    mkdir -p "$dir"
    sed "s/123456789012/$id/g" "$work/main.hcl" >"$dir/main.hcl"
    cat >"$dir/backend.hcl" <<HCL
backend "aws" {
  endpoint_url    = "$endpoint"
  account_id      = "$id"
  assume_role_arn = "arn:aws:iam::$id:role/iamform"
}
HCL
}
for i in $(seq 1 "$accounts"); do
    account_dir "$work/all" "$i"
done
account_dir "$work/one" 1

echo "== $accounts accounts of $entities entities on moto ($endpoint)"
start=$(date +%s.%N)
"$bin" plan --all "$work/all" --out "$work/plans" --accounts-parallelism 4 -q >/dev/null
# moto is not thread-safe under concurrent writes: few IAM calls at once keep its 500s rare.
"$bin" apply --all "$work/plans" --auto-approve --accounts-parallelism 4 --parallelism 2 -q >/dev/null
end=$(date +%s.%N)
printf "seeded %s entities in %s accounts in %.1f s\n" "$((accounts * entities))" "$accounts" \
    "$(echo "$end - $start" | bc)"
"$bin" plan --all "$work/all" --detailed-exitcode -q >/dev/null ||
    { echo "the accounts did not converge" >&2; exit 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
time_plan() { # ROOT PARALLELISM: RUNS wall times of plan --all, one a line
    for _ in $(seq 1 "$runs"); do
        /usr/bin/time -f "%e" "$bin" plan --all "$1" --accounts-parallelism "$2" \
            --detailed-exitcode -q 2>&1 >/dev/null | tail -1
    done
}
echo "== plan --all (no changes), $runs runs each; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
one="$(time_plan "$work/one" 1)"
all="$(time_plan "$work/all" "$accounts")"
one_median="$(echo "$one" | median)"
all_median="$(echo "$all" | median)"
echo "1 account:   $(echo "$one" | sort -n | tr '\n' ' ')s; median $one_median s"
echo "$accounts accounts: $(echo "$all" | sort -n | tr '\n' ' ')s; median $all_median s"
echo "ratio $(echo "scale=2; $all_median / $one_median" | bc) (target < 3)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
