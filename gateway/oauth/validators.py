"""django-oauth-toolkit hooks: every client belongs to one plugin, and is refused by every other."""

from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_backends import OAuthLibCore
from oauth2_provider.oauth2_validators import OAuth2Validator

from ..ops import tokencache

# A key no HTTP header can produce (Django stores those as HTTP_*), so a caller cannot forge it.
PLUGIN_HEADER = "Gateway-Plugin-Id"


class GatewayOAuthLibCore(OAuthLibCore):
    """Pass the plugin the request came in through down to the validator."""

    def extract_headers(self, request):
        headers = super().extract_headers(request)
        headers.pop(PLUGIN_HEADER, None)
        plugin = getattr(request, "plugin", None)
        if plugin is not None:
            headers[PLUGIN_HEADER] = str(plugin.pk)
        return headers


class GatewayOAuth2Validator(OAuth2Validator):
    """DOT's validator, plus: a client is known only to its own plugin; public clients must use PKCE."""

    @staticmethod
    def _client_of_this_plugin(request) -> bool:
        plugin_id = request.headers.get(PLUGIN_HEADER)
        return plugin_id is not None and request.client is not None and str(request.client.plugin_id) == plugin_id

    def validate_client_id(self, client_id, request, *args, **kwargs):
        return super().validate_client_id(client_id, request, *args, **kwargs) and self._client_of_this_plugin(request)

    def authenticate_client(self, request, *args, **kwargs):
        return super().authenticate_client(request, *args, **kwargs) and self._client_of_this_plugin(request)

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        authenticated = super().authenticate_client_id(client_id, request, *args, **kwargs)
        return authenticated and self._client_of_this_plugin(request)

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        # The platform may send `scope=` empty, which oauthlib reads as [""]: that means the defaults.
        if not [scope for scope in scopes if scope]:
            request.scopes = scopes = self.get_default_scopes(client_id, request)
        return super().validate_scopes(client_id, scopes, client, request, *args, **kwargs)

    def _load_access_token(self, token):
        # From the shared cache for a short while when there is one (gateway.ops.tokencache).
        if tokencache.cache_seconds() <= 0:
            return super()._load_access_token(token)
        access_token = tokencache.access_token_from_cache(token)
        if access_token is None:
            access_token = super()._load_access_token(token)
            if access_token is not None:
                tokencache.access_token_remember(access_token)
        return access_token

    def is_pkce_required(self, client_id, request):
        client = request.client or get_application_model().objects.filter(client_id=client_id).first()
        return client is None or client.client_type == client.CLIENT_PUBLIC
