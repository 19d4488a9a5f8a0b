"""Describe a finished request as a usage row (or None when it was not a plugin API call)."""

import json
from datetime import UTC, datetime

from oauth2_provider.models import get_access_token_model
from rest_framework import exceptions
from rest_framework.request import Request

from ..auth import PluginAuthentication, ServiceKey
from ..mcp import views as mcp_views
from ..models import UserKey
from ..operations import request_operation
from .models import Client, Credential

# The AI platform's per-call headers -> (column, longest value kept).
PLATFORM_HEADERS = {
    "openai-conversation-id": ("conversation_id", 100),
    "openai-ephemeral-user-id": ("ephemeral_user_id", 100),
    "openai-subdivision-1-iso-code": ("subdivision", 10),
}


def credential_fields(auth) -> dict:
    """Return who acted: the credential's kind and id, and the user behind it."""
    if isinstance(auth, ServiceKey):
        return {"credential": Credential.SERVICE_KEY}
    if isinstance(auth, UserKey):
        return {"credential": Credential.USER_KEY, "credential_id": auth.pk, "user_id": auth.user_id}
    if isinstance(auth, get_access_token_model()):
        return {"credential": Credential.OAUTH, "credential_id": auth.application_id, "user_id": auth.user_id}
    return {"credential": Credential.NONE}


def mcp_tool_call(request, response) -> dict | None:
    """Return the operation and outcome of an MCP tools/call exchange, else None (initialize, tools/list...)."""
    try:
        message = json.loads(request.body)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("method") != "tools/call":
        return None
    name = (message.get("params") or {}).get("name")
    if not isinstance(name, str):
        return None
    is_error = response.status_code >= 400
    if response.status_code == 200 and response.get("Content-Type", "").startswith("application/json"):
        answer = json.loads(response.content)
        # A JSON-RPC error (unknown tool, bad params) or a tool result the view answered with a 4xx/5xx.
        is_error = "error" in answer or bool((answer.get("result") or {}).get("isError"))
    return {"operation": name[:100], "is_error": is_error}


def mcp_credential(request) -> dict:
    """Authenticate the MCP request again (no tool ran, so no view kept a result); off the clock."""
    try:
        result = PluginAuthentication().authenticate(Request(request))
    except exceptions.APIException:
        result = None
    return credential_fields(result[1] if result else None)


def mcp_fields(request, response) -> dict | None:
    """Return the row's fields for an MCP exchange: the tool's own outcome when one ran through its view."""
    tool_call = getattr(request, "mcp_tool_call", None)
    if tool_call is not None:
        return {
            "operation": tool_call.operation[:100],
            "status": tool_call.status,
            "is_error": tool_call.status >= 400,
            **credential_fields(tool_call.auth),
        }
    outcome = mcp_tool_call(request, response)  # an unknown tool or bad arguments: no view ran
    return None if outcome is None else {**outcome, **mcp_credential(request)}


def call_fields(request, response, *, started: float, duration_ms: float) -> dict | None:
    """Return the usage row's fields for this finished request, or None if it was no API call."""
    if request.resolver_match.func is mcp_views.endpoint:
        if request.method != "POST":
            return None
        outcome = mcp_fields(request, response)
        if outcome is None:
            return None
        fields = {"client": Client.MCP, **outcome}
    else:
        operation = request_operation(request)
        if operation is None:
            return None
        fields = {
            "client": Client.HTTP,
            "operation": operation[:100],
            "is_error": response.status_code >= 400,
            **credential_fields(getattr(request, "auth", None)),
        }
    for header, (column, length) in PLATFORM_HEADERS.items():
        fields[column] = request.headers.get(header, "")[:length]
    return {
        "status": response.status_code,
        **fields,
        "plugin": request.plugin.slug,
        "duration_ms": duration_ms,
        "created_at": datetime.fromtimestamp(started, tz=UTC),
    }
