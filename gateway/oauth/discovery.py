"""Per-plugin OAuth discovery: RFC 9728 protected-resource and RFC 8414 authorization-server metadata.

Served under each plugin base (so at the root of a plugin's own host) and, for path mode, at the
gateway root in the path-suffixed form clients build: /.well-known/<name>/plugins/<slug>[/mcp].
"""

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_safe
from oauth2_provider.views.metadata import OAuthProtectedResourceMetadataView

from ..manifest import plugin_url
from ..models import AuthMode
from ..selectors import plugin_for_slug
from .resources import plugin_issuer

AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


def oauth_plugin(request, slug: str | None):
    """Return the plugin the document is for; 404 unless it is in OAuth mode."""
    plugin = request.plugin if slug is None else plugin_for_slug(slug=slug)
    if plugin is None or plugin.auth_mode != AuthMode.OAUTH:
        raise Http404("This plugin does not use OAuth.")
    return plugin


class ProtectedResourceMetadataView(OAuthProtectedResourceMetadataView):
    """DOT's RFC 9728 document, with the plugin's MCP URL as resource and the plugin as its server."""

    def get(self, request, *args, slug=None, **kwargs):
        self.plugin = oauth_plugin(request, slug)
        return super().get(request, *args, **kwargs)

    def get_resource(self, request):
        return plugin_url(request, self.plugin, "mcp")

    def get_authorization_servers(self, request):
        return [plugin_issuer(request, self.plugin)]

    def get_scopes_supported(self):
        return list(self.plugin.config.scopes)

    def get_resource_name(self):
        return self.plugin.text("name_for_human")


@require_safe
def authorization_server_metadata(request, slug=None):
    """Answer the plugin's RFC 8414 document (DOT's own view is tied to a single issuer)."""
    plugin = oauth_plugin(request, slug)
    response = JsonResponse(
        {
            "issuer": plugin_issuer(request, plugin),
            "authorization_endpoint": plugin_url(request, plugin, "authorize"),
            "token_endpoint": plugin_url(request, plugin, "token"),
            "revocation_endpoint": plugin_url(request, plugin, "revoke"),
            "registration_endpoint": plugin_url(request, plugin, "register"),
            "scopes_supported": list(plugin.config.scopes),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            # RFC 9207: every authorization response carries `iss` equal to "issuer" above.
            "authorization_response_iss_parameter_supported": True,
            "token_endpoint_auth_methods_supported": AUTH_METHODS,
            "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
            # An https client_id URL is fetched and checked (gateway.oauth.cimd); DCR stays for older clients.
            "client_id_metadata_document_supported": True,
            "service_documentation": plugin_url(request, plugin, "legal"),
        }
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
