"""Per-plugin auth, enforced by the gateway for every plugin view (DRF defaults)."""

import re
from dataclasses import dataclass

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from .models import AuthMode
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
        raise exceptions.AuthenticationFailed("This plugin's auth mode is not available.")

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
