#!/usr/bin/env bash
# parliament (https://github.com/duo-labs/parliament, the best-known IAM policy linter) and
# `iamform lint` over the AWS managed policies that moto ships: prints how far they agree per class
# of finding, and fails unless every RESOURCE_MISMATCH parliament reports is reported by iamform or
# listed, with its reason, in tests/policy/parliament-resource-mismatch.txt (README, "Policies and
# lint", explains the differences).
#
#   scripts/compare-parliament.sh                        compare and check (CI runs this)
#   IAMFORM_BLESS=1 scripts/compare-parliament.sh        rewrite the list after reviewing a change
#
# Installs the pinned parliament into .build/parliament-venv on first use (as .ci/moto.sh does for
# moto) and needs moto installed (.ci/moto.sh install: its aws_managed_policies.py is the corpus).
# Builds iamform unless IAMFORM_BIN names a binary. Takes about half a minute (parliament ~10 s).
set -euo pipefail
cd "$(dirname "$0")/.."

PARLIAMENT_VERSION="1.6.4"
# parliament's dependencies, pinned too: what it reports must not change under us.
PINS=(
    "parliament==$PARLIAMENT_VERSION"
    "boto3==1.44.8" "botocore==1.44.8" "s3transfer==0.19.3" "jmespath==1.1.0" "json-cfg==0.4.2"
    "kwonly-args==1.0.10" "PyYAML==6.0.4" "python-dateutil==2.9.0.post0" "six==1.17.0" "urllib3==2.8.0"
)
VENV=".build/parliament-venv"

if [ ! -x "$VENV/bin/python" ] ||
    [ "$(cat "$VENV/.parliament-version" 2>/dev/null)" != "$PARLIAMENT_VERSION" ]; then
    mkdir -p .build
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}" >&2
    echo "$PARLIAMENT_VERSION" >"$VENV/.parliament-version"
fi

moto_file="$(ls .build/moto-venv/lib/python*/site-packages/moto/iam/aws_managed_policies.py 2>/dev/null | head -n 1 || true)"
if [ -z "$moto_file" ]; then
    echo "moto is not installed in .build/moto-venv: run bash .ci/moto.sh install" >&2
    exit 1
fi

bin="${IAMFORM_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --quiet --locked
    bin="target/debug/iamform"
fi

exec "$VENV/bin/python" scripts/compare-parliament.py \
    --iamform "$bin" \
    --moto-file "$moto_file" \
    --catalog src/catalog/actions.bin \
    --pinned tests/policy/parliament-resource-mismatch.txt
