"""RFC 7591 dynamic client registration, per plugin: open to anonymous MCP clients, rate-limited.

DOT's own DCR view cannot bind a client to a plugin, so this small view creates the client itself.
"""

import json
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.models import get_application_model

from .discovery import oauth_plugin

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
AUTH_METHODS = {"none": "public", "client_secret_basic": "confidential", "client_secret_post": "confidential"}


def metadata_error(description: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": "invalid_client_metadata", "error_description": description}, status=status)


def redirect_uri_error(uri) -> str | None:
    """Return why a redirect URI is refused: it must be https, or http on this machine (native apps)."""
    if not isinstance(uri, str):
        return "Each redirect_uri must be a string."
    parts = urlsplit(uri)
    if parts.fragment or not parts.hostname:
        return f"{uri}: use an absolute URL without a fragment."
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        return None
    return f"{uri}: use https (http only for localhost)."


def rate_limited(request, plugin) -> bool:
    """Count registrations per client address and plugin in the shared cache (fixed one-hour window)."""
    key = f"gateway:dcr:{plugin.slug}:{request.META.get('REMOTE_ADDR', '')}:{int(time.time() // 3600)}"
    cache.add(key, 0, 3600)
    return cache.incr(key) > settings.GATEWAY_DCR_PER_HOUR


@csrf_exempt
@require_POST
def register(request):
    """Register an OAuth client of this plugin from RFC 7591 metadata; answer its client_id (and secret)."""
    plugin = oauth_plugin(request, None)
    if rate_limited(request, plugin):
        response = JsonResponse({"error": "rate_limited", "error_description": "Too many registrations."}, status=429)
        response["Retry-After"] = "3600"
        return response
    try:
        data = json.loads(request.body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return metadata_error("The body must be a JSON object.")
    redirect_uris = data.get("redirect_uris")
    if not isinstance(redirect_uris, list) or not redirect_uris:
        return metadata_error("redirect_uris: give at least one redirect URI.")
    for uri in redirect_uris:
        if (problem := redirect_uri_error(uri)) is not None:
            return metadata_error(f"redirect_uris: {problem}")
    grant_types = data.get("grant_types", ["authorization_code"])
    if not isinstance(grant_types, list) or not set(grant_types) <= {"authorization_code", "refresh_token"}:
        return metadata_error("grant_types: only authorization_code and refresh_token are supported.")
    if not set(data.get("response_types", ["code"])) <= {"code"}:
        return metadata_error("response_types: only code is supported.")
    auth_method = data.get("token_endpoint_auth_method", "client_secret_basic")
    if auth_method not in AUTH_METHODS:
        return metadata_error(f"token_endpoint_auth_method: use one of {', '.join(AUTH_METHODS)}.")
    Client = get_application_model()
    client = Client(
        plugin=plugin,
        name=str(data.get("client_name") or "MCP client")[:255],
        client_type=AUTH_METHODS[auth_method],
        authorization_grant_type=Client.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        registration_source=Client.RegistrationSource.DCR,
    )
    secret = client.client_secret if client.client_type == Client.CLIENT_CONFIDENTIAL else None
    try:
        client.full_clean()
    except ValidationError as exc:
        return metadata_error("; ".join(exc.messages))
    client.save()
    answer = {
        "client_id": client.client_id,
        "client_id_issued_at": int(client.created.timestamp()),
        "client_name": client.name,
        "redirect_uris": redirect_uris,
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": auth_method,
        "scope": " ".join(plugin.config.scopes),
    }
    if secret is not None:
        answer.update(client_secret=secret, client_secret_expires_at=0)
    return JsonResponse(answer, status=201)
