"""Reads of the gateway's own tables."""

from .models import Plugin


def plugin_for_slug(*, slug: str, enabled_only: bool = True) -> Plugin | None:
    """Return the installed plugin with this slug (enabled ones only by default), or None."""
    queryset = Plugin.objects.filter(slug=slug)
    if enabled_only:
        queryset = queryset.filter(enabled=True)
    plugin = queryset.first()
    return plugin if plugin is not None and plugin.config is not None else None


def plugin_for_domain(*, domain: str) -> Plugin | None:
    """Return the enabled plugin whose custom domain is this host, or None."""
    plugin = Plugin.objects.filter(custom_domain__iexact=domain, enabled=True).first()
    return plugin if plugin is not None and plugin.config is not None else None


def plugin_list() -> list[Plugin]:
    """Return the rows of every installed plugin, in slug order."""
    return [plugin for plugin in Plugin.objects.all() if plugin.config is not None]
