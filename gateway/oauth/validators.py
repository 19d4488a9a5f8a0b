"""django-oauth-toolkit hooks: every client belongs to one plugin, and is refused by every other.

Also: authorization codes are stored as their SHA-256 (gateway.oauth.codes), a replayed code
revokes the tokens its first exchange issued, client secrets use the fast hasher
(gateway.oauth.hashers), and PKCE is required of every client the operator did not exempt.
"""

import re

from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_backends import OAuthLibCore
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors

from . import tokencache
from .codes import code_hash, redeemed_code_record, redeemed_code_replayed
from .hashers import client_secret_matches, spend_a_secret_check

# BASE64URL(SHA256(verifier)) without padding, RFC 7636 section 4.2.
S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")

# A key no HTTP header can produce (Django stores those as HTTP_*), so a caller cannot forge it.
PLUGIN_HEADER = "Gateway-Plugin-Id"


def client_requires_pkce(client_id: str) -> bool:
    """Return whether this client must send PKCE (unknown clients must)."""
    client = get_application_model().objects.filter(client_id=client_id).first()
    return client is None or client.requires_pkce


class GatewayOAuthLibCore(OAuthLibCore):
    """Pass the plugin the request came in through, and its prefetched cache entries, to the validator."""

    def verify_request(self, request, scopes):
        # The token's cache entry came with the plugin row (gateway.hosting); DOT makes a validator per call.
        call = getattr(request, "call", None)
        self.server.request_validator.prefetched = call.cached if call is not None else {}
        return super().verify_request(request, scopes)

    def validate_authorization_request(self, request):
        scopes, credentials = super().validate_authorization_request(request)
        # A "plain" challenge (oauthlib's default when no method is sent, RFC 7636 §4.3) is refused
        # here, with the missing one, not by DOT once the user has signed in and clicked Allow.
        # A challenge that is no S256 digest (empty, one character) could never match a verifier:
        # refused here too, not at the token endpoint after the user signed in for nothing.
        description = None
        if "code_challenge" in credentials and credentials.get("code_challenge_method") != "S256":
            description = 'Unsupported "plain" code_challenge_method; use "S256".'
        elif "code_challenge" in credentials and not S256_CHALLENGE.fullmatch(credentials["code_challenge"]):
            description = "code_challenge must be the 43-character base64url SHA-256 of the code_verifier."
        if description:
            raise OAuthToolkitError(
                error=errors.InvalidRequestError(description=description, request=credentials["request"])
            )
        return scopes, credentials

    def extract_headers(self, request):
        headers = super().extract_headers(request)
        headers.pop(PLUGIN_HEADER, None)
        plugin = getattr(request, "plugin", None)
        if plugin is not None:
            headers[PLUGIN_HEADER] = str(plugin.pk)
        return headers


class GatewayOAuth2Validator(OAuth2Validator):
    """DOT's validator, plus: a client is known only to its own plugin; codes and secrets as above."""

    @staticmethod
    def _client_of_this_plugin(request) -> bool:
        plugin_id = request.headers.get(PLUGIN_HEADER)
        return plugin_id is not None and request.client is not None and str(request.client.plugin_id) == plugin_id

    def validate_client_id(self, client_id, request, *args, **kwargs):
        return super().validate_client_id(client_id, request, *args, **kwargs) and self._client_of_this_plugin(request)

    def authenticate_client(self, request, *args, **kwargs):
        authenticated = super().authenticate_client(request, *args, **kwargs)
        if request.client is None:
            # Unknown client_id: as much work as a wrong secret, so timing does not tell them apart.
            spend_a_secret_check(getattr(request, "client_secret", None))
        return authenticated and self._client_of_this_plugin(request)

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        authenticated = super().authenticate_client_id(client_id, request, *args, **kwargs)
        return authenticated and self._client_of_this_plugin(request)

    def _check_secret(self, provided_secret, stored_secret):
        return client_secret_matches(provided_secret, stored_secret)

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        # The platform may send `scope=` empty, which oauthlib reads as [""]: that means the defaults.
        if not [scope for scope in scopes if scope]:
            request.scopes = scopes = self.get_default_scopes(client_id, request)
        return super().validate_scopes(client_id, scopes, client, request, *args, **kwargs)

    def _load_access_token(self, token):
        # From the shared cache for a short while when there is one (gateway.oauth.tokencache).
        if tokencache.cache_seconds() <= 0:
            return super()._load_access_token(token)
        # Entries already fetched for the request being verified (GatewayOAuthLibCore.verify_request).
        access_token = tokencache.access_token_from_cache(token, getattr(self, "prefetched", {}))
        if access_token is None:
            access_token = super()._load_access_token(token)
            if access_token is not None:
                tokencache.access_token_remember(access_token)
        return access_token

    def is_pkce_required(self, client_id, request):
        # oauthlib asks once the client is loaded (DOT's PKCE_REQUIRED callable would query it again);
        # none loaded means an unknown client, which must use PKCE.
        client = request.client
        if client is None:
            return True
        return client.requires_pkce if client.client_id == client_id else client_requires_pkce(client_id)

    # Every DOT lookup or write of Grant.code goes through these, with the code's hash in its place.

    def _create_authorization_code(self, request, code, expires=None):
        # A copy: oauthlib sends `code` itself back to the client.
        return super()._create_authorization_code(request, {**code, "code": code_hash(code["code"])}, expires)

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        if super().validate_code(client_id, code_hash(code), client, request, *args, **kwargs):
            return True
        redeemed_code_replayed(code=code, client=client)
        return False

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, *args, **kwargs):
        return super().confirm_redirect_uri(client_id, code_hash(code), redirect_uri, client, *args, **kwargs)

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        super().invalidate_authorization_code(client_id, code_hash(code), request, *args, **kwargs)

    def get_code_challenge(self, code, request):
        return super().get_code_challenge(code_hash(code), request)

    def get_code_challenge_method(self, code, request):
        return super().get_code_challenge_method(code_hash(code), request)

    def get_authorization_code_scopes(self, client_id, code, redirect_uri, request):
        return super().get_authorization_code_scopes(client_id, code_hash(code), redirect_uri, request)

    def get_authorization_code_nonce(self, client_id, code, redirect_uri, request):
        return super().get_authorization_code_nonce(client_id, code_hash(code), redirect_uri, request)

    def _check_and_set_request_resource(self, request):
        # DOT reads the grant by request.code here; lend it the hash for the call only.
        if request.grant_type != "authorization_code":
            return super()._check_and_set_request_resource(request)
        code = request.code
        request.code = code_hash(code)
        try:
            return super()._check_and_set_request_resource(request)
        finally:
            request.code = code

    def _create_refresh_token(self, request, refresh_token_code, access_token, previous_refresh_token):
        refresh_token = super()._create_refresh_token(request, refresh_token_code, access_token, previous_refresh_token)
        # Every code exchange issues a refresh token (its family holds all the code led to).
        if request.grant_type == "authorization_code":
            redeemed_code_record(code=request.code, client=request.client, token_family=refresh_token.token_family)
        return refresh_token
