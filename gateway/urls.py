from django.contrib import admin
from django.urls import include, path

from . import views
from .registry import PluginConfig, plugin_configs

handler404 = "gateway.errors.not_found"
handler500 = "gateway.errors.server_error"


def plugin_patterns(config: PluginConfig) -> tuple[list, str]:
    """Return the URLs under one plugin's base, namespaced by its slug."""
    patterns = [
        path("", views.base, name="base"),
        path(".well-known/ai-plugin.json", views.manifest, name="manifest"),
        path("openapi.yaml", views.openapi, {"fmt": "yaml"}, name="openapi-yaml"),
        path("openapi.json", views.openapi, {"fmt": "json"}, name="openapi-json"),
        path("logo.png", views.logo, name="logo"),
        path("legal", views.legal, name="legal"),
        path("", include(config.api_urlconf)),
    ]
    return (patterns, config.slug)


urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    *[path(f"plugins/{config.slug}/", include(plugin_patterns(config))) for config in plugin_configs()],
]
