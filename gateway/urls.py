from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path

from . import accounts, views
from .mcp import views as mcp_views
from .oauth import discovery, registration
from .oauth import views as oauth_views
from .ops import health, scrape
from .registry import PluginConfig, plugin_configs

handler404 = "gateway.errors.not_found"
handler500 = "gateway.errors.server_error"


# Sign-in pages exist on the gateway's host and on every plugin host (the OAuth flow stays on one host).
account_patterns = [
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/signup/", accounts.signup, name="signup"),
    # Personal keys and connected apps (the consent page links here: "revoke its access at any time").
    path("account/", accounts.account, name="account"),
]


def gateway_plugin_patterns() -> list:
    """Return the gateway's own URLs under every plugin's base (checked against plugins' routes: gateway.E006)."""
    return [
        path("", views.base, name="base"),
        path(".well-known/ai-plugin.json", views.manifest, name="manifest"),
        path("openapi.yaml", views.openapi, {"fmt": "yaml"}, name="openapi-yaml"),
        path("openapi.json", views.openapi, {"fmt": "json"}, name="openapi-json"),
        path("logo.png", views.logo, name="logo"),
        path("legal", views.legal, name="legal"),
        path("oauth/authorize", oauth_views.AuthorizationView.as_view(), name="authorize"),
        path("oauth/token", oauth_views.TokenView.as_view(), name="token"),
        path("oauth/revoke", oauth_views.RevokeTokenView.as_view(), name="revoke"),
        path("oauth/register", registration.register, name="register"),
        path("mcp", mcp_views.endpoint, name="mcp"),
        path(".well-known/oauth-protected-resource", discovery.ProtectedResourceMetadataView.as_view()),
        path(".well-known/oauth-protected-resource/mcp", discovery.ProtectedResourceMetadataView.as_view()),
        path(".well-known/oauth-authorization-server", discovery.authorization_server_metadata),
        *account_patterns,
    ]


def plugin_patterns(config: PluginConfig) -> tuple[list, str]:
    """Return the URLs under one plugin's base, namespaced by its slug.

    The plugin's own routes sit in a nested `api` namespace (`weather:api:place`), the way the admin
    prefixes each model's names, so a plugin cannot take a gateway name such as `weather:logo`.
    """
    return ([*gateway_plugin_patterns(), path("", include((config.api_urlconf, "api")))], config.slug)


urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", scrape.metrics, name="metrics"),
    # DJANGO_ADMIN_PATH moves the admin off the path every scanner tries (staff-only either way).
    path(settings.GATEWAY_ADMIN_PATH, admin.site.urls),
    *account_patterns,
    path("accounts/logout/", LogoutView.as_view(next_page="home"), name="logout"),
    # Path mode's discovery documents, where RFC 9728/8414 clients look for a path-suffixed identifier.
    path(
        ".well-known/oauth-protected-resource/plugins/<slug:slug>/mcp",
        discovery.ProtectedResourceMetadataView.as_view(),
    ),
    path(".well-known/oauth-authorization-server/plugins/<slug:slug>", discovery.authorization_server_metadata),
    *[path(f"plugins/{config.slug}/", include(plugin_patterns(config))) for config in plugin_configs()],
]
