#!/usr/bin/env bash
# `plan --all` over many mock accounts (issue 21's target: 200 accounts of 500 entities, <= 5 s
# and <= 1 GB on the 2-core machine, release build). Each account is a baseline module (40 CI
# roles with trust policies, a group, a managed policy: 42 entities) plus
# synthetic entities of its own (`iamform synth`), each in its own mock account with its own id.
# The accounts are first brought to their configuration with `plan --all --out` and
# `apply --all`, then `plan --all` (no changes) is timed: wall time and peak memory, median of
# RUNS runs.
# Usage: bash benches/accounts.sh [ACCOUNTS=200] [ENTITIES=500] [RUNS=5]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="$PWD/target/release/iamform"
accounts="${1:-200}"
entities="${2:-500}"
runs="${3:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/org/.git" "$work/org/modules/baseline" "$work/org/accounts"

cat >"$work/org/modules/baseline/main.hcl" <<'HCL'
variable "environment" { type = string }

role "ci" {
  for_each = toset([for i in range(40) : "ci-${i}"])
  name     = "${var.environment}-${each.key}"
  path     = "/baseline/"
  policies = [policy.deploy.arn]
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals { service = ["codebuild.amazonaws.com"] }
    }
  }
}

policy "deploy" {
  name = "${var.environment}-deploy"
  statement {
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:aws:s3:::${var.environment}-artifacts/*"]
  }
}

group "auditors" {
  name     = "${var.environment}-auditors"
  policies = ["arn:aws:iam::aws:policy/SecurityAudit"]
}
HCL

"$bin" synth --entities "$((entities - 42))" "$work/template" 2>/dev/null
for i in $(seq 1 "$accounts"); do
    id="$(printf '%012d' "$((100000000000 + i))")"
    dir="$work/org/accounts/a$i"
    mkdir -p "$dir"
    sed "s/123456789012/$id/g" "$work/template/main.hcl" >"$dir/main.hcl"
    sed "s/123456789012/$id/g" "$work/template/account.json" >"$dir/account.json"
    cat >"$dir/backend.hcl" <<HCL
backend "mock" {
  path       = "account.json"
  account_id = "$id"
}

module "baseline" {
  source      = "../../modules/baseline"
  environment = "a$i"
}
HCL
done

echo "== $accounts accounts of $entities entities: plan --all --out, then apply --all"
"$bin" plan --all "$work/org" --out "$work/plans" -q >/dev/null
start=$(date +%s.%N)
"$bin" apply --all "$work/plans" --auto-approve -q >/dev/null
end=$(date +%s.%N)
echo "apply --all of the baseline ($((accounts * 42)) entities): $(echo "$end - $start" | bc) s"
"$bin" plan --all "$work/org" --detailed-exitcode -q >/dev/null \
    || { echo "the accounts did not converge" >&2; exit 1; }

echo "== plan --all (no changes), $runs runs"
for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e %M %U %S" "$bin" plan --all "$work/org" -q 2>&1 >/dev/null | tail -1
done >"$work/times"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "wall (s): $(cut -d' ' -f1 "$work/times" | sort -n | tr '\n' ' ')"
# On a shared machine the wall time depends on the others' load; the CPU time (user + system,
# over both cores) does not.
echo "median wall $(cut -d' ' -f1 "$work/times" | median) s," \
    "median peak memory $(($(cut -d' ' -f2 "$work/times" | median) / 1024)) MB," \
    "median CPU $(awk '{ print $3 + $4 }' "$work/times" | median) s"
