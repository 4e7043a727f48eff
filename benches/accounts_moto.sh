#!/usr/bin/env bash
# `plan --all` through the aws backend on moto (issue 21's target: 20 accounts planned
# concurrently take less than 3 x the time of one account of the same size).
#
# One moto server (.ci/moto.sh) serves every account: each account's backend block assumes a role
# in its own account id (`assume_role_arn = "arn:aws:iam::ID:role/iamform"`), and moto hands out
# credentials of the role's account, so the IAM calls made with them read and change that
# account only -- as an organisation's CI does it, one role per member account.
#   1. an ENTITIES-entity configuration (below) is copied into ACCOUNTS account directories, each
#      with its own account id;
#   2. `plan --all --out` and `apply --all` create them in moto (the seeding, timed);
#   3. `plan --all` (no changes) is timed RUNS times over a tree holding one of those accounts,
#      and RUNS times over the tree of all of them with --accounts-parallelism ACCOUNTS;
#   4. the same two timings again through benches/latency_proxy.py, which holds each call LATENCY_MS
#      (default 50) before passing it to moto, as IAM's endpoint does over a network.
# From the same machine moto answers in about a millisecond and works on one core (one Python
# process), so step 3 measures moto's CPU: 20 accounts are 20 times its work. Step 4 measures what
# concurrency across accounts is for, overlapping the waits on IAM.
# Usage: [LATENCY_MS=50] bash benches/accounts_moto.sh [ACCOUNTS=20] [ENTITIES=100] [RUNS=5]
set -euo pipefail
cd "$(dirname "$0")/.."
accounts="${1:-20}"
entities="${2:-100}"
runs="${3:-5}"
latency_ms="${LATENCY_MS:-50}"
cargo build --release --quiet
bin="$PWD/target/release/iamform"
bash .ci/moto.sh install
endpoint="$(bash .ci/moto.sh start)"
work="$(mktemp -d)"
proxy_pid=""
trap '[ -z "$proxy_pid" ] || kill "$proxy_pid"; bash .ci/moto.sh stop; rm -rf "$work"' EXIT
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true

# Each account: ENTITIES / 4 each of customer managed policies, groups attaching them, users in
# those groups (tagged) and roles trusting EC2 with the policies attached. Not `iamform synth`:
# its AWS managed policies (AdministratorAccess, ...) make the seeding plans' access changes
# (src/access/) cost 1.3 GB and more per account from nothing, which the timed plans, with no
# changes, never compute.
python3 - "$entities" >"$work/main.hcl" <<'EOF'
import sys
for i in range(int(sys.argv[1]) // 4):
    print(f"""policy "p{i}" {{
  statement {{
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:aws:s3:::bucket-{i}/*"]
  }}
}}

group "g{i}" {{
  policies = [policy.p{i}.arn]
}}

user "u{i}" {{
  groups = [group.g{i}.name]
  tags   = {{ team = "t{i}" }}
}}

role "r{i}" {{
  policies = [policy.p{i}.arn]
  assume_role_policy {{
    statement {{
      actions = ["sts:AssumeRole"]
      principals {{ service = ["ec2.amazonaws.com"] }}
    }}
  }}
}}
""")
EOF

account_dir() { # ROOT I [ENDPOINT]: writes account I's configuration under ROOT
    local id dir url="${3:-$endpoint}"
    id="$(printf '%012d' "$((100000000000 + $2))")"
    dir="$1/accounts/a$2"
    mkdir -p "$dir"
    cp "$work/main.hcl" "$dir/main.hcl"
    cat >"$dir/backend.hcl" <<HCL
backend "aws" {
  endpoint_url    = "$url"
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
"$bin" apply --all "$work/plans" --auto-approve --accounts-parallelism 2 --parallelism 2 -q >/dev/null
end=$(date +%s.%N)
printf "seeded %s entities in %s accounts in %.1f s\n" "$((accounts * entities))" "$accounts" \
    "$(echo "$end - $start" | bc)"
"$bin" plan --all "$work/all" --detailed-exitcode -q >/dev/null ||
    { echo "the accounts did not converge" >&2; exit 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
moto_pid="$(cat .build/moto.pid)"
moto_cpu() { # CPU seconds moto_server has used so far (user + system)
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$moto_pid/stat"
}
time_plan() { # ROOT PARALLELISM: per run "wall iamform-CPU moto-CPU" (seconds)
    local before after t
    for _ in $(seq 1 "$runs"); do
        before="$(moto_cpu)"
        t="$(/usr/bin/time -f "%e %U %S" "$bin" plan --all "$1" --accounts-parallelism "$2" \
            --detailed-exitcode -q 2>&1 >/dev/null | tail -1)"
        after="$(moto_cpu)"
        echo "$t" | awk -v m="$(echo "$after - $before" | bc)" '{ printf "%s %.2f %s\n", $1, $2 + $3, m }'
    done
}
report() { # LABEL TIMES
    echo "$1: wall $(echo "$2" | cut -d' ' -f1 | sort -n | tr '\n' ' ')s; median wall" \
        "$(echo "$2" | cut -d' ' -f1 | median) s, iamform CPU $(echo "$2" | cut -d' ' -f2 | median) s," \
        "moto CPU $(echo "$2" | cut -d' ' -f3 | median) s"
}
echo "== plan --all (no changes), $runs runs each; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
one="$(time_plan "$work/one" 1)"
all="$(time_plan "$work/all" "$accounts")"
report "1 account" "$one"
report "$accounts accounts" "$all"
echo "ratio of the median walls $(echo "scale=2; $(echo "$all" | cut -d' ' -f1 | median) / $(echo "$one" | cut -d' ' -f1 | median)" | bc) (target < 3)"
python3 benches/latency_proxy.py "$endpoint" "$latency_ms" >"$work/proxy.url" &
proxy_pid=$!
for _ in $(seq 1 50); do [ -s "$work/proxy.url" ] && break; sleep 0.1; done
proxy="$(cat "$work/proxy.url")"
for i in $(seq 1 "$accounts"); do
    account_dir "$work/all-latency" "$i" "$proxy"
done
account_dir "$work/one-latency" 1 "$proxy"
echo "== the same through a proxy adding $latency_ms ms to each call"
one="$(time_plan "$work/one-latency" 1)"
all="$(time_plan "$work/all-latency" "$accounts")"
report "1 account" "$one"
report "$accounts accounts" "$all"
echo "ratio of the median walls $(echo "scale=2; $(echo "$all" | cut -d' ' -f1 | median) / $(echo "$one" | cut -d' ' -f1 | median)" | bc) (target < 3)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
