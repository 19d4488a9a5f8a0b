"""Reads of the gateway's own tables."""

from .models import Plugin, UserKey
from .services import secret_hash


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


def user_key_list(*, user) -> list[UserKey]:
    """Return the user's personal API keys, newest first."""
    return list(UserKey.objects.filter(user=user).select_related("plugin"))


def user_key_for_token(*, plugin: Plugin, token: str) -> UserKey | None:
    """Return the key of this plugin whose hash matches the presented token, with its user."""
    return (
        UserKey.objects.select_related("user")
        .filter(plugin=plugin, key_hash=secret_hash(token), user__is_active=True)
        .first()
    )
