#!/usr/bin/env bash
# Load-test the gateway as deployed: gunicorn (gunicorn.conf.py) + production settings + PostgreSQL.
#
# Creates a fresh database, migrates, collects static, starts gunicorn on a free 127.0.0.1 port,
# seeds todos, drives four endpoints with wrk (or bench/loadgen.py when wrk is unavailable),
# stops gunicorn, and prints a summary. Raw output goes to bench/out/ (gitignored).
#
# Knobs (environment), defaults in brackets:
#   BENCH_DATABASE_URL [postgres://postgres@127.0.0.1:5432/gw_benchdb]  dropped and recreated!
#   BENCH_DURATION [15] and BENCH_WARMUP [3] seconds, BENCH_CONNECTIONS [32], BENCH_THREADS [2]
#   BENCH_ENDPOINTS [todos_get todos_post manifest openapi sportstats]
#   BENCH_QUIET_MAX [10] %, BENCH_QUIET_WAIT [120] s: wait for other jobs on a shared machine
#   BENCH_LABEL: the output folder's name; BENCH_WSGI_APP: see bench/experiment_wsgi.py
#   BENCH_AUTH [none]: or `oauth`: the todo plugin in OAuth mode, called with real DOT access tokens
#   REDIS_URL: the shared cache (turns the plugin-row and token caches on, see gateway/ops/)
#   GUNICORN_*: as in gunicorn.conf.py
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PY:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
GUNICORN="$(dirname "$PY")/gunicorn"

DB_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/gw_benchdb}"
DURATION="${BENCH_DURATION:-15}"  # seconds; at least 4 (the CPU split skips the first and last one)
DURATION="${DURATION%s}"
WARMUP="${BENCH_WARMUP:-3}"
WARMUP="${WARMUP%s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
ENDPOINTS="${BENCH_ENDPOINTS:-todos_get todos_post manifest openapi sportstats}"
OUT="$ROOT/bench/out/${BENCH_LABEL:-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"

# --- the load generator: wrk from Debian packages, else the Python fallback -------------------
if ! command -v wrk >/dev/null 2>&1; then
    echo "wrk not found; trying apt-get install -y wrk" >&2
    if [ "$(id -u)" = 0 ]; then
        timeout 300 apt-get install -y wrk >"$OUT/apt.log" 2>&1 || true
    elif command -v sudo >/dev/null 2>&1; then
        timeout 300 sudo -n apt-get install -y wrk >"$OUT/apt.log" 2>&1 || true
    fi
fi
if command -v wrk >/dev/null 2>&1; then LOADGEN=wrk; else LOADGEN=python; fi
echo "load generator: $LOADGEN" >&2

# --- a fresh database, production settings --------------------------------------------------------
export DJANGO_SETTINGS_MODULE=gateway.settings.production
export DATABASE_URL="$DB_URL"
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-bench-only-not-secret-$RANDOM$RANDOM}"
export GATEWAY_DOMAIN="${GATEWAY_DOMAIN:-localhost}"
export DJANGO_LOG_LEVEL="${DJANGO_LOG_LEVEL:-WARNING}"
# Plain HTTP on 127.0.0.1: production settings would redirect every request to https.
export GATEWAY_SSL_REDIRECT="${GATEWAY_SSL_REDIRECT:-0}"

"$PY" - "$DB_URL" <<'PYEOF'
import sys
from urllib.parse import urlsplit

import psycopg

url = urlsplit(sys.argv[1])
name = url.path.lstrip("/")
admin = url._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
print(f"fresh database {name}", file=sys.stderr)
PYEOF
"$PY" manage.py migrate --no-input >"$OUT/migrate.log"
"$PY" manage.py collectstatic --no-input >"$OUT/collectstatic.log"
# Sport stats' demo season (30 teams, 874 games, 19,228 box scores) for the sportstats query.
"$PY" manage.py demo_data >"$OUT/demo_data.log"
# The query: one player's box scores in one season, the getStats call an assistant makes most.
STATS_QUERY="$("$PY" manage.py shell -v 0 -c '
from plugins.sportstats.models import Stat
stat = Stat.objects.order_by("id").select_related("game").first()
print(f"player_ids[]={stat.player_id}&seasons[]={stat.game.season}&per_page=25")')"
AUTH="${BENCH_AUTH:-none}"
READER_AUTH=() WRITER_AUTH=() STATS_AUTH=()
if [ "$AUTH" = oauth ]; then
    read -r READER_TOKEN WRITER_TOKEN STATS_TOKEN < <("$PY" bench/seed_oauth.py)
    READER_AUTH=(-H "Authorization: Bearer $READER_TOKEN")
    WRITER_AUTH=(-H "Authorization: Bearer $WRITER_TOKEN")
    STATS_AUTH=(-H "Authorization: Bearer $STATS_TOKEN")
fi

# --- gunicorn on a free local port ---------------------------------------------------------------
PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export PORT HOST=127.0.0.1
"$GUNICORN" -c gunicorn.conf.py "${BENCH_WSGI_APP:-gateway.wsgi:application}" >"$OUT/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
export BENCH_GUNICORN_PID="$GUNICORN_PID"
stop_gunicorn() {
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
}
trap stop_gunicorn EXIT INT TERM

BASE="http://127.0.0.1:$PORT/plugins/todo"
for _ in $(seq 1 60); do
    curl -fsS -o /dev/null "$BASE/.well-known/ai-plugin.json" 2>/dev/null && break
    kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$OUT/gunicorn.log" >&2; exit 1; }
    sleep 0.5
