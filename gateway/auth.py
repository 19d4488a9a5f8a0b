"""Per-plugin auth on the plugin view bases (gateway.contract): who called, worked out once.

Authentication makes one Caller per request and keeps it on the request's call record
(gateway.calls): the throttle, the request log, the metrics and the usage record read it, and an
MCP tool call's inner request reuses the one its endpoint made instead of authenticating again.
"""

import re
from dataclasses import dataclass

from oauth2_provider.contrib.rest_framework import OAuth2ProtectedResourceAuthentication
from oauth2_provider.www_authenticate import build_bearer_challenge
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from .models import AuthMode, Credential
from .oauth.resources import protected_resource_metadata_url
from .selectors import user_key_for_token
from .services import secret_matches
from .throttling import client_address


@dataclass(frozen=True)
class Caller:
    """Who made a call: the credential's kind and row, the user behind it, the client's address."""

    kind: str
    address: str
    user: object = None
    # The UserKey or the AccessToken presented (None for the service key and for no credential).
    credential: object = None

    @property
    def authenticated(self) -> bool:
        return self.kind != Credential.NONE

    @property
    def user_id(self) -> int | None:
        return None if self.user is None else self.user.pk

    @property
    def credential_id(self) -> int | None:
        """The user key's id, or the OAuth client's id for a token (the usage row's credential_id)."""
        if self.kind == Credential.USER_KEY:
            return self.credential.pk
        if self.kind == Credential.OAUTH:
            return self.credential.application_id
        return None

    @property
    def throttle_key(self) -> str:
        """Whose calls a per-caller limit counts: the credential, else the client's address."""
        if self.kind == Credential.SERVICE_KEY:
            return "service"
        if self.kind == Credential.USER_KEY:
            return f"key:{self.credential.pk}"
        if self.kind == Credential.OAUTH:
            return f"token:{self.credential.pk}"
        return f"ip:{self.address}"


def bearer_token(request) -> str | None:
    """Return the token of an `Authorization: Bearer <token>` header, or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"


class PluginAuthentication(OAuth2ProtectedResourceAuthentication):
    """Authenticate a call the way its plugin's auth mode (a database setting) says.

    OAuth tokens go through django-oauth-toolkit's own DRF authentication (expiry, revocation, the
    RFC 8707 audience); this class adds that the token's client belongs to this plugin and carries
    the plugin's scopes, answers a refused token with a message, and challenges with the plugin's
    RFC 9728 metadata URL. Key modes check the hashed service key or the user's key.
    """

    www_authenticate_realm = None

    def authenticate(self, request):
        record = request.call
        if record.caller is None:
            record.caller = self.caller(request)
        caller = record.caller
        return (caller.user, caller) if caller.authenticated else None

    def caller(self, request) -> Caller:
        """Return who is calling, or raise AuthenticationFailed / InsufficientScope."""
        address = client_address(request)
        plugin = request.plugin
        token = bearer_token(request) if plugin.auth_mode != AuthMode.NONE else None
        if token is None:
            return Caller(Credential.NONE, address)
        if plugin.auth_mode == AuthMode.SERVICE_HTTP:
            if not secret_matches(token, plugin.service_key_hash):
                raise exceptions.AuthenticationFailed("The service key is not valid for this plugin.")
            return Caller(Credential.SERVICE_KEY, address)
        if plugin.auth_mode == AuthMode.USER_HTTP:
            key = user_key_for_token(plugin=plugin, token=token)
            if key is None:
                raise exceptions.AuthenticationFailed("The API key is not valid for this plugin.")
            return Caller(Credential.USER_KEY, address, key.user, key)
        # The Django request: DOT reads its form body, which a DRF request would parse (JSON too) first.
        result = super().authenticate(request._request)
        access_token = result[1] if result is not None else None
        if access_token is None or access_token.application.plugin_id != plugin.pk:
            request.oauth2_error = {"error": "invalid_token"}
            raise exceptions.AuthenticationFailed(
                "The access token is invalid, expired, revoked or for another plugin."
            )
        if not access_token.allow_scopes(list(plugin.config.scopes)):
            request.oauth2_error = {"error": "insufficient_scope"}
            raise InsufficientScope(f"The token lacks the scope(s): {' '.join(plugin.config.scopes)}.")
        return Caller(Credential.OAUTH, address, access_token.user, access_token)

    def authenticate_header(self, request):
        return bearer_challenge(request, getattr(request, "oauth2_error", None))


def bearer_challenge(request, oauth2_error: dict | None) -> str:
    """Return the WWW-Authenticate value: in OAuth mode with the plugin's metadata URL and scopes."""
    plugin = request.plugin
    if plugin.auth_mode != AuthMode.OAUTH:
        return "Bearer"
    attributes = {**(oauth2_error or {}), "scope": " ".join(plugin.config.scopes)}
    return build_bearer_challenge(
        request, oauth2_error=attributes, resource_metadata_url=protected_resource_metadata_url(request, plugin)
    )


class PluginAccess(BasePermission):
    """Let a call through when its plugin needs no auth, or when it authenticated."""

    message = "Send 'Authorization: Bearer <key>' to use this plugin."

    def has_permission(self, request, view):
        return request.plugin.auth_mode == AuthMode.NONE or request.auth is not None


USERNAME_PATTERN = re.compile(r"^[\w.@+-]{1,150}$")


def request_owner(request, username: str) -> dict:
    """Return the owner filter for per-user data: the signed-in user, else the path's username."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"user": user, "username": ""}
    if not USERNAME_PATTERN.match(username):
        raise exceptions.ValidationError({"username": "Use 1 to 150 letters, digits or @ . + - _ characters."})
    return {"user": None, "username": username}
