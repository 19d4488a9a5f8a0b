"""JSON-RPC over Streamable HTTP, validated and shaped by the official `mcp_types` package.

Stateless: no session id, every POST carries one message. Handshake revisions (initialize, then the
MCP-Protocol-Version header) and the 2026-07-28 per-request envelope (server/discover, `_meta`,
Mcp-Method/Mcp-Name headers) share one dispatcher.
"""

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import mcp_types as types
from mcp_types import jsonrpc
from mcp_types.methods import parse_client_request, serialize_server_result
from pydantic import ValidationError

HANDSHAKE_VERSIONS = ("2025-03-26", "2025-06-18", "2025-11-25")
MODERN_VERSIONS = ("2026-07-28",)
SUPPORTED_VERSIONS = (*HANDSHAKE_VERSIONS, *MODERN_VERSIONS)
# The transport spec: a request without the header is read as this revision.
VERSION_WITHOUT_HEADER = "2025-03-26"
NAME_HEADER_METHODS = {"tools/call": "name"}
# 2026-07-28 list caching: the tools come from the plugin's cached spec and hold no caller's data, so
# any cache may share them; an operator's edit reaches clients within this time.
LIST_TTL_MS = 5 * 60 * 1000
LIST_CACHE_SCOPE = "public"
BASE64_HEADER = re.compile(r"^=\?base64\?(?P<payload>.*)\?=$")


class ProtocolError(Exception):
    """A JSON-RPC error answer; `status` is the HTTP status it travels with."""

    def __init__(self, code: int, message: str, *, status: int = 400, data=None):
        super().__init__(message)
        self.code, self.message, self.status, self.data = code, message, status, data


@dataclass(frozen=True)
class Server:
    """What one plugin's MCP server offers: its identity and its tools."""

    info: types.Implementation
    instructions: str
    list_tools: Callable[[], list[types.Tool]]
    call_tool: Callable[[str, dict], types.CallToolResult]


def unsupported_version(requested) -> ProtocolError:
    return ProtocolError(
        jsonrpc.UNSUPPORTED_PROTOCOL_VERSION,
        f"Unsupported protocol version {requested!r}; this server speaks {', '.join(SUPPORTED_VERSIONS)}.",
        data={"supported": list(SUPPORTED_VERSIONS), "requested": str(requested)},
    )


