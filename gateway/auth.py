"""Per-plugin auth, enforced by the gateway for every plugin view (DRF defaults)."""

import re
from dataclasses import dataclass

from oauth2_provider.oauth2_backends import get_oauthlib_core
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from .models import AuthMode
from .selectors import user_key_for_token
from .services import secret_matches


@dataclass(frozen=True)
class ServiceKey:
    """The credential of a request authenticated with the plugin's service key."""

    plugin_slug: str


def bearer_token(request) -> str | None:
    """Return the token of an `Authorization: Bearer <token>` header, or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"


class PluginAuthentication(BaseAuthentication):
    """Authenticate a call the way its plugin's auth mode (a database setting) says."""

    def authenticate(self, request):
        plugin = getattr(request, "plugin", None)
        if plugin is None or plugin.auth_mode == AuthMode.NONE:
            return None
        token = bearer_token(request)
        if token is None:
            return None
        if plugin.auth_mode == AuthMode.SERVICE_HTTP:
            if not secret_matches(token, plugin.service_key_hash):
                raise exceptions.AuthenticationFailed("The service key is not valid for this plugin.")
            return (None, ServiceKey(plugin.slug))
        if plugin.auth_mode == AuthMode.USER_HTTP:
            key = user_key_for_token(plugin=plugin, token=token)
            if key is None:
                raise exceptions.AuthenticationFailed("The API key is not valid for this plugin.")
            return (key.user, key)
        return self._authenticate_oauth(request, plugin)

    @staticmethod
    def _authenticate_oauth(request, plugin):
        valid, oauth_request = get_oauthlib_core().verify_request(request._request, scopes=[])
        access_token = oauth_request.access_token if valid else None
        if access_token is None or access_token.application.plugin_id != plugin.pk:
            raise exceptions.AuthenticationFailed(
                "The access token is invalid, expired, revoked or for another plugin."
            )
        if not access_token.allow_scopes(list(plugin.config.scopes)):
            raise InsufficientScope(f"The token lacks the scope(s): {' '.join(plugin.config.scopes)}.")
        return (access_token.user, access_token)

    def authenticate_header(self, request):
        return "Bearer"


class PluginAccess(BasePermission):
    """Let a call through when its plugin needs no auth, or when it authenticated."""

    message = "Send 'Authorization: Bearer <key>' to use this plugin."

    def has_permission(self, request, view):
        plugin = getattr(request, "plugin", None)
        if plugin is None:
            return False
        return plugin.auth_mode == AuthMode.NONE or request.auth is not None


USERNAME_PATTERN = re.compile(r"^[\w.@+-]{1,150}$")


def request_owner(request, username: str) -> dict:
    """Return the owner filter for per-user data: the signed-in user, else the path's username."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"user": user, "username": ""}
    if not USERNAME_PATTERN.match(username):
        raise exceptions.ValidationError({"username": "Use 1 to 150 letters, digits or @ . + - _ characters."})
    return {"user": None, "username": username}
