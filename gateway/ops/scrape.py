"""/metrics on the gateway's host: the Prometheus exposition, for a scraper with the token or address.

Under gunicorn every worker is its own process with its own counters: with PROMETHEUS_MULTIPROC_DIR
set (gunicorn.conf.py sets it), prometheus-client writes each worker's values to files there and
/metrics adds up all of them, whichever worker answers the scrape.
"""

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import REGISTRY, CollectorRegistry, multiprocess
from prometheus_client.exposition import choose_encoder

from ..errors import error_response
from ..throttling import client_address


def scraper_refused(request) -> HttpResponse | None:
    """Return the refusal for this request, or None when it may read the metrics.

    Either credential is enough: the bearer token (compared in constant time) or an address in the
    allow-list. Not configured at all: 404, as if there were no such page.
    """
    token, networks = settings.GATEWAY_METRICS_TOKEN, settings.GATEWAY_METRICS_ALLOW_IPS
    if not (token or networks):
        return error_response(404, "not_found", "No such page.")
    if networks:
        try:
            address = ipaddress.ip_address(client_address(request))
        except ValueError:
            address = None
        if address is not None and any(address in ipaddress.ip_network(net, strict=False) for net in networks):
            return None
    if token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return None
        response = error_response(401, "unauthorized", "Send the metrics token as `Authorization: Bearer <token>`.")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return error_response(403, "forbidden", "This address may not read the metrics.")


def registry():
    """Return what to expose: every worker's files in multiprocess mode, else this process's registry."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    # A registry per scrape, as prometheus-client's multiprocess docs prescribe: the default one
    # would also report this one worker's process metrics as if they were the whole server's.
    combined = CollectorRegistry()
    multiprocess.MultiProcessCollector(combined)
    return combined


@never_cache
@require_safe
def metrics(request):
    """Serve the metrics in the Prometheus text format (OpenMetrics when the scraper asks for it)."""
    refused = scraper_refused(request)
    if refused is not None:
        return refused
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    return HttpResponse(encoder(registry()), content_type=content_type)
