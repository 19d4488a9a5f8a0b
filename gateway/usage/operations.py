"""Name the operation an HTTP request ran: its operationId in the plugin's OpenAPI document."""

import json
import re

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve

from ..hosting import PATH_PREFIX
from ..schema import schema_document

CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def operation_ids(request, plugin) -> dict[str, str]:
    """Return {"GET /todos/{username}": "getTodos", ...}, derived once from the cached spec and cached."""
    key = f"usage:operations:{plugin.slug}:{plugin.updated_at.timestamp()}"
    mapping = cache.get(key)
    if mapping is None:
        spec = json.loads(schema_document(request, plugin, "json"))
        mapping = {
            f"{method.upper()} {path}": operation["operationId"]
            for path, methods in spec.get("paths", {}).items()
            for method, operation in methods.items()
            if isinstance(operation, dict) and "operationId" in operation
        }
        cache.set(key, mapping, settings.GATEWAY_SCHEMA_CACHE_SECONDS)
    return mapping


def api_path_template(request) -> str | None:
    """Return the spec path ("/todos/{username}") of the plugin API route this request ran, else None.

    None for the gateway's own pages under a plugin (manifest, spec, logo, OAuth, MCP endpoint):
    the request must have run the very view the plugin's API URLconf resolves its path to.
    """
    plugin, match = request.plugin, request.resolver_match
    base = f"{PATH_PREFIX}{plugin.slug}/" if getattr(request, "urlconf", None) is None else "/"
    if not request.path_info.startswith(base):
        return None
    try:
        api_match = resolve("/" + request.path_info[len(base) :], urlconf=plugin.config.api_urlconf)
    except Resolver404:
        return None
    if api_match.func is not match.func:
        return None
    return "/" + CONVERTER.sub(r"{\1}", api_match.route)


def http_operation(request) -> str | None:
    """Return the operationId of an API request ("METHOD /path" if undocumented), or None for other pages."""
    template = api_path_template(request)
    if template is None:
        return None
    key = f"{request.method} {template}"
    return operation_ids(request, request.plugin).get(key, key)
