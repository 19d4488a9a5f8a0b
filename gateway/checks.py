"""System checks for plugin declarations: manifest limits, unique names, the view contract (gateway.E001...)."""

import re
from importlib import import_module

from django.core.checks import Error, Tags, register
from django.urls import URLPattern, URLResolver

from .registry import plugin_configs

MANIFEST_LIMITS = {
    "name_for_human": 20,
    "name_for_model": 50,
    "description_for_human": 100,
    "description_for_model": 8000,
}


def walk(patterns, prefix: str = ""):
    """Yield (route, name, view function) for every URL pattern, following includes."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name, pattern.callback


@register()
def check_plugins(app_configs=None, **kwargs):
    errors = []
    configs = plugin_configs()
    for config in configs:
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", config.slug or ""):
            errors.append(
                Error(
                    f"Plugin app {config.name} has no valid slug.",
                    hint="Set slug = 'lowercase-name'.",
                    obj=config,
                    id="gateway.E001",
                )
            )
        for field, limit in MANIFEST_LIMITS.items():
            value = getattr(config, field)
            if not value or len(value) > limit:
                errors.append(
                    Error(
                        f"{config.name}.{field} must be 1 to {limit} characters (it has {len(value)}).",
                        obj=config,
                        id="gateway.E002",
                    )
                )
        if not re.fullmatch(r"[A-Za-z0-9_]+", config.name_for_model or ""):
            errors.append(
                Error(
                    f"{config.name}.name_for_model may hold only letters, digits and '_'.",
                    obj=config,
                    id="gateway.E003",
                )
            )
    for attribute in ("slug", "name_for_model"):
        values = [getattr(config, attribute) for config in configs]
        for value in {value for value in values if values.count(value) > 1}:
            errors.append(Error(f"Two plugins share the {attribute} '{value}'.", id="gateway.E004"))
    return errors


# The gateway answers these paths under every plugin base (more than its named routes: the prefixes
# hold the OAuth, sign-in and discovery documents an AI platform looks for).
RESERVED_PREFIXES = (".well-known/", "oauth/", "accounts/")


def plugin_url_errors(config, patterns) -> list[Error]:
    """Return what breaks the plugin contract in one plugin's URL patterns (gateway.E005, gateway.E006)."""
    from .contract import PluginAPIView, PluginGenericAPIView, PublicPluginPage
    from .urls import gateway_plugin_patterns

    bases = (PluginAPIView, PluginGenericAPIView, PublicPluginPage)
    gateway_routes = {(route, name) for route, name, _ in walk(gateway_plugin_patterns())}
    gateway_paths = {route for route, _ in gateway_routes}
    gateway_names = {name for _, name in gateway_routes if name}
    errors = []
    for route, name, callback in walk(patterns):
        # DRF's as_view() leaves the class on `cls`, Django's on `view_class`; a function view has neither.
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if not (isinstance(view_class, type) and issubclass(view_class, bases)):
            what = view_class.__qualname__ if view_class else getattr(callback, "__qualname__", repr(callback))
            errors.append(
                Error(
                    f"Plugin {config.slug}'s route '{route}' leads to {what}, which is not on the plugin contract.",
                    hint="Subclass gateway.api.PluginAPIView (or PluginGenericAPIView), or "
                    "gateway.api.PublicPluginPage for a page that must answer without credentials.",
                    obj=config,
                    id="gateway.E005",
                )
            )
        if route in gateway_paths or route.startswith(RESERVED_PREFIXES):
            errors.append(
                Error(
                    f"Plugin {config.slug}'s route '{route}' collides with the gateway's own URLs under a plugin.",
                    hint=f"Choose another path; the gateway answers {', '.join(sorted(gateway_paths))} and "
                    f"everything under {', '.join(RESERVED_PREFIXES)}",
                    obj=config,
                    id="gateway.E006",
                )
            )
        if name in gateway_names:
            errors.append(
                Error(
                    f"Plugin {config.slug}'s URL name '{name}' is one of the gateway's own.",
                    hint="Rename it: the gateway tells its pages apart by these names (how errors read).",
                    obj=config,
                    id="gateway.E006",
                )
            )
    return errors


@register(Tags.urls)
def check_plugin_urls(app_configs=None, **kwargs):
    """Refuse plugin routes that are off the view contract or collide with the gateway's."""
    errors = []
    for config in plugin_configs():
        errors += plugin_url_errors(config, import_module(config.api_urlconf).urlpatterns)
    return errors
