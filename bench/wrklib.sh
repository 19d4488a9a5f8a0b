# Shared by bench/peer.sh and bench/servers.sh (sourced, not run): start servers, drive wrk, read its output.
# Expects ROOT, PY and OUT to be set by the caller.

# The gateway's production environment on the bench database (bench/fixture.py makes it fresh).
bench_environment() {
    export DJANGO_SETTINGS_MODULE=gateway.settings.production
    export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/h4_peer}"
    export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/5}"
    export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-bench-only-not-secret-$RANDOM$RANDOM}"
    export GATEWAY_DOMAIN="${GATEWAY_DOMAIN:-localhost}" DJANGO_LOG_LEVEL=WARNING
    # Plain HTTP on 127.0.0.1: production settings would redirect every request to https.
    export GATEWAY_SSL_REDIRECT=0
}

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server NAME PORT READY_PATH COMMAND...: start a server in the background (its pid in
# SERVER_PID_<NAME>), wait until READY_PATH answers 2xx.
start_server() {
    local name="$1" port="$2" ready="$3" pid
    shift 3
    "$@" >"$OUT/$name.log" 2>&1 &
    pid=$!
    printf -v "SERVER_PID_$name" '%s' "$pid"
    STARTED_PIDS+=("$pid")
    for _ in $(seq 1 120); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port$ready" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { echo "$name exited:" >&2; tail -30 "$OUT/$name.log" >&2; exit 1; }
        sleep 0.5
    done
    echo "$name did not answer $ready" >&2
    tail -30 "$OUT/$name.log" >&2
    exit 1
}

# stop_server PID: the server's master forwards the TERM to its workers and waits for them.
stop_server() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

stop_all_servers() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do stop_server "$pid"; done
}
STARTED_PIDS=()

# drive FILE PID URL [wrk options...]: a short warm-up, then the measured run into FILE, and the CPU
# ticks the server PID (with its workers) used meanwhile into FILE.ticks. wrk's own timeout (2 s)
# would drop the slowest answers from the percentiles on a busy machine: 10 s here.
drive() {
    local file="$1" pid="$2" url="$3" before
    shift 3
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 10s "$@" "$url" >/dev/null
    before="$("$PY" "$ROOT/bench/cpu.py" tree "$pid")"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "$@" "$url" >"$file"
    echo $(($("$PY" "$ROOT/bench/cpu.py" tree "$pid") - before)) >"$file.ticks"
}

# per_cpu_second FILE: requests answered per CPU-second of the server (master + workers; not
# PostgreSQL, Redis or wrk). Other jobs on the machine slow every request down alike, so this
# moves far less between runs than req/s does.
per_cpu_second() {
    awk -v ticks="$(cat "$1.ticks")" -v hz="$(getconf CLK_TCK)" \
        '/requests in/ { n = $1 } END { printf "%.0f\n", (ticks > 0 ? n * hz / ticks : 0) }' "$1"
}

# wrk_figures FILE: "req/s p50_ms p99_ms non2xx socket_errors" from wrk's --latency output.
wrk_figures() {
    awk '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
            if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
            return v
        }
        /^Requests\/sec:/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /Non-2xx/ { non2xx = $NF }
        /Socket errors/ { errors = $0; gsub(/[^0-9 ]/, "", errors); split(errors, e, " +"); errs = 0; for (i in e) errs += e[i] }
        END { printf "%.0f %.2f %.2f %d %d\n", rps, p50, p99, non2xx, errs }
    ' "$1"
}

# The machine's 1-minute load average, printed beside every figure.
load1() { cut -d' ' -f1 /proc/loadavg; }

if ! command -v wrk >/dev/null 2>&1; then
    echo "wrk not found; trying apt-get install -y wrk" >&2
    timeout 300 apt-get install -y wrk >/dev/null 2>&1 || true
    command -v wrk >/dev/null 2>&1 || { echo "these benches need wrk" >&2; exit 1; }
fi

# The command production starts the gateway with (Dockerfile, docker-compose.yml), with PY.
production_server() {
    echo "$PY serve.py"
}