done
curl -fsS -o /dev/null "$BASE/.well-known/ai-plugin.json"

# The GET user has a fixed list of five; POSTs go to another user so the GET list never grows.
for i in 1 2 3 4 5; do
    curl -fsS -o /dev/null "${READER_AUTH[@]}" -H 'Content-Type: application/json' -d "{\"todo\": \"Seeded todo $i\"}" \
        "$BASE/todos/benchreader"
done

url_of() {
    case "$1" in
        todos_get) echo "$BASE/todos/benchreader" ;;
        todos_post) echo "$BASE/todos/benchwriter" ;;
        manifest) echo "$BASE/.well-known/ai-plugin.json" ;;
        openapi) echo "$BASE/openapi.json" ;;
        sportstats) echo "http://127.0.0.1:$PORT/plugins/sportstats/stats?$STATS_QUERY" ;;
        *) echo "unknown endpoint $1" >&2; exit 2 ;;
    esac
}

drive() {  # drive <endpoint> <duration> <output file>
    local url script=() body=() header=("${READER_AUTH[@]}")
    url="$(url_of "$1")"
    if [ "$1" = sportstats ]; then header=("${STATS_AUTH[@]}"); fi
    if [ "$1" = todos_post ]; then
        header=("${WRITER_AUTH[@]}")
        script=(-s bench/post_todo.lua)
        body=(--body '{"todo": "Benchmark todo written by wrk"}')
    fi
    if [ "$LOADGEN" = wrk ]; then
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2s" --latency "${header[@]}" "${script[@]}" "$url" >"$3"
    else
        "$PY" bench/loadgen.py --connections "$CONNECTIONS" --duration "$2" "${body[@]}" "$url" >"$3"
    fi
}

# The machine may be shared: wait (bounded) until other processes use little CPU before each run,
# and report their share next to every result either way.
QUIET_MAX="${BENCH_QUIET_MAX:-10}"
QUIET_WAIT="${BENCH_QUIET_WAIT:-120}"
export BENCH_DB_NAME="${DB_URL##*/}"
wait_for_quiet() {
    local deadline=$((SECONDS + QUIET_WAIT)) other
    while :; do
        "$PY" bench/cpu.py snapshot >"$OUT/quiet.json"
        sleep 2
        other="$("$PY" bench/cpu.py other "$OUT/quiet.json")"
        [ "$other" -le "$QUIET_MAX" ] && return 0
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "still busy (other=$other%) after ${QUIET_WAIT}s; measuring anyway" >&2
            return 0
        fi
        sleep 3
    done
}

SUMMARY="$OUT/summary.txt"
{
    echo "workers=${GUNICORN_WORKERS:-default} class=${GUNICORN_WORKER_CLASS:-default}" \
        "threads=${GUNICORN_THREADS:-default} loadgen=$LOADGEN -t$THREADS -c$CONNECTIONS -d${DURATION}s" \
        "app=${BENCH_WSGI_APP:-gateway.wsgi:application} auth=$AUTH redis=${REDIS_URL:-none}" \
        "$(env | grep -E '^(BENCH_(NO|CACHE)_|GATEWAY_|DJANGO_CONN)' | tr '\n' ' ')"
    printf '%-11s %9s %9s %9s %6s %9s  %s\n' endpoint "req/s" p50 p99 non2xx "req/cpu-s" \
        "cpu (share of all $(nproc) cores)"
} >"$SUMMARY"
for endpoint in $ENDPOINTS; do
    wait_for_quiet
    drive "$endpoint" "$WARMUP" "$OUT/$endpoint.warmup.txt"
    # The CPU split is sampled inside the run (from 1 s in to 1 s before the end) because the load
    # generator's own CPU time is only readable while it is still running.
    drive "$endpoint" "$DURATION" "$OUT/$endpoint.txt" &
    load_pid=$!
    sleep 1
    "$PY" bench/cpu.py snapshot >"$OUT/$endpoint.cpu.json"
    sleep "$((DURATION - 2))"
    cpu="$("$PY" bench/cpu.py diff "$OUT/$endpoint.cpu.json")"
    wait "$load_pid"
    rps="$(awk '/^Requests\/sec:/ {print $2}' "$OUT/$endpoint.txt")"
    p50="$(awk '$1 == "50%" {print $2}' "$OUT/$endpoint.txt")"
    p99="$(awk '$1 == "99%" {print $2}' "$OUT/$endpoint.txt")"
    non2xx="$(awk '/Non-2xx/ {print $NF}' "$OUT/$endpoint.txt")"
    # Requests per CPU-second spent by gunicorn + PostgreSQL + Redis: comparable even when other jobs
    # share the machine, unlike req/s.
    per_cpu="$(echo "$cpu" | awk -v rps="$rps" -v cores="$(nproc)" '{
        for (i = 1; i <= NF; i++) { split($i, kv, "="); share[kv[1]] = kv[2] + 0 }
        used = (share["gunicorn"] + share["postgres"] + share["redis"]) * cores / 100
        printf "%.0f", (used > 0 ? rps / used : 0) }')"
    printf '%-11s %9s %9s %9s %6s %9s  %s\n' "$endpoint" "$rps" "$p50" "$p99" "${non2xx:-0}" "$per_cpu" "$cpu" \
        >>"$SUMMARY"
done

stop_gunicorn
trap - EXIT
cat "$SUMMARY"
echo "raw output: $OUT" >&2
