"""One structured log line per request, and a request id that follows it (X-Request-ID).

Only what identifies the call is logged: never headers (Authorization), bodies or the query
string (upstream keys, OAuth codes and tokens travel there).
"""

import logging
import re
import time
import uuid

from ..auth import ServiceKey
from ..models import UserKey
from ..operations import request_operation
from .metrics import request_observed

logger = logging.getLogger("gateway.request")
# An incoming id is kept only if it cannot break a log line or a header: short, plain characters.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}$")


def request_id_for(request) -> str:
    """Return the caller's X-Request-ID when it is sane, else a new random one."""
    incoming = request.headers.get("x-request-id", "")
    return incoming if SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


def credential_kind(auth) -> str | None:
    if auth is None:
        return None
    if isinstance(auth, ServiceKey):
        return "service_key"
    if isinstance(auth, UserKey):
        return "user_key"
    return "oauth"


def caller_of(request) -> tuple[str | None, int | None]:
    """Return (credential kind, user id) as DRF's authentication left them on the request."""
    tool_call = getattr(request, "mcp_tool_call", None)
    if tool_call is not None:  # an MCP tool call: what the plugin's view authenticated
        return (credential_kind(tool_call.auth), getattr(tool_call.auth, "user_id", None))
    if not hasattr(request, "auth"):
        # Not a DRF view: request.user is the lazy session user, and reading it would query the DB.
        return (None, None)
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    return (credential_kind(request.auth), user_id)


class RequestLogMiddleware:
    """Time the request, tag it with an id, and log one JSON line when the answer leaves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id_for(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        kind, user_id = caller_of(request)
        plugin = getattr(request, "plugin", None)
        fields = {
            "request_id": request.request_id,
            "plugin": plugin.slug if plugin is not None else None,
            "operation_id": request_operation(request),
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
            "user_id": user_id,
            "auth": kind,
        }
        logger.info("%s %s %s", request.method, request.path, response.status_code, extra={"fields": fields})
        request_observed(request, fields)
        return response
