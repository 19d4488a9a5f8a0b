"""RFC 8707 / RFC 9728 identities: each plugin is its own authorization server and protected resource.

The issuer is the plugin's base URL; the resource MCP clients name is its `/mcp` URL. A token bound
to that resource works for the whole plugin (the MCP tools run through the plugin's API views), and
for nothing else: not another plugin, nor the same plugin reached under another host.
"""

from urllib.parse import urlsplit

from oauth2_provider.oauth2_validators import validate_resource_as_url_prefix

from ..manifest import plugin_url

MCP_SUFFIX = "/mcp"


def plugin_issuer(request, plugin) -> str:
    """Return the plugin's issuer identifier: its base URL without the trailing slash."""
    return plugin_url(request, plugin, "base").rstrip("/")


def well_known_url(identifier: str, name: str) -> str:
    """Return `<origin>/.well-known/<name><path of identifier>` (RFC 8414 §3.1, RFC 9728 §3.1)."""
    parts = urlsplit(identifier)
    return f"{parts.scheme}://{parts.netloc}/.well-known/{name}{parts.path.rstrip('/')}"


def protected_resource_metadata_url(request, plugin) -> str:
    return well_known_url(plugin_url(request, plugin, "mcp"), "oauth-protected-resource")


def resource_root(resource: str) -> str:
    """Return the URL prefix a resource identifier covers: its plugin base for an MCP URL."""
    path = urlsplit(resource).path
    return resource[: -len(MCP_SUFFIX)] + "/" if path.endswith(MCP_SUFFIX) else resource


def audience_allows(request_uri: str, audiences: list[str]) -> bool:
    """DOT's RESOURCE_SERVER_TOKEN_RESOURCE_VALIDATOR: a token for <base>/mcp is good under <base>."""
    return validate_resource_as_url_prefix(request_uri, [resource_root(audience) for audience in audiences])


def resource_belongs_to_plugin(request, plugin, resource: str) -> bool:
    """Return whether `resource` names this plugin as this request's host serves it."""
    try:
        parts = urlsplit(resource)
        # RFC 8707 §2: a resource indicator carries no query (nor fragment), or the token would be bound
        # to a URL no request is ever made to.
        if parts.query or parts.fragment:
            return False
        return validate_resource_as_url_prefix(resource, [plugin_url(request, plugin, "base")])
    except ValueError:
        # urlsplit refuses some malformed URLs (`https://[::1/mcp`) instead of parsing them: no plugin's.
        return False
