"""System checks for plugin declarations: manifest limits and unique names (gateway.E001...)."""

import re

from django.core.checks import Error, register

from .registry import plugin_configs

MANIFEST_LIMITS = {
    "name_for_human": 20,
    "name_for_model": 50,
    "description_for_human": 100,
    "description_for_model": 8000,
}


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
