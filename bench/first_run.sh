#!/usr/bin/env bash
# Time a newcomer's first `make run`: a fresh clone, no pip cache, until the gateway answers HTTP.
#
# Usage: bench/first_run.sh [REV] [PORT]   (REV defaults to HEAD, PORT to 8765)
# Prints the load average before and after, when make started each step, and the time until
# /healthz answers.
# The clone lives in a temporary folder, removed afterwards; the server is stopped.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REV="${1:-HEAD}"
PORT="${2:-8765}"
WORK="$(mktemp -d /tmp/first-run.XXXXXX)"
SERVER=""
cleanup() {
    # make, runserver and its autoreloader share the process group setsid gave them.
    [ -n "$SERVER" ] && kill -- "-$SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

git clone --quiet --no-checkout "$ROOT" "$WORK/gw"
git -C "$WORK/gw" checkout --quiet "$(git -C "$ROOT" rev-parse "$REV")"
cd "$WORK/gw"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
# Each line of make's output gets the seconds since the start, to see where the time goes.
# PyPI only, as on a newcomer's machine: no pip config files, no local wheel folder (PIP_FIND_LINKS).
env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null PIP_NO_CACHE_DIR=1 START="$start" setsid bash -c 'make run PORT="$0" 2>&1 | while IFS= read -r line; do
    printf "%6.1f s  %s\n" "$(echo "$(date +%s.%N) - $START" | bc)" "$line"
done' "$PORT" >"$WORK/make.log" &
SERVER=$!
until curl -fsS -o /dev/null "http://localhost:$PORT/healthz" 2>/dev/null; do
    if ! kill -0 "$SERVER" 2>/dev/null; then
        cat "$WORK/make.log" >&2
        echo "make run exited before serving" >&2
        exit 1
    fi
    sleep 0.2
done
end=$(date +%s.%N)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E 'python -m venv|pip install|manage.py' "$WORK/make.log" | cut -c1-110
printf 'make run answered HTTP after %.1f s\n' "$(echo "$end - $start" | bc)"
