#!/usr/bin/env bash
# The organisation example, end to end on throwaway mock accounts: plan every account, apply
# each, and plan again (exit 0: nothing left to do anywhere). Needs only the Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --quiet
bin="$PWD/target/debug/iamform"
work="$(mktemp -d)"
cp -R examples/organization/. "$work/"
# Modules are read only inside the repository holding a configuration: make the copy one.
git init -q "$work"
echo "==> iamform plan --all $work"
"$bin" plan --all "$work"
for account in dev staging prod; do
  echo "==> iamform apply $work/accounts/$account --auto-approve"
  "$bin" apply "$work/accounts/$account" --auto-approve -q
done
echo "==> iamform plan --all $work --detailed-exitcode (0: nothing left to do)"
"$bin" plan --all "$work" --detailed-exitcode
