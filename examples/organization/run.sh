#!/usr/bin/env bash
# The organisation example, end to end on throwaway mock accounts: validate and plan every
# account, apply each, plan again (exit 0: nothing left to do anywhere) and look for drift (exit
# 0: none). Needs only the Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --quiet
bin="$PWD/target/debug/iamform"
work="$(mktemp -d)"
cp -R examples/organization/. "$work/"
# Modules are read only inside the repository holding a configuration: make the copy one.
git init -q "$work"
echo "==> iamform validate --all $work"
"$bin" validate --all "$work"
echo "==> iamform plan --all $work"
"$bin" plan --all "$work"
for account in dev staging prod; do
  echo "==> iamform apply $work/accounts/$account --auto-approve"
  "$bin" apply "$work/accounts/$account" --auto-approve -q
done
echo "==> iamform plan --all $work --detailed-exitcode (0: nothing left to do)"
"$bin" plan --all "$work" --detailed-exitcode
echo "==> iamform drift --all $work (0: no drift in any account)"
"$bin" drift --all "$work"
