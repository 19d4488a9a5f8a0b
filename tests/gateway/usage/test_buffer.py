"""With Redis, usage rows go through a buffer: every answered call reaches the table, exactly once."""

import json
import time
import uuid

import pytest
from django.core.management import call_command
from django_redis import get_redis_connection

from gateway.usage.buffer import MOVE_BATCH, calls_drain, key
from gateway.usage.models import Call
from gateway.usage.services import calls_insert

pytestmark = pytest.mark.django_db
TODOS = "/plugins/todo/todos/ann"


@pytest.fixture
def redis_buffer(settings):
    """The buffer on a real Redis (db 15, a key prefix of its own), drained every 5 rows."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.GATEWAY_SHARED_CACHE = True
    settings.GATEWAY_USAGE_BATCH = 5
    settings.GATEWAY_USAGE_DRAIN_SECONDS = 3600  # drains come from the batch size only
    redis = get_redis_connection("default")
    # The first push of a fresh prefix finds no drain-due key and drains: start from a drain.
    redis.set(key("drain-due"), 1, ex=3600)
    yield redis
    for name in redis.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*"):
        redis.delete(name)


def buffered(redis) -> int:
    return redis.llen(key("buffer"))


def test_every_answered_call_reaches_the_table(client, redis_buffer):
    for number in range(12):
        assert client.post(TODOS, {"todo": f"t{number}"}, content_type="application/json").status_code == 200
    # Drained at the 5th and 10th row; two wait for the next drain.
    assert (Call.objects.count(), buffered(redis_buffer)) == (10, 2)
    call_command("usage_drain")
    assert Call.objects.count() == 12 and buffered(redis_buffer) == 0
    assert set(Call.objects.values_list("operation", "status", "client")) == {("addTodo", 200, "http")}
    assert Call.objects.values("event_id").distinct().count() == 12


def test_a_call_drains_one_batch_however_long_the_buffer(client, redis_buffer, settings):
    # Under load other workers refill the buffer while a drain runs: a call's drain takes one batch.
    settings.GATEWAY_USAGE_BATCH = 1000
    for _ in range(12):
        client.get(TODOS)
    assert (Call.objects.count(), buffered(redis_buffer)) == (0, 12)
    settings.GATEWAY_USAGE_BATCH = 5
    client.get(TODOS)
    assert (Call.objects.count(), buffered(redis_buffer)) == (5, 8)
    call_command("usage_drain")  # the command drains everything
    assert (Call.objects.count(), buffered(redis_buffer)) == (13, 0)


def test_a_batch_of_thousands_moves_whole(client, redis_buffer, settings):
    # Lua's unpack() refuses a few thousand arguments: the move pushes a thousand at a time.
    client.get(TODOS)
    row = json.loads(redis_buffer.lpop(key("buffer")))
    redis_buffer.rpush(key("buffer"), *(json.dumps({**row, "event_id": uuid.uuid4().hex}) for _ in range(9000)))
    settings.GATEWAY_USAGE_BATCH = 10_000
    assert calls_drain(max_batches=1) == 9000
    assert Call.objects.count() == 9000 and buffered(redis_buffer) == 0
    assert Call.objects.filter(operation="getTodos", status=200, client="http").count() == 9000


def test_a_drain_that_died_after_taking_a_batch_loses_nothing(client, redis_buffer):
    for _ in range(3):
        client.get(TODOS)
    # A drain moved the rows to its in-flight list, then its worker was killed (a minute ago).
    batch = key("batch:dead")
    redis_buffer.eval(MOVE_BATCH, 3, key("buffer"), batch, key("in-flight"), 100, time.time() - 120)
    assert (buffered(redis_buffer), Call.objects.count()) == (0, 0)
    assert calls_drain() == 3
    assert Call.objects.count() == 3
    assert not redis_buffer.exists(batch) and redis_buffer.zcard(key("in-flight")) == 0


def test_a_batch_written_before_its_drain_died_is_stored_once(client, redis_buffer):
    for _ in range(3):
        client.get(TODOS)
    batch = key("batch:half-done")
    redis_buffer.eval(MOVE_BATCH, 3, key("buffer"), batch, key("in-flight"), 100, time.time() - 120)
    # The insert committed, then the worker died before deleting the in-flight list.
    calls_insert([json.loads(row) for row in redis_buffer.lrange(batch, 0, -1)])
    assert calls_drain() == 3  # read again, written again: the event ids keep one copy
    assert Call.objects.count() == 3


def test_a_recent_in_flight_batch_is_left_to_its_drain(client, redis_buffer):
    client.get(TODOS)
    batch = key("batch:running")
    redis_buffer.eval(MOVE_BATCH, 3, key("buffer"), batch, key("in-flight"), 100, time.time())
    assert calls_drain() == 0 and Call.objects.count() == 0
    assert redis_buffer.llen(batch) == 1


def test_without_redis_a_call_is_written_directly(client, redis_buffer, settings):
    settings.GATEWAY_SHARED_CACHE = False
    client.get(TODOS)
    assert Call.objects.count() == 1 and buffered(redis_buffer) == 0


def test_when_redis_refuses_the_push_the_row_is_written_directly(client, settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.GATEWAY_SHARED_CACHE = True
    settings.GATEWAY_PLUGIN_CACHE_SECONDS = 0
    assert client.get(TODOS).status_code == 200
    assert Call.objects.count() == 1
    assert "Usage buffer unavailable" in caplog.text


def test_the_usage_admin_drains_before_it_counts(admin_client, client, redis_buffer):
    client.get(TODOS)
    assert Call.objects.count() == 0
    assert admin_client.get("/admin/usage/call/").status_code == 200
    assert Call.objects.count() == 1
