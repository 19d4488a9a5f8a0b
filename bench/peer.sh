#!/usr/bin/env bash
# The gateway side by side with the peer (OpenAI's plugins-quickstart, /work/shared/peer), in ONE run,
# alternating gateway, peer, gateway, peer... per endpoint, so that the machine's drift hits both.
#
#   PY=/work/main/.venv/bin/python bash bench/peer.sh
#
# The gateway runs as deployed: the production server command (bench/wrklib.sh, production_server),
# production settings, PostgreSQL (a fresh h4_peer database, bench/fixture.py) and the Redis cache
# (redis://127.0.0.1:6379/5). The peer runs as its README serves it (`run-peer`: Quart under
# hypercorn, one process), with the same five todos for benchreader. Endpoints (gateway vs peer):
#   get_service  GET todos, plugin in service_http mode, service key   vs GET /todos/benchreader
#   get_oauth    GET todos, plugin in oauth mode, DOT access token       vs GET /todos/benchreader
#   post_oauth   POST todos (oauth, the writer's token)                 vs POST /todos/benchwriter
#   manifest     /plugins/todo/.well-known/ai-plugin.json               vs /.well-known/ai-plugin.json
#   mcp_get      POST /plugins/todo/mcp, tools/call getTodos (oauth)    vs GET /todos/benchreader
#                (the peer has no MCP endpoint: its plain GET is what the same question costs there)
# Prints, per endpoint, each round's req/s and p99, the ratio gateway/peer of the summed req/s, the
# worst p99 of each, and requests per CPU-second of each server's own processes ("r/cpu": the
# gateway's excludes PostgreSQL and Redis); the load average beside each round in rounds.txt. Raw wrk output: bench/out/peer-<time>/.
#
# Knobs: PEER_ROUNDS [2] (gateway+peer pairs per endpoint), BENCH_DURATION [10] s, BENCH_WARMUP [2] s,
# BENCH_CONNECTIONS [32], BENCH_THREADS [2], PEER_ENDPOINTS [all five], PEER_DIR [/work/shared/peer],
# DATABASE_URL, REDIS_URL, GATEWAY_SERVER (a whole server command; default: production's).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PY:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
OUT="$ROOT/bench/out/peer-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
ROUNDS="${PEER_ROUNDS:-2}"
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
ENDPOINTS="${PEER_ENDPOINTS:-get_service get_oauth post_oauth manifest mcp_get}"
PEER_DIR="${PEER_DIR:-/work/shared/peer}"
# shellcheck source=bench/wrklib.sh
. "$ROOT/bench/wrklib.sh"
trap stop_all_servers EXIT INT TERM

bench_environment
CREDENTIALS="$("$PY" bench/fixture.py create)"
credential() { echo "$CREDENTIALS" | "$PY" -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
OAUTH_READER="$(credential oauth_reader)"
OAUTH_WRITER="$(credential oauth_writer)"
SERVICE_KEY="$(credential service_key)"

GW_PORT="$(free_port)"
PEER_PORT="$(free_port)"
export PORT="$GW_PORT" HOST=127.0.0.1
# shellcheck disable=SC2086  # GATEWAY_SERVER is a whole command line
start_server gateway "$GW_PORT" /plugins/todo/.well-known/ai-plugin.json ${GATEWAY_SERVER:-$(production_server)}
start_server peer "$PEER_PORT" /.well-known/ai-plugin.json "$PEER_DIR/run-peer" "$PEER_PORT"
GW="http://127.0.0.1:$GW_PORT/plugins/todo"
PEER="http://127.0.0.1:$PEER_PORT"
for i in 1 2 3 4 5; do
    curl -fsS -o /dev/null -d "{\"todo\": \"Seeded todo $i\"}" "$PEER/todos/benchreader"
done

mode_of() { case "$1" in get_service) echo service_http ;; *) echo oauth ;; esac; }

