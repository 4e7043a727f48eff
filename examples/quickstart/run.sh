#!/usr/bin/env bash
# The quickstart, end to end: plan, apply and re-plan examples/quickstart against a throwaway
# mock account. Needs only the Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/../.."
# No --quiet: on a fresh machine the first build compiles every dependency, which takes a few
# minutes, and cargo's progress shows that something is happening.
echo "==> cargo build (the first build takes a few minutes; later ones take seconds)"
cargo build
bin=target/debug/iamform
account="$(mktemp -d)/account.json"
echo "==> mock account: $account"
echo "==> iamform plan examples/quickstart"
"$bin" plan examples/quickstart --backend "mock:$account"
echo "==> iamform apply examples/quickstart --auto-approve"
"$bin" apply examples/quickstart --backend "mock:$account" --auto-approve
echo "==> iamform plan examples/quickstart --detailed-exitcode (0: nothing left to do)"
"$bin" plan examples/quickstart --backend "mock:$account" --detailed-exitcode
