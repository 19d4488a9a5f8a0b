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


def client_address(request) -> str:
    """Return the address of the client: the trusted proxy's view of it, else the socket's peer.

    Behind the proxy (GATEWAY_TRUST_PROXY) REMOTE_ADDR is the proxy itself; the proxy appends the
    address it saw to X-Forwarded-For, and anything before that entry is the client's say-so.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.GATEWAY_TRUST_PROXY and forwarded:
        return forwarded.split(",")[-1].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")


def caller_identity(request) -> str:
    """Return who is calling: the credential when there is one, else the client's address."""
    auth = request.auth
    if isinstance(auth, ServiceKey):
        return "service"
    if isinstance(auth, UserKey):
        return f"key:{auth.pk}"
    if auth is not None and getattr(auth, "pk", None) is not None:
        return f"token:{auth.pk}"
    return "ip:" + client_address(request)


def window_count(key: str, window_seconds: int = WINDOW_SECONDS) -> int:
    """Add one call to a counter living one window, and return the count so far."""
    try:
        return cache.incr(key)
    except ValueError:  # no counter yet in this window
        if cache.add(key, 1, window_seconds + 5):
            return 1
        return cache.incr(key)


def window_peek(key: str) -> int:
    """Return a counter's value without adding to it (0 when there is none)."""
    return cache.get(key) or 0


def window_of(window_seconds: int) -> tuple[int, int]:
    """Return (the current fixed window's number, seconds until it ends) for a window length."""
    now = time.time()
    window = int(now // window_seconds)
    return window, max(1, int((window + 1) * window_seconds - now + 0.999))


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
