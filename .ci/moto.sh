#!/usr/bin/env bash
# A local moto server, the IAM endpoint the aws backend is tested against.
#
#   .ci/moto.sh install   create .build/moto-venv and install the pinned moto[server] (idempotent)
#   .ci/moto.sh start     start moto_server on a free 127.0.0.1 port; prints http://127.0.0.1:PORT
#   .ci/moto.sh stop      stop the server that `start` started
#
# Tests find the server through IAMFORM_TEST_MOTO_ENDPOINT:
#   export IAMFORM_TEST_MOTO_ENDPOINT="$(.ci/moto.sh start)"
# Needs only Python 3 (with venv) and access to PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION="5.2.5"
BUILD=".build"
VENV="$BUILD/moto-venv"
PIDFILE="$BUILD/moto.pid"
LOG="$BUILD/moto.log"

install() {
    mkdir -p "$BUILD"
    if [ -x "$VENV/bin/moto_server" ] &&
        [ "$(cat "$VENV/.moto-version" 2>/dev/null)" = "$MOTO_VERSION" ]; then
        return 0
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
    echo "$MOTO_VERSION" >"$VENV/.moto-version"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

answers() {
    python3 - "$1" <<'EOF'
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=2).read()
except Exception:
    sys.exit(1)
EOF
}

start() {
    if [ ! -x "$VENV/bin/moto_server" ]; then
        echo "moto is not installed: run .ci/moto.sh install first" >&2
        exit 1
    fi
    stop
    mkdir -p "$BUILD"
    local port url pid
    for _ in 1 2 3; do
        port="$(free_port)"
        url="http://127.0.0.1:$port"
        MOTO_IAM_LOAD_MANAGED_POLICIES=true nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" \
            >"$LOG" 2>&1 </dev/null &
        pid=$!
        echo "$pid" >"$PIDFILE"
        for _ in $(seq 1 150); do
            if answers "$url"; then
                echo "$url"
                return 0
            fi
            if ! kill -0 "$pid" 2>/dev/null; then
                break
            fi
            sleep 0.2
        done
        stop
    done
    echo "moto_server did not start; its log:" >&2
    cat "$LOG" >&2 || true
    exit 1
}

stop() {
    if [ -f "$PIDFILE" ]; then
        local pid
        pid="$(cat "$PIDFILE")"
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$PIDFILE"
    fi
}

case "${1:-}" in
install) install ;;
start) start ;;
stop) stop ;;
*)
    echo "usage: $0 install|start|stop" >&2
    exit 2
    ;;
esac
