"""What the gateway counts for Prometheus (served by gateway.ops.scrape at /metrics).

What is counted comes from computations that happen anyway: the request log's fields (plugin,
operationId, credential kind, status, latency), the caches' own get(), the token endpoint's answer.
Nothing is counted while metrics are off (neither GATEWAY_METRICS_TOKEN nor GATEWAY_METRICS_ALLOW_IPS
set), so a deployment that does not scrape pays one settings lookup per request.

Imported by the request log and the caches, so it imports nothing of the gateway's own.
"""

import json
import re

from django.conf import settings
from prometheus_client import Counter, Histogram

# prometheus-client's metrics are process-global by design (its registry): the only module-level
# state here. Every label value comes from code or the plugin table, never from the client's text.
REQUEST_LABELS = ("plugin", "operation", "client", "status")
REQUESTS = Counter("gateway_requests", "Requests answered.", REQUEST_LABELS)
ERRORS = Counter("gateway_request_errors", "Requests answered with a 4xx or 5xx status.", REQUEST_LABELS)
LATENCY = Histogram(
    "gateway_request_duration_seconds",
    "Time from the first middleware to the answer.",
    REQUEST_LABELS,
    # A cached API call takes ~1.5 ms; upstream calls time out after 10 s, the platforms after 45 s.
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
CACHE_LOOKUPS = Counter("gateway_cache_lookups", "Shared-cache lookups of hot rows.", ("cache", "result"))
TOKEN_REQUESTS = Counter(
    "gateway_oauth_token_requests",
    "Token endpoint answers: `issued`, or the OAuth error code.",
    ("plugin", "grant_type", "result"),
)

# An undocumented method is named "METHOD /path" (gateway.calls); the method is the client's
# choice, so any other than these is counted as one label value rather than one series per word.
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
OAUTH_ERROR = re.compile(r"^[a-z_]{1,40}$")


def metrics_enabled() -> bool:
    return bool(settings.GATEWAY_METRICS_TOKEN or settings.GATEWAY_METRICS_ALLOW_IPS)


def operation_label(operation: str | None) -> str:
    if operation is None:
        return ""
    method, space, _ = operation.partition(" ")
    return "OTHER" + operation[len(method) :] if space and method not in HTTP_METHODS else operation


def request_observed(record, fields: dict) -> None:
    """Count one answered request from its call record and the request log's fields."""
    if not metrics_enabled():
        return
    # An MCP tool call travels in a 200 whatever the tool answered: count the tool's own status.
    status = record.tool_status if record.tool_status is not None else fields["status"]
    labels = (fields["plugin"] or "", operation_label(fields["operation_id"]), fields["auth"] or "none", str(status))
    REQUESTS.labels(*labels).inc()
    if status >= 400:
        ERRORS.labels(*labels).inc()
    LATENCY.labels(*labels).observe(fields["latency_ms"] / 1000)


def cache_lookup(cache: str, *, hit: bool) -> None:
    """Count one lookup in a row cache (the plugin rows, the OAuth tokens)."""
    if metrics_enabled():
        CACHE_LOOKUPS.labels(cache, "hit" if hit else "miss").inc()


class TokenMetricsMixin:
    """Count the token endpoint's answers by grant type and outcome; first base, so 429s count too."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if metrics_enabled() and request.method == "POST":
            from ..oauth.views import GRANT_TYPES  # the view's module imports this one

            grant_type = request.POST.get("grant_type")
            result = "issued" if response.status_code == 200 else oauth_error(response)
            plugin = request.plugin.slug
            TOKEN_REQUESTS.labels(plugin, grant_type if grant_type in GRANT_TYPES else "other", result).inc()
        return response


def oauth_error(response) -> str:
    """Return the RFC 6749 `error` code of a refused token request (`other` if it has none)."""
    try:
        error = json.loads(response.content).get("error")
    except (ValueError, AttributeError):
        return "other"
    return error if isinstance(error, str) and OAUTH_ERROR.match(error) else "other"
