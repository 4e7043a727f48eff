#!/usr/bin/env bash
# `iamform audit` of a mock account of N users (default 5,000; target: at most 1 s, release
# build): wall time of R runs (default 7), and their median.
#
# Each user has a console password (half with MFA), one or two access keys of every age, group
# memberships, and every tenth attached or inline policies of its own; a twentieth as many
# groups, a sixth as many roles, a fifth as many customer managed policies (some `*` on `*`),
# and Access Advisor data for every user and role, read with --last-accessed. Ages are measured
# at a fixed IAMFORM_NOW.
# Usage: bash benches/audit.sh [USERS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
users="${1:-5000}"
runs="${2:-7}"
cargo build --release --quiet
bin="$PWD/target/release/iamform"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$users" "$work/account.json" <<'PY'
import json, random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(17)
def day(d):  # an RFC 3339 date d days before 2024-06-01
    import datetime
    t = datetime.datetime(2024, 6, 1, tzinfo=datetime.timezone.utc) - datetime.timedelta(days=d)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")
acct = "123456789012"
groups = {f"g{i}": {"name": f"g{i}", "policies": [f"arn:aws:iam::{acct}:policy/p{i}"]} for i in range(max(1, n // 20))}
policies = {}
for i in range(max(1, n // 5)):
    action = "*" if i % 50 == 0 else f"s3:GetObject"
    policies[f"p{i}"] = {"name": f"p{i}", "document": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": "*" if action == "*" else f"arn:aws:s3:::bucket-{i}/*"}]}}
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}]}
roles = {f"r{i}": {"name": f"r{i}", "assume_role_policy": trust, "policies": [f"arn:aws:iam::{acct}:policy/p{i % len(policies)}"]} for i in range(max(1, n // 6))}
users, advisor = {}, {}
for i in range(n):
    name = f"user-{i}"
    keys = [{"id": f"AKIA{i:08d}A", "status": "Active", "created": day(rng.randrange(400)), "last_used": day(rng.randrange(100)), "last_used_service": "s3"}]
    if i % 3 == 0:
        keys.append({"id": f"AKIA{i:08d}B", "status": rng.choice(["Active", "Inactive"]), "created": day(rng.randrange(30))})
    creds = {"login_profile": {"created": day(500), "password_last_used": day(rng.randrange(90))}, "access_keys": keys}
    if i % 2 == 0:
        creds["mfa_devices"] = [f"arn:aws:iam::{acct}:mfa/{name}"]
    u = {"name": name, "groups": [f"g{i % len(groups)}"], "credentials": creds}
    if i % 10 == 0:
        u["policies"] = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
        u["inline_policies"] = {"own": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}}
    users[name] = u
    advisor[f"user.{name}"] = [{"namespace": s, "last_authenticated": day(rng.randrange(120))} for s in ("s3", "sqs", "ec2")]
for r in roles:
    advisor[f"role.{r}"] = [{"namespace": "s3", "last_authenticated": day(rng.randrange(120))}]
doc = {"format_version": 2, "account_id": acct, "root": {"mfa_enabled": True},
       "account": {"users": users, "groups": groups, "roles": roles, "policies": policies,
                   "password_policy": {"minimum_length": 14, "reuse_prevention": 24}},
       "last_accessed": advisor}
json.dump(doc, open(path, "w"))
PY

audit() {
    IAMFORM_NOW=2024-06-01T00:00:00Z "$bin" audit --backend "mock:$work/account.json" \
        --last-accessed --format json -q >/dev/null || [ $? -eq 2 ]
}
audit # warm the page cache
findings="$(IAMFORM_NOW=2024-06-01T00:00:00Z "$bin" audit --backend "mock:$work/account.json" \
    --last-accessed --format json -q | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["findings"])' || true)"
echo "== audit of $users users ($(du -h "$work/account.json" | cut -f1) account file, $findings findings), $runs runs"
times=()
for _ in $(seq 1 "$runs"); do
    start=$(date +%s.%N)
    audit
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END {
    printf "runs (s): "; for (i = 1; i <= NR; i++) printf "%.3f ", t[i]; printf "\n";
    printf "median: %.3f s (target: <= 1 s)\n", t[int((NR + 1) / 2)] }'
