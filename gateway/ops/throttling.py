"""Per-plugin rate limits, per caller and in all, counted in the shared cache (DRF throttle).

Fixed one-minute windows counted with the cache's atomic increment: one round trip per counter
on Redis, exact across workers (a window may let up to twice the limit through across its edge,
the price of one counter instead of a log of timestamps). Without Redis the counters are per
process, so a limit holds per worker only: set REDIS_URL in production.
"""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from ..auth import ServiceKey
from ..models import UserKey

WINDOW_SECONDS = 60


def caller_identity(request) -> str:
    """Return who is calling: the credential when there is one, else the client's address."""
    auth = request.auth
    if isinstance(auth, ServiceKey):
        return "service"
    if isinstance(auth, UserKey):
        return f"key:{auth.pk}"
    if auth is not None and getattr(auth, "pk", None) is not None:
        return f"token:{auth.pk}"
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.GATEWAY_TRUST_PROXY and forwarded:
        # The proxy in front appends the address it saw; anything before it is the client's say-so.
        return "ip:" + forwarded.split(",")[-1].strip()
    return "ip:" + request.META.get("REMOTE_ADDR", "")


def window_count(key: str) -> int:
    """Add one call to a counter living one window, and return the count so far."""
    try:
        return cache.incr(key)
    except ValueError:  # no counter yet in this window
        if cache.add(key, 1, WINDOW_SECONDS + 5):
            return 1
        return cache.incr(key)


class PluginRateThrottle(BaseThrottle):
    """Refuse a call (429 with Retry-After) once its caller or its plugin used this minute's calls."""

    def allow_request(self, request, view):
        plugin = getattr(request, "plugin", None)
        if plugin is None or not (plugin.rate_limit_per_minute or plugin.total_rate_limit_per_minute):
            return True
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        self.retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now + 0.999))
        limits = [
            (plugin.rate_limit_per_minute, f"{caller_identity(request)}"),
            (plugin.total_rate_limit_per_minute, "all"),
        ]
        for limit, who in limits:
            if limit and window_count(f"gateway:throttle:{plugin.slug}:{who}:{window}") > limit:
                return False
        return True

    def wait(self):
        return self.retry_after
