import uuid

import pytest

REDIS_CACHE = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:6379/15",
}


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request, settings):
    """Run the test on the memory cache and on a real Redis (db 15, a key prefix of its own)."""
    if request.param == "redis":
        settings.CACHES = {"default": {**REDIS_CACHE, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    return request.param
