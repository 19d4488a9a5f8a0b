"""Run a tool call through the plugin's own view: same auth, validation, owner rules and errors."""

import io
import json
from urllib.parse import urlencode

from django.core.handlers.wsgi import WSGIRequest
from django.urls import Resolver404, resolve

from .tools import Operation

# Environ keys describing the incoming MCP POST, replaced for the sub-request (the rest, incl.
# Authorization, Host and the proxy headers, is kept so auth and absolute URLs work as for a direct call).
REPLACED_KEYS = ("PATH_INFO", "REQUEST_METHOD", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH", "wsgi.input")


class ToolArgumentError(ValueError):
    """The arguments cannot even be placed into a URL (a model can act on the message)."""


def operation_request(request, operation: Operation, arguments: dict) -> tuple[str, WSGIRequest]:
    """Build the HTTP request a direct API call would be; return (path relative to the API, request)."""
    api_path = operation.path
    for name in operation.path_params:
        value = arguments.get(name)
        if value is None or value == "":
            raise ToolArgumentError(f"{name}: This argument is required.")
        # Unquoted, as Django hands path segments to views; the route's converter rejects a "/".
        api_path = api_path.replace("{" + name + "}", str(value))
    query = {name: arguments[name] for name in operation.query_params if arguments.get(name) is not None}
    located = {*operation.path_params, *operation.query_params}
    body_arguments = {name: value for name, value in arguments.items() if name not in located}
    body = json.dumps(body_arguments).encode() if operation.method not in ("get", "head") else b""
    # The MCP endpoint sits at <base>mcp, so the plugin base as this request sees it is its own prefix.
    base_path = request.path_info[: -len("mcp")]
    environ = {key: value for key, value in request.META.items() if key not in REPLACED_KEYS}
    environ.update(
        {
            # PEP 3333: the environ carries the path as UTF-8 bytes decoded as latin-1.
            "PATH_INFO": (base_path + api_path.lstrip("/")).encode().decode("iso-8859-1"),
            "REQUEST_METHOD": operation.method.upper(),
            "QUERY_STRING": urlencode(query, doseq=True),
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
    )
    sub_request = WSGIRequest(environ)
    sub_request.plugin = request.plugin
    # One record for both: the view finds the caller the endpoint authenticated and the tool's name.
    sub_request.call = request.call
    if hasattr(request, "urlconf"):
        sub_request.urlconf = request.urlconf
    return api_path, sub_request


def call_operation(request, operation: Operation, arguments: dict) -> tuple[int, object]:
    """Call the operation's view in-process; return (HTTP status, decoded JSON body)."""
    # MCP 2025-11-25: arguments the inputSchema refuses are a tool execution error the model can correct.
    problem = operation.argument_error(arguments)
    if problem:
        raise ToolArgumentError(f"Invalid arguments: {problem}")
    api_path, sub_request = operation_request(request, operation, arguments)
    try:
        match = resolve(api_path, urlconf=request.plugin.config.api_urlconf)
    except Resolver404 as exc:
        # The route's converters refused a value (a negative id): name the argument, not our URL.
        values = "; ".join(f"{name}: {arguments.get(name)!r} is not a valid value" for name in operation.path_params)
        raise ToolArgumentError(f"{values}.") from exc
    # A plugin view renders its answer and applies the answer cap itself (gateway.contract), as for a direct call.
    response = match.func(sub_request, *match.args, **match.kwargs)
    request.call.tool_status = response.status_code
    try:
        data = json.loads(response.content or b"null")
    except ValueError:
        data = response.content.decode(errors="replace")
    return response.status_code, data
