#!/usr/bin/env bash
# Try gunicorn worker counts and classes on the two cheapest GETs; one summary line per config.
# Each config is a full bench/run.sh (fresh database, new gunicorn), ~40 s with the defaults here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export BENCH_DURATION="${BENCH_DURATION:-10}" BENCH_WARMUP="${BENCH_WARMUP:-2}"
export BENCH_ENDPOINTS="${BENCH_ENDPOINTS:-todos_get manifest}"
STAMP="$(date +%Y%m%d-%H%M%S)"
mkdir -p bench/out
for class in ${MATRIX_CLASSES:-sync gthread}; do
    for workers in ${MATRIX_WORKERS:-2 3 4 5}; do
        echo "== $class x $workers"
        GUNICORN_WORKER_CLASS="$class" GUNICORN_WORKERS="$workers" BENCH_LABEL="matrix-$STAMP/$class-$workers" \
            timeout 300 bash bench/run.sh 2>/dev/null | tail -n +3
    done
done | tee "bench/out/matrix-$STAMP.txt"
