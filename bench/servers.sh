#!/usr/bin/env bash
# Which WSGI server: gunicorn sync, gunicorn gthread and granian (WSGI interface), 2 workers each,
# interleaved in ONE run (sync, gthread, granian, sync, gthread, granian...) so drift hits all three.
#
#   PY=/work/main/.venv/bin/python bash bench/servers.sh
#
# Each server runs twice: the gateway (gateway.wsgi:application, production settings, a fresh
# h4_peer database from bench/fixture.py, the Redis cache, the todo plugin in OAuth mode) and the
# bare WSGI callable of bench/ceiling_wsgi.py (BENCH_CEILING=wsgi: the server's own ceiling).
# Cases: gateway GET todos (OAuth token), gateway manifest, bare GET. wrk -t2 -c32, keep-alive as
# wrk does by default (gunicorn sync answers `Connection: close`, so wrk reconnects per request).
# Besides req/s and p99: requests per CPU-second of the server's own processes (req/CPU-s; not
# PostgreSQL, Redis, wrk), which other jobs on a shared machine disturb far less than req/s.
# Knobs: SERVERS_ROUNDS [2], BENCH_DURATION [10] s, BENCH_WARMUP [2] s, BENCH_CONNECTIONS [32],
# BENCH_THREADS [2], SERVERS [gunicorn_sync gunicorn_gthread granian], SERVER_WORKERS [2]. gthread
# runs gunicorn.conf.py's 4 threads per worker; `granian` one blocking thread per worker (one request
# at a time, as sync), `granian_threads` GRANIAN_BLOCKING_THREADS [4] (as gthread; granian's own
# default for WSGI is backpressure/2 = 256). Raw output: bench/out/servers-<time>/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PY:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
BIN="$(dirname "$PY")"
OUT="$ROOT/bench/out/servers-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
ROUNDS="${SERVERS_ROUNDS:-2}"
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
SERVERS="${SERVERS:-gunicorn_sync gunicorn_gthread granian}"
WORKERS="${SERVER_WORKERS:-2}"
# shellcheck source=bench/wrklib.sh
. "$ROOT/bench/wrklib.sh"
trap stop_all_servers EXIT INT TERM

bench_environment
TOKEN="$("$PY" bench/fixture.py create | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["oauth_reader"])')"

# command SERVER PORT APP: the command line that serves APP with SERVER on 127.0.0.1:PORT.
command_for() {
    case "$1" in
        gunicorn_sync) echo "env PORT=$2 HOST=127.0.0.1 GUNICORN_WORKERS=$WORKERS GUNICORN_WORKER_CLASS=sync" \
            "$BIN/gunicorn -c gunicorn.conf.py $3" ;;
        gunicorn_gthread) echo "env PORT=$2 HOST=127.0.0.1 GUNICORN_WORKERS=$WORKERS GUNICORN_WORKER_CLASS=gthread" \
            "$BIN/gunicorn -c gunicorn.conf.py $3" ;;
        granian) echo "$BIN/granian --interface wsgi --host 127.0.0.1 --port $2 --workers $WORKERS" \
            "--blocking-threads 1 --no-access-log --log-level warning $3" ;;
        granian_threads) echo "$BIN/granian --interface wsgi --host 127.0.0.1 --port $2 --workers $WORKERS" \
            "--blocking-threads ${GRANIAN_BLOCKING_THREADS:-4} --no-access-log --log-level warning $3" ;;
        *) echo "unknown server $1" >&2; exit 2 ;;
    esac
}

declare -A PORTS PIDS
for server in $SERVERS; do
    for app in gateway bare; do
        port="$(free_port)"
        PORTS["$server:$app"]="$port"
        if [ "$app" = gateway ]; then
            # shellcheck disable=SC2046
            start_server "${server}_gateway" "$port" /plugins/todo/.well-known/ai-plugin.json \
                $(command_for "$server" "$port" gateway.wsgi:application)
            PIDS["$server:$app"]="${STARTED_PIDS[-1]}"
        else
            # shellcheck disable=SC2046
            BENCH_CEILING=wsgi start_server "${server}_bare" "$port" / \
                $(command_for "$server" "$port" bench.ceiling_wsgi:application)
            PIDS["$server:$app"]="${STARTED_PIDS[-1]}"
        fi
    done
done

SUMMARY="$OUT/summary.txt"
{
    echo "servers.sh $(date -u +%FT%TZ) $(nproc) cores; $WORKERS workers each; wrk -t$THREADS -c$CONNECTIONS" \
        "-d${DURATION}s, $ROUNDS interleaved rounds"
    printf '%-10s %-17s %-46s %7s %8s %9s\n' case server "req/s per round (p99 ms, load)" "mean" "max p99" \
        "req/CPU-s"
} >"$SUMMARY"
for case in todos_get manifest bare; do
    declare -A SUM=() P99=() CELLS=() PERCPU=()
    for round in $(seq 1 "$ROUNDS"); do
        for server in $SERVERS; do
            case "$case" in
                todos_get) args=("http://127.0.0.1:${PORTS[$server:gateway]}/plugins/todo/todos/benchreader"
                    -H "Authorization: Bearer $TOKEN") ;;
                manifest) args=("http://127.0.0.1:${PORTS[$server:gateway]}/plugins/todo/.well-known/ai-plugin.json") ;;
                bare) args=("http://127.0.0.1:${PORTS[$server:bare]}/") ;;
            esac
            load="$(load1)"
            file="$OUT/$case.$server.$round.txt"
            if [ "$case" = bare ]; then pid="${PIDS[$server:bare]}"; else pid="${PIDS[$server:gateway]}"; fi
            drive "$file" "$pid" "${args[@]}"
            read -r rps _p50 p99 non2xx errors < <(wrk_figures "$file")
            per_cpu="$(per_cpu_second "$file")"
            [ "$non2xx" = 0 ] || { echo "$case $server: $non2xx non-2xx answers" >&2; exit 1; }
            echo "$case $server round $round: $rps req/s, p99 $p99 ms, $per_cpu req/server-CPU-s," \
                "socket errors $errors, load $load" \
                | tee -a "$OUT/rounds.txt" >&2
            SUM[$server]=$((${SUM[$server]:-0} + rps))
            PERCPU[$server]=$((${PERCPU[$server]:-0} + per_cpu))
            P99[$server]="$(awk -v a="${P99[$server]:-0}" -v b="$p99" 'BEGIN { print (b > a ? b : a) }')"
            CELLS[$server]+="$rps ($p99, $load) "
        done
    done
    for server in $SERVERS; do
        printf '%-10s %-17s %-46s %7s %8s %9s\n' "$case" "$server" "${CELLS[$server]}" \
            "$((SUM[$server] / ROUNDS))" "${P99[$server]}" "$((PERCPU[$server] / ROUNDS))" >>"$SUMMARY"
    done
    unset SUM P99 CELLS PERCPU
done
echo "load average at the end: $(cat /proc/loadavg)" >>"$SUMMARY"
stop_all_servers
trap - EXIT
cat "$SUMMARY"
echo "raw output: $OUT" >&2
