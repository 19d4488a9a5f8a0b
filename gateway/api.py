"""Everything a plugin imports from the gateway: the plugin contract, in one public module.

A plugin folder imports from `gateway.api` only (a test walks plugins/ to keep it so); the rest of
gateway/ may change without notice. docs/plugins.md says how the pieces fit.

Names load on first use: a plugin's apps.py imports PluginConfig while Django is still loading the
apps, before the models the view bases depend on can be imported.
"""

from importlib import import_module

_EXPORTS = {
    # The plugin's AppConfig base: slug, texts for the manifest, auth modes, scopes, demo data.
    "PluginConfig": "gateway.registry",
    # View bases: every plugin URL leads to a subclass of one of them (system check gateway.E005).
    "PluginAPIView": "gateway.contract",
    "PluginGenericAPIView": "gateway.contract",
    "PublicPluginPage": "gateway.contract",
    # The error envelope ({"error": {"code", "message"}}) for @extend_schema responses, strict fields.
    "ErrorSerializer": "gateway.serializers",
    "StrictCharField": "gateway.serializers",
    "StrictIntegerField": "gateway.serializers",
    # A read serializer's answer for many rows without DRF's per-field dispatch (the same JSON).
    "represent": "gateway.serializers",
    # Upstream calls with explicit timeouts; their failures answer 502/503/504 and are logged once.
    "UpstreamError": "gateway.upstream",
    "UpstreamTimeout": "gateway.upstream",
    "UpstreamUnavailable": "gateway.upstream",
    "upstream_get_json": "gateway.upstream",
    "upstream_timeout": "gateway.upstream",
    # Who a per-user call is for, and the plugin's auth mode (request.plugin.auth_mode).
    "request_owner": "gateway.auth",
    "AuthMode": "gateway.models",
    # Tell the gateway a plugin's answers changed (cached specs and rows are read afresh).
    "plugin_changed": "gateway.services",
    # A plugin's operator settings: one row (Model.objects.load()), its admin, and the deployment's
    # settings (Django setting, else environment, else default) for what the row leaves blank.
    "PluginSettings": "gateway.models",
    "PluginSettingsAdmin": "gateway.admin",
    "deployment_setting": "gateway.conf",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'gateway.api' has no attribute {name!r}") from None
    return getattr(import_module(module), name)


def __dir__():
    return __all__
