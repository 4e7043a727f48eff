#!/usr/bin/env bash
# `iamform can` and `iamform who-can` on the synthetic configuration (issue 15 targets: <= 0.5 s and
# <= 1.5 s at 10k entities, release build): the median wall time of RUNS runs each, offline (the
# configuration is parsed, lowered and evaluated; no account is read).
# Usage: bash benches/access.sh [N [RUNS]]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
runs="${2:-7}"
cargo build --release --quiet
bin="$PWD/target/release/iamform"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" synth --entities "$n" "$work" 2>/dev/null

median() { # the median wall time, in seconds, of `runs` runs of a command (exit 0 or 2 is fine)
    local times=() start end
    for _ in $(seq "$runs"); do
        start=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || [ $? -eq 2 ]
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f s", a[int((NR+1)/2)]}'
}

object="arn:aws:s3:::bucket-0/reports/q1.csv"
role="arn:aws:iam::123456789012:role/role-1"
echo "== $n entities, median of $runs runs"
echo "can     user.user-1 s3:GetThing0 (target <= 0.5 s):     $(median "$bin" can "$work" --principal user.user-1 --action s3:GetThing0 --resource "$object")"
echo "can     role.role-2 sts:AssumeRole (target <= 0.5 s):   $(median "$bin" can "$work" --principal role.role-2 --action sts:AssumeRole --resource "$role")"
echo "who-can s3:GetThing0 (target <= 1.5 s):                 $(median "$bin" who-can "$work" --action s3:GetThing0 --resource "$object")"
echo "who-can sts:AssumeRole (target <= 1.5 s):               $(median "$bin" who-can "$work" --action sts:AssumeRole --resource "$role")"
echo "who-can with a condition key (target <= 1.5 s):         $(median "$bin" who-can "$work" --action s3:ListBucket --resource arn:aws:s3:::bucket-0 --context aws:SecureTransport=true --context s3:prefix=shared/x)"
echo "validate, for comparison (parse and lower only):        $(median "$bin" validate "$work")"
echo "principals allowed s3:GetThing0: $("$bin" who-can "$work" --action s3:GetThing0 --resource "$object" --json | grep -c '"address"')"
