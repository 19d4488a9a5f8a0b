"""Rate and abuse limits counted in the shared cache.

Per-plugin API limits, per caller and in all (a DRF throttle); requests to /oauth/token and
/oauth/revoke per client address, and failed client authentications (OAuthThrottleMixin); failed
sign-ins per account and per address (sign_in_retry_after, sign_in_failed). Registration
(gateway.oauth.registration) uses the same counters.

Fixed windows counted with the cache's atomic increment: one round trip per counter on Redis,
exact across workers (a window may let up to twice the limit through across its edge, the price
of one counter instead of a log of timestamps). Without Redis the counters are per process, so a
limit holds per worker only: set REDIS_URL in production.
"""

import base64
import hashlib
import json
import time
import unicodedata
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import JsonResponse
from rest_framework.throttling import BaseThrottle

WINDOW_SECONDS = 60


def client_address(request) -> str:
    """Return the address of the client: DRF's get_ident, which honours the trusted proxy.

    REST_FRAMEWORK["NUM_PROXIES"] is 1 behind the proxy (GATEWAY_TRUST_PROXY): REMOTE_ADDR is then
    the proxy, which appends the address it saw to X-Forwarded-For; anything before that entry is
    the client's say-so. Without the proxy it is 0 and the socket's peer is the address.
    """
    return BaseThrottle().get_ident(request) or ""


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


def caller_throttle_key(request) -> str:
    """Return whose calls a per-caller limit counts (a public page has no caller: its address)."""
    caller = request.call.caller
    return caller.throttle_key if caller is not None else "ip:" + client_address(request)


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
            (plugin.rate_limit_per_minute, caller_throttle_key(request)),
            (plugin.total_rate_limit_per_minute, "all"),
        ]
        for limit, who in limits:
            if limit and window_count(f"gateway:throttle:{plugin.slug}:{who}:{window}") > limit:
                return False
        return True

    def wait(self):
        return self.retry_after


def digest(value: str) -> str:
    """Return a short fixed-length stand-in for a caller-chosen value in a cache key."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def oauth_too_many(description: str, retry_after: int) -> JsonResponse:
    """Answer 429 in the OAuth error shape (RFC 6749 5.2, RFC 7591 3.2.2) with Retry-After.

    OAuth defines no rate-limit error; `slow_down` is the one registered for the token endpoint
    (RFC 8628 3.5) that means "too many requests, wait", and Retry-After says for how long.
    """
    response = JsonResponse({"error": "slow_down", "error_description": description}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def requested_client_id(request) -> str:
    """Return the client_id a token or revocation request names: HTTP Basic, the form or a JSON body."""
    scheme, _, credentials = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            return unquote_plus(base64.b64decode(credentials.strip()).decode().partition(":")[0])
        except ValueError:  # not base64, or not UTF-8: DOT refuses it as an unknown client
            return ""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):
            return ""
        return str(data.get("client_id", "")) if isinstance(data, dict) else ""
    return request.POST.get("client_id", "")


class OAuthThrottleMixin:
    """Limit /oauth/token and /oauth/revoke per client address, and failed client logins per client.

    Both are counted before DOT runs, so a refused request costs two cache round trips and no
    secret hashing. Failures are counted per client_id *and* address: counted per client_id alone,
    anyone could lock the platform's own client out by sending it wrong secrets.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return super().dispatch(request, *args, **kwargs)
        address = client_address(request)
        window, retry_after = window_of(60)
        if window_count(f"gateway:oauth:ip:{address}:{window}", 60) > settings.GATEWAY_OAUTH_PER_MINUTE:
            return oauth_too_many("Too many requests from this address; wait for Retry-After seconds.", retry_after)
        seconds = settings.GATEWAY_OAUTH_FAILURES_WINDOW_SECONDS
        window, retry_after = window_of(seconds)
        failures = f"gateway:oauth:fail:{digest(requested_client_id(request))}:{address}:{window}"
        if window_peek(failures) >= settings.GATEWAY_OAUTH_FAILURES_PER_CLIENT:
            description = "Too many failed client authentications from this address; wait for Retry-After seconds."
            return oauth_too_many(description, retry_after)
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 401:  # invalid_client: the only 401 these endpoints answer
            window_count(failures, seconds)
        return response


def sign_in_counters(request, username: str) -> tuple[list[tuple[int, str]], int]:
    """Return the sign-in failure counters (limit, key) of an account and of an address, and the wait."""
    seconds = settings.GATEWAY_SIGNIN_WINDOW_SECONDS
    window, retry_after = window_of(seconds)
    # Folded as Django's UsernameField folds what it authenticates (stripped, NFKC), and case-insensitively,
    # so ` ann`, `ＡＮＮ` and `Ann` share ann's budget.
    account = digest(unicodedata.normalize("NFKC", username.strip()).casefold())
    counters = [
        (settings.GATEWAY_SIGNIN_FAILURES_PER_ACCOUNT, f"gateway:signin:account:{account}:{window}"),
        (settings.GATEWAY_SIGNIN_FAILURES_PER_ADDRESS, f"gateway:signin:ip:{client_address(request)}:{window}"),
    ]
    return counters, retry_after


def sign_in_retry_after(request, username: str) -> int | None:
    """Return the seconds to wait when the account or the address used up its failed sign-ins, else None."""
    counters, retry_after = sign_in_counters(request, username)
    if any(window_peek(key) >= limit for limit, key in counters):
        return retry_after
    return None


def sign_in_failed(sender, credentials, request=None, **kwargs):
    """Count a failed sign-in against its account and its address (a `user_login_failed` receiver)."""
    if request is None:
        return
    counters, _retry_after = sign_in_counters(request, str(credentials.get(get_user_model().USERNAME_FIELD, "")))
    for _limit, key in counters:
        window_count(key, settings.GATEWAY_SIGNIN_WINDOW_SECONDS)
