"""The legacy plugin manifest (/.well-known/ai-plugin.json), derived from the plugin's settings."""

from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from .models import AuthMode, Plugin

# Path mode: every plugin under /plugins/<slug>/ of the gateway's own host (gateway.hosting).
PATH_PREFIX = "/plugins/"


def plugin_url(request, plugin: Plugin, name: str) -> str:
    """Return the absolute URL of one of the plugin's named URLs, for the mode the request came in."""
    return request.build_absolute_uri(plugin_path(plugin.slug, name, get_urlconf(), get_script_prefix()))


@cache
def plugin_path(slug: str, name: str, urlconf, script_prefix: str) -> str:
    """Return reverse(f"{slug}:{name}") in a URLconf (path mode's, or a plugin host's) under a prefix.

    Worked out once per process: every argument comes from code or the deployment, and reverse()
    is a third of the cost of building a manifest.
    """
    return reverse(f"{slug}:{name}", urlconf=urlconf)


def manifest_auth(request, plugin: Plugin) -> dict:
    """Return the manifest's `auth` block for the plugin's auth mode."""
    tokens = {"openai": plugin.verification_token} if plugin.verification_token else {}
    if plugin.auth_mode == AuthMode.SERVICE_HTTP:
        return {
            "type": "service_http",
            "authorization_type": "bearer",
            "verification_tokens": tokens,
        }
    if plugin.auth_mode == AuthMode.USER_HTTP:
        return {"type": "user_http", "authorization_type": "bearer"}
    if plugin.auth_mode == AuthMode.OAUTH:
        return {
            "type": "oauth",
            "client_url": plugin_url(request, plugin, "authorize"),
            "scope": " ".join(plugin.config.scopes),
            "authorization_url": plugin_url(request, plugin, "token"),
            "authorization_content_type": plugin.oauth_token_content_type,
            "verification_tokens": tokens,
        }
    return {"type": "none"}


def manifest_build(request, plugin: Plugin) -> dict:
    """Return the manifest of a plugin as served to the request's host."""
    return {
        "schema_version": "v1",
        "name_for_human": plugin.text("name_for_human"),
        "name_for_model": plugin.text("name_for_model"),
        "description_for_human": plugin.text("description_for_human"),
        "description_for_model": plugin.text("description_for_model"),
        "auth": manifest_auth(request, plugin),
        "api": {
            "type": "openapi",
            "url": plugin_url(request, plugin, "openapi-yaml"),
            "is_user_authenticated": plugin.auth_mode in (AuthMode.USER_HTTP, AuthMode.OAUTH),
        },
        "logo_url": plugin_url(request, plugin, "logo"),
        "contact_email": plugin.contact_email or plugin_default_contact(request),
        "legal_info_url": plugin.legal_info_url or plugin_url(request, plugin, "legal"),
    }


def plugin_default_contact(request) -> str:
    return settings.GATEWAY_CONTACT_EMAIL or f"admin@{settings.GATEWAY_DOMAIN}"


def plugin_host_base_url(*, scheme: str, port: str | None, plugin) -> str:
    """Return the root URL of the plugin's own host: its custom domain, else <slug>.<GATEWAY_DOMAIN>."""
    host = plugin.custom_domain or f"{plugin.slug}.{settings.GATEWAY_DOMAIN}"
    default_port = {"http": "80", "https": "443"}[scheme]
    suffix = f":{port}" if port and port != default_port else ""
    return f"{scheme}://{host}{suffix}/"


def plugin_public_urls(plugin) -> tuple[str, str]:
    """Return (path base, host base) of a plugin from GATEWAY_PUBLIC_URL, for use outside a request."""
    public = urlsplit(settings.GATEWAY_PUBLIC_URL)
    path_base = f"{settings.GATEWAY_PUBLIC_URL}{PATH_PREFIX}{plugin.slug}/"
    port = str(public.port) if public.port else None
    return path_base, plugin_host_base_url(scheme=public.scheme, port=port, plugin=plugin)