def header_value(raw: str | None) -> str | None:
    """Decode an Mcp-Name style header (plain ASCII, or =?base64?...?= for anything else)."""
    match = BASE64_HEADER.match(raw or "")
    if not match:
        return raw
    try:
        return base64.b64decode(match["payload"], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


def request_version(method: str, params: dict | None, headers) -> str:
    """Return the revision a request is to be read in, or raise for an unknown or inconsistent one."""
    # Only a missing header means 2025-03-26: an empty one is an unknown version. (WSGI hands header
    # bytes over decoded as latin-1, so non-ASCII arrives as "Ã©" under gunicorn, but granian passes
    # a value that is not visible ASCII as "", which `or` used to read as no header at all.)
    version = headers.get("mcp-protocol-version")
    if method == "initialize" and version not in MODERN_VERSIONS:
        offered = (params or {}).get("protocolVersion")
        # Answer with the client's revision when we speak it, else our newest (the client decides).
        return offered if offered in HANDSHAKE_VERSIONS else HANDSHAKE_VERSIONS[-1]
    meta = (params or {}).get("_meta")
    meta = meta if isinstance(meta, dict) else {}
    if version is None and types.PROTOCOL_VERSION_META_KEY in meta:
        raise ProtocolError(jsonrpc.HEADER_MISMATCH, "Send the MCP-Protocol-Version header named in params._meta.")
    version = VERSION_WITHOUT_HEADER if version is None else version
    if version not in SUPPORTED_VERSIONS:
        raise unsupported_version(version)
    # Whatever the revision, a body that names another one disagrees with the header.
    if meta.get(types.PROTOCOL_VERSION_META_KEY, version) != version:
        raise ProtocolError(jsonrpc.HEADER_MISMATCH, "MCP-Protocol-Version does not match params._meta.")
    if version in MODERN_VERSIONS:
        check_modern_envelope(method, params or {}, meta, headers)
    return version


def check_modern_envelope(method: str, params: dict, meta: dict, headers) -> None:
    """Check a 2026-07-28 request's `_meta` (-32602 when incomplete) and its method headers (-32020)."""
    missing = [key for key in (types.PROTOCOL_VERSION_META_KEY, types.CLIENT_CAPABILITIES_META_KEY) if key not in meta]
    if missing:
        raise ProtocolError(jsonrpc.INVALID_PARAMS, f"params._meta must carry {' and '.join(missing)}.")
    if headers.get("mcp-method") != method:
        raise ProtocolError(jsonrpc.HEADER_MISMATCH, "Mcp-Method does not match the request's method.")
    name_key = NAME_HEADER_METHODS.get(method)
    if name_key and header_value(headers.get("mcp-name")) != params.get(name_key):
        raise ProtocolError(jsonrpc.HEADER_MISMATCH, f"Mcp-Name does not match params.{name_key}.")


def refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def load_message(body: bytes):
    """Return the decoded JSON body, or None if it is not JSON (NaN and Infinity are not, as in the API)."""
    try:
        return json.loads(body, parse_constant=refuse_constant)
    except ValueError:
        return None


def parse_message(raw) -> jsonrpc.JSONRPCMessage:
    """Validate one decoded JSON-RPC message (raises ProtocolError: -32700 not JSON, -32600 not a message)."""
    if raw is None:
        raise ProtocolError(jsonrpc.PARSE_ERROR, "Send one JSON-RPC 2.0 message as a JSON object.")
    if isinstance(raw, dict) and "params" in raw and not isinstance(raw["params"], dict):
        raise ProtocolError(jsonrpc.INVALID_REQUEST, "params must be a JSON object (arguments by name).")
    try:
        message = jsonrpc.jsonrpc_message_adapter.validate_python(raw, by_name=False)
    except ValidationError:
        raise ProtocolError(jsonrpc.INVALID_REQUEST, "Send one JSON-RPC 2.0 message as a JSON object.") from None
    if isinstance(message, jsonrpc.JSONRPCNotification) and "id" in raw:
        # A request whose id is not a string or integer would pass as a notification and go unanswered.
        raise ProtocolError(jsonrpc.INVALID_REQUEST, "A request id must be a string or an integer.")
    return message


def method_not_found(method: str, modern: bool) -> ProtocolError:
    # Handshake-era clients may read a 404 as "session expired"; the 2026 transport maps it to 404.
    return ProtocolError(jsonrpc.METHOD_NOT_FOUND, f"Method not found: {method}", status=404 if modern else 200)


def capabilities() -> types.ServerCapabilities:
    return types.ServerCapabilities(tools=types.ToolsCapability(list_changed=False))


def result_for(server: Server, version: str, request, modern: bool) -> types.Result:
    """Answer one validated request."""
    if isinstance(request, types.InitializeRequest):
        return types.InitializeResult(
            protocol_version=version,
            capabilities=capabilities(),
            server_info=server.info,
            instructions=server.instructions,
        )
    if isinstance(request, types.DiscoverRequest):
        return types.DiscoverResult(
            supported_versions=list(SUPPORTED_VERSIONS),
            capabilities=capabilities(),
            instructions=server.instructions,
            ttl_ms=LIST_TTL_MS,
            cache_scope=LIST_CACHE_SCOPE,
        )
    if isinstance(request, types.PingRequest):
        return types.EmptyResult()
    if isinstance(request, types.ListToolsRequest):
        return types.ListToolsResult(tools=server.list_tools(), ttl_ms=LIST_TTL_MS, cache_scope=LIST_CACHE_SCOPE)
    if isinstance(request, types.CallToolRequest):
        return server.call_tool(request.params.name, request.params.arguments or {})
    raise method_not_found(request.method, modern)


def answer(server: Server, message: jsonrpc.JSONRPCRequest, headers) -> dict:
    """Return the JSON-RPC result of one request (raises ProtocolError)."""
    version = request_version(message.method, message.params, headers)
    modern = version in MODERN_VERSIONS
    try:
        request = parse_client_request(message.method, version, message.params)
    except KeyError:
        raise method_not_found(message.method, modern) from None
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors())
        raise ProtocolError(
            jsonrpc.INVALID_PARAMS, f"Invalid params: {details}", status=400 if modern else 200
        ) from None
    result = result_for(server, version, request, modern)
    if modern:
        # The schema's Implementation: camelCase keys, and an absent field is left out rather than null.
        info = server.info.model_dump(by_alias=True, mode="json", exclude_none=True)
        result.meta = {**(result.meta or {}), types.SERVER_INFO_META_KEY: info}
        if isinstance(result, types.EmptyResult):
            result.result_type = "complete"
    data = result.model_dump(by_alias=True, mode="json", exclude_none=True)
    return serialize_server_result(message.method, version, data)
