"""Usage rows buffered in Redis and written to the table in bulk, off the request path.

A finished call's row is pushed onto a Redis list (one round trip after the answer has gone out).
The push that makes the list reach GATEWAY_USAGE_BATCH rows, or the first push after
GATEWAY_USAGE_DRAIN_SECONDS without a drain, drains one batch in that worker: a Lua script moves up
to a batch of rows into an in-flight list of their own (atomically), the rows are inserted in one
statement, then the in-flight list is deleted. One batch, not the whole list: under load the other
workers refill the list as fast as a drain empties it, and a worker draining until it is empty
would keep its waiting requests waiting (p99 460 ms instead of 53 ms in bench/peer.sh).
`manage.py usage_drain` and the usage admin drain everything.

What a failure can cost:
- A worker killed after its push: nothing; the row is in Redis, and the next drain writes it.
- A worker killed during a drain: nothing; its in-flight list outlives it and any drain more than
  IN_FLIGHT_SECONDS later writes it. Each row carries an event_id (unique in the table), so a batch
  written before the crash and written again is stored once.
- Redis lost: the rows not yet drained (at most a batch, or a few seconds of calls). A push that
  fails (Redis down) inserts its row directly instead.
"""

import json
import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django_redis import get_redis_connection

from .services import call_record, calls_insert_json

logger = logging.getLogger(__name__)

# An in-flight list older than this belongs to a drain that died (a drain takes milliseconds).
IN_FLIGHT_SECONDS = 60

# Pushes ARGV[1] onto the buffer and sets the drain-due key unless set; returns the buffer's length,
# negated when the key was not set (a drain is due). One command: cheaper than a pipeline of two.
PUSH = """
local length = redis.call('RPUSH', KEYS[1], ARGV[1])
if redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[2]) then return -length end
return length
"""

# Moves up to ARGV[1] rows from the buffer to a new in-flight list, registered with its start time.
# RPUSH takes them a thousand at a time: Lua's unpack() refuses a few thousand arguments.
MOVE_BATCH = """
local rows = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #rows == 0 then return 0 end
redis.call('LTRIM', KEYS[1], #rows, -1)
for first = 1, #rows, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(rows, first, math.min(first + 999, #rows)))
end
redis.call('ZADD', KEYS[3], ARGV[2], KEYS[2])
return #rows
"""


def buffer_enabled() -> bool:
    """Buffer only where every worker shares the buffer: Redis (REDIS_URL)."""
    return settings.GATEWAY_SHARED_CACHE


def key(name: str) -> str:
    # The cache's own key prefix and version keep two deployments on one Redis apart.
    return cache.make_key(f"gateway:usage:{name}")


def row_buffered(row: dict) -> bool:
    """Push a row onto the buffer; return whether this worker should drain now.

    If Redis cannot take it, the row is inserted directly (and False returned).
    """
    keys = (key("buffer"), key("drain-due"))
    try:
        length = get_redis_connection("default").eval(
            PUSH, len(keys), *keys, json.dumps(row), settings.GATEWAY_USAGE_DRAIN_SECONDS
        )
    except Exception as exc:
        logger.warning("Usage buffer unavailable (%s: %s); writing the row directly", type(exc).__name__, exc)
        call_record(row)
        return False
    return length < 0 or length >= settings.GATEWAY_USAGE_BATCH


def calls_drain(*, max_batches: int = 100) -> int:
    """Write buffered rows to the table (abandoned in-flight batches first); return how many rows.

    Failures are logged and swallowed: the rows stay in Redis for the next drain.
    """
    written = 0
    try:
        redis = get_redis_connection("default")
        in_flight = key("in-flight")
        for stale in redis.zrangebyscore(in_flight, "-inf", time.time() - IN_FLIGHT_SECONDS):
            written += batch_written(redis, stale.decode())
        for _ in range(max_batches):
            batch = key(f"batch:{uuid.uuid4().hex}")
            keys = (key("buffer"), batch, in_flight)
            moved = redis.eval(MOVE_BATCH, len(keys), *keys, settings.GATEWAY_USAGE_BATCH, time.time())
            if not moved:
                break
            written += batch_written(redis, batch)
    except Exception as exc:
        logger.warning("Usage buffer not drained: %s: %s", type(exc).__name__, exc)
    return written


def batch_written(redis, batch: str) -> int:
    """Insert an in-flight batch's rows, then forget the batch; return how many rows it held."""
    rows = redis.lrange(batch, 0, -1)
    if rows:
        calls_insert_json(rows)
    redis.delete(batch)
    redis.zrem(key("in-flight"), batch)
    return len(rows)


def buffered_count() -> int:
    """Return how many rows wait in the buffer (not counting in-flight batches)."""
    return get_redis_connection("default").llen(key("buffer")) if buffer_enabled() else 0
