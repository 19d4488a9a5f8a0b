"""Time every request to a plugin and record API calls after the response has gone out."""

import time

from django.core.exceptions import MiddlewareNotUsed

from .conf import usage_enabled
from .services import call_record


class UsageMiddleware:
    """Record plugin API calls (HTTP and MCP tool calls). Sits right after PluginHostMiddleware.

    On the request path it only reads two clocks. Working out what the call was and inserting the row
    happen in response.close(), which the WSGI server calls once the body has been sent.
    """

    def __init__(self, get_response):
        if not usage_enabled():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        started, clock = time.time(), time.perf_counter()
        response = self.get_response(request)
        if getattr(request, "plugin", None) is None or request.resolver_match is None or request.method == "OPTIONS":
            return response
        duration_ms = (time.perf_counter() - clock) * 1000
        close = response.close

        def record_then_close():
            # Before Django's own close: that one fires request_finished, which may close the connection.
            try:
                call_record(request=request, response=response, started=started, duration_ms=duration_ms)
            finally:
                close()

        response.close = record_then_close
        return response
