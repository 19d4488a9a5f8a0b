"""One record of each request, filled once by whoever knows each fact, read by everyone after.

CallMiddleware (the first middleware) opens `request.call`; plugin hosting puts the plugin on
`request.plugin`, authentication names the caller (gateway.auth.Caller), the plugin view base
the operationId, the MCP endpoint the tool and its outcome. When the answer leaves, the request log, the metrics and the
usage recorder read the record; none of them works anything out again.
"""

import re
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from drf_spectacular.generators import SchemaGenerator

from .ops import requestlog
from .ops.metrics import request_observed
from .usage.recorder import call_finished

CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
# An incoming id is kept only if it cannot break a log line or a header: short, plain characters.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}$")


@dataclass
class CallRecord:
    """What is known about one request; a field stays None until the part that knows it sets it."""

    request_id: str
    started: float  # time.time(), for the usage row
    clock: float  # time.perf_counter(), for the latency
    caller: object = None  # gateway.auth.Caller (authentication)
    # The operationId of the plugin API call (the MCP tool's name): None for anything else.
    operation: str | None = None
    client: str = "http"  # "mcp" for a tool call
    # An MCP tool call's own outcome (its view's status), where the HTTP answer is a 200 either way.
    tool_status: int | None = None
    tool_error: bool = False
    # Cache entries fetched with the plugin row for later steps (the OAuth token's), by key.
    cached: dict = field(default_factory=dict)

    def outcome(self, response) -> tuple[int, bool]:
        """Return (the call's status, whether it failed): the tool's own for an MCP tool call."""
        status = self.tool_status if self.tool_status is not None else response.status_code
        return status, self.tool_error or status >= 400


def request_id_for(request) -> str:
    """Return the caller's X-Request-ID when it is sane, else a new random one."""
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    return incoming if SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


class CallMiddleware:
    """Open the call record, time the request, and hand the finished record to the log and usage."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        record = request.call = CallRecord(request_id_for(request), time.time(), time.perf_counter())
        response = self.get_response(request)
        response["X-Request-ID"] = record.request_id
        latency_ms = (time.perf_counter() - record.clock) * 1000
        fields = requestlog.call_logged(request, response, record, latency_ms)
        request_observed(record, fields)
        if record.operation is not None:
            call_finished(request, response, record, latency_ms)
        return response


@cache
def operation_ids(api_urlconf: str) -> dict[str, dict[str, str]]:
    """Return {"/todos/{username}": {"GET": "getTodos", ...}} from the plugin's generated spec.

    The same document the spec URL serves (its paths derive from the code only), so a name here is
    the name there; worked out once per process.
    """
    schema = SchemaGenerator(patterns=import_module(api_urlconf).urlpatterns).get_schema(request=None, public=True)
    return {
        path: {method.upper(): operation["operationId"] for method, operation in methods.items()}
        for path, methods in schema.get("paths", {}).items()
    }


def api_operation(request, plugin) -> str | None:
    """Return the operationId of the plugin API route this request resolved to, else None.

    A method the spec does not document on a documented path (a 405, OPTIONS) is "METHOD /path";
    a route outside the spec (a public page) is no API call.
    """
    match = request.resolver_match
    if match is None:
        return None
    # Path mode routes start with the plugin's base; on the plugin's own host they start at the root.
    base = "" if getattr(request, "urlconf", None) is not None else f"plugins/{plugin.slug}/"
    path = "/" + CONVERTER.sub(r"{\1}", match.route.removeprefix(base))
    methods = operation_ids(plugin.config.api_urlconf).get(path)
    if methods is None:
        return None
    return methods.get(request.method) or f"{request.method} {path}"
