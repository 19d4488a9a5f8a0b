"""Name the operation a request ran: its operationId in the plugin's OpenAPI document.

One answer for the request log and the usage record. Everything here derives from the code (URL
patterns, view classes, drf-spectacular declarations), never from an operator's settings, so it is
worked out once per process and never goes stale.
"""

import re
from functools import cache, lru_cache

from django.urls import URLPattern, URLResolver, get_resolver

CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def walk(patterns, prefix: str = ""):
    """Yield (route, name, view function) for every URL pattern, following includes."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name, pattern.callback


@cache
def api_views(api_urlconf: str) -> dict[str, object]:
    """Return {route: view function} of a plugin's API URLconf ("todos/<str:username>": ...)."""
    return {route: callback for route, _name, callback in walk(get_resolver(api_urlconf).url_patterns)}


# Bounded: the method is the client's (any token is a valid HTTP method), the rest is code.
@lru_cache(maxsize=1024)
def operation_id(view_class, method: str, path: str) -> str:
    """Return the operationId a view method declares with drf-spectacular's @extend_schema.

    The same call the schema generator makes, so the name matches the document. A method with no
    @extend_schema (OPTIONS, HEAD, one the view lacks: none is in the document) is "METHOD /path".
    """
    handler = getattr(view_class, method.lower(), None) if view_class is not None else None
    schema_class = getattr(handler, "kwargs", {}).get("schema") if handler is not None else None
    if schema_class is None or method in ("OPTIONS", "HEAD"):
        return f"{method} {path}"
    view = view_class()
    # What the schema's scope checks read (API versioning is off, so the request is not used).
    view.request, view.args, view.kwargs = None, (), {}
    schema = schema_class()
    # The generator sets path_prefix; a declared id never reads it, a generated one strips nothing.
    schema.view, schema.method, schema.path, schema.path_prefix = view, method, path, ""
    return schema.get_operation_id()


def api_route(request) -> str | None:
    """Return the plugin API route this request ran ("todos/<str:username>"), or None.

    None for the gateway's own pages under a plugin (manifest, spec, logo, OAuth, MCP endpoint) and
    for requests that never reached a view: the route must lead to the very view that answered.
    """
    plugin, match = getattr(request, "plugin", None), getattr(request, "resolver_match", None)
    if plugin is None or match is None:
        return None
    # Path mode routes start with the plugin's base; on the plugin's own host they start at the root.
    base = "" if getattr(request, "urlconf", None) is not None else f"plugins/{plugin.slug}/"
    if not match.route.startswith(base):
        return None
    route = match.route[len(base) :]
    return route if api_views(plugin.config.api_urlconf).get(route) is match.func else None


def request_operation(request) -> str | None:
    """Return the operationId of the plugin API call this request ran, else None.

    An MCP tool call is named after its tool; a method the API does not document is named
    "METHOD /path" (a 405, still an API call); gateway pages are not API calls.
    """
    tool_call = getattr(request, "mcp_tool_call", None)
    if tool_call is not None:
        return tool_call.operation
    route = api_route(request)
    if route is None:
        return None
    view_class = getattr(request.resolver_match.func, "cls", None)
    return operation_id(view_class, request.method, "/" + CONVERTER.sub(r"{\1}", route))