# target ENDPOINT SIDE: the URL and wrk options of one side of one endpoint, one per line.
target() {
    case "$1:$2" in
        get_service:gateway) printf '%s\n' "$GW/todos/benchreader" -H "Authorization: Bearer $SERVICE_KEY" ;;
        get_oauth:gateway) printf '%s\n' "$GW/todos/benchreader" -H "Authorization: Bearer $OAUTH_READER" ;;
        post_oauth:gateway) printf '%s\n' "$GW/todos/benchwriter" -H "Authorization: Bearer $OAUTH_WRITER" \
            -s bench/post_todo.lua ;;
        manifest:gateway) printf '%s\n' "$GW/.well-known/ai-plugin.json" ;;
        mcp_get:gateway) printf '%s\n' "$GW/mcp" -H "Authorization: Bearer $OAUTH_READER" -s bench/mcp_get_todos.lua ;;
        get_service:peer | get_oauth:peer | mcp_get:peer) printf '%s\n' "$PEER/todos/benchreader" ;;
        post_oauth:peer) printf '%s\n' "$PEER/todos/benchwriter" -s bench/post_todo.lua ;;
        manifest:peer) printf '%s\n' "$PEER/.well-known/ai-plugin.json" ;;
    esac
}

SUMMARY="$OUT/summary.txt"
{
    echo "peer.sh $(date -u +%FT%TZ) $(nproc) cores; gateway: ${GATEWAY_SERVER:-$(production_server)}" \
        "workers=${GUNICORN_WORKERS:-default}; wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds A B"
    printf '%-12s %-26s %-26s %7s %9s %9s %9s %9s\n' endpoint "gateway req/s (p99 ms)" "peer req/s (p99 ms)" ratio \
        "gw p99" "peer p99" "gw r/cpu" "peer r/cpu"
} >"$SUMMARY"
mode=""
for endpoint in $ENDPOINTS; do
    if [ "$(mode_of "$endpoint")" != "$mode" ]; then
        mode="$(mode_of "$endpoint")"
        "$PY" bench/fixture.py mode "$mode"
    fi
    gw_cells="" peer_cells="" gw_sum=0 peer_sum=0 gw_p99=0 peer_p99=0 gw_cpu=0 peer_cpu=0
    for round in $(seq 1 "$ROUNDS"); do
        for side in gateway peer; do
            mapfile -t args < <(target "$endpoint" "$side")
            load="$(load1)"
            if [ "$side" = gateway ]; then pid="$SERVER_PID_gateway"; else pid="$SERVER_PID_peer"; fi
            drive "$OUT/$endpoint.$side.$round.txt" "$pid" "${args[@]}"
            read -r rps _p50 p99 non2xx errors < <(wrk_figures "$OUT/$endpoint.$side.$round.txt")
            per_cpu="$(per_cpu_second "$OUT/$endpoint.$side.$round.txt")"
            if [ "$non2xx" != 0 ]; then
                echo "$endpoint $side round $round: $non2xx non-2xx answers" >&2
                exit 1
            fi
            cell="$rps ($p99) "
            if [ "$side" = gateway ]; then
                gw_cells+="$cell" gw_sum=$((gw_sum + rps)) gw_cpu=$((gw_cpu + per_cpu))
                gw_p99="$(awk -v a="$gw_p99" -v b="$p99" 'BEGIN { print (b > a ? b : a) }')"
            else
                peer_cells+="$cell" peer_sum=$((peer_sum + rps)) peer_cpu=$((peer_cpu + per_cpu))
                peer_p99="$(awk -v a="$peer_p99" -v b="$p99" 'BEGIN { print (b > a ? b : a) }')"
            fi
            echo "$endpoint $side round $round: $rps req/s, p99 $p99 ms, $per_cpu req/server-CPU-s," \
                "socket errors $errors, load $load" \
                | tee -a "$OUT/rounds.txt" >&2
        done
    done
    ratio="$(awk -v a="$gw_sum" -v b="$peer_sum" 'BEGIN { printf "%.2fx", a / b }')"
    printf '%-12s %-26s %-26s %7s %9s %9s %9s %9s\n' "$endpoint" "$gw_cells" "$peer_cells" "$ratio" "$gw_p99" \
        "$peer_p99" "$((gw_cpu / ROUNDS))" "$((peer_cpu / ROUNDS))" >>"$SUMMARY"
done
echo "load average at the end: $(cat /proc/loadavg)" >>"$SUMMARY"
stop_all_servers
trap - EXIT
cat "$SUMMARY"
echo "raw output: $OUT" >&2
