"""The Streamable HTTP endpoint at <plugin base>/mcp: one JSON-RPC message per POST, JSON answers."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from mcp_types import jsonrpc
from rest_framework import exceptions
from rest_framework.request import Request

from ..auth import InsufficientScope, PluginAuthentication
from ..errors import error_body
from ..models import AuthMode
from .protocol import ProtocolError, answer, load_message, parse_message
from .server import plugin_server


def rpc_error(message_id, error: ProtocolError) -> JsonResponse:
    body = {"jsonrpc": "2.0", "id": message_id, "error": {"code": error.code, "message": error.message}}
    if error.data is not None:
        body["error"]["data"] = error.data
    return JsonResponse(body, status=error.status or 200)


def origin_allowed(request) -> bool:
    """Refuse browsers on other sites (DNS rebinding): no Origin, our own, or a configured platform."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or origin in settings.CORS_ALLOWED_ORIGINS


def auth_challenge(request, authentication, exc: exceptions.APIException | None) -> HttpResponse:
    """Answer 401 (or 403 for a missing scope) with the API's own Bearer challenge, which MCP clients follow."""
    status = 403 if isinstance(exc, InsufficientScope) else 401
    message = str(exc.detail) if exc is not None else "Send 'Authorization: Bearer <token>' to use this MCP server."
    response = JsonResponse(
        error_body("unauthorized" if status == 401 else "insufficient_scope", message), status=status
    )
    response["WWW-Authenticate"] = authentication.authenticate_header(request)
    return response


def authenticate(request) -> HttpResponse | None:
    """Authenticate once, as the plugin's API does (the tool's view reuses the caller); else a challenge."""
    drf_request, authentication = Request(request), PluginAuthentication()
    try:
        result = authentication.authenticate(drf_request)
    except exceptions.APIException as exc:
        return auth_challenge(drf_request, authentication, exc)
    if result is None and request.plugin.auth_mode != AuthMode.NONE:
        return auth_challenge(drf_request, authentication, None)
    return None


def tool_call_named(record, raw) -> None:
    """Name the call record after the tool a tools/call message asks for (before auth: a refusal counts too)."""
    if isinstance(raw, dict) and raw.get("method") == "tools/call":
        name = (raw.get("params") or {}).get("name") if isinstance(raw.get("params"), dict) else None
        if isinstance(name, str):
            record.client, record.operation = "mcp", name[:100]


@csrf_exempt
def endpoint(request):
    """Answer one MCP message. GET has no server-initiated stream here, so it answers 405."""
    if request.method != "POST":
        response = JsonResponse(error_body("method_not_allowed", "POST one JSON-RPC message."), status=405)
        response["Allow"] = "POST"
        return response
    if not origin_allowed(request):
        return JsonResponse(error_body("forbidden", "This Origin may not call the MCP server."), status=403)
    if request.content_type != "application/json":  # parsed and lowercased by Django, parameters apart
        message = "Send the JSON-RPC message with 'Content-Type: application/json'."
        return rpc_error(None, ProtocolError(jsonrpc.INVALID_REQUEST, message, status=415))
    raw = load_message(request.body)
    record = request.call
    tool_call_named(record, raw)
    challenge = authenticate(request)
    if challenge is not None:
        return challenge
    try:
        message = parse_message(raw)
    except ProtocolError as exc:
        return rpc_error(None, exc)
    if not isinstance(message, jsonrpc.JSONRPCRequest):
        # Notifications and responses need no answer: 202, no body and so no Content-Type.
        response = HttpResponse(status=202)
        del response["Content-Type"]
        return response
    try:
        result = answer(plugin_server(request), message, request.headers)
    except ProtocolError as exc:
        record.tool_error = True  # read only for a tools/call (an unknown tool, bad arguments)
        return rpc_error(message.id, exc)
    record.tool_error = bool(result.get("isError"))
    return JsonResponse({"jsonrpc": "2.0", "id": message.id, "result": result})
