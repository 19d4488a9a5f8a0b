"""Reads of the gateway's own tables."""

from django.core.validators import slug_re

from .models import Plugin, UserKey
from .services import secret_hash


def servable(plugin: Plugin | None) -> Plugin | None:
    """Return the row if its plugin may answer requests (enabled, its app installed), else None."""
    return plugin if plugin is not None and plugin.enabled and plugin.config is not None else None


def plugin_for_slug(*, slug: str, enabled_only: bool = True) -> Plugin | None:
    """Return the installed plugin with this slug (enabled ones only by default), or None.

    Serving a request reads the cached row (gateway.managers); the commands that change a
    row (enabled_only=False) read the database, so they never save a stale copy over a newer one.
    """
    if enabled_only:
        return plugin_serving(slug=slug)[0]
    if not slug_re.match(slug):
        return None
    plugin = Plugin.objects.filter(slug=slug).first()
    return plugin if plugin is not None and plugin.config is not None else None


def plugin_serving(*, slug: str, also: tuple[str, ...] = ()) -> tuple[Plugin | None, dict]:
    """Return the enabled plugin of this slug and the cache entries found for the keys `also`.

    One cache round trip for both (gateway.hosting asks for the request's OAuth token with it). A
    string no slug can be (a path segment with a NUL, which PostgreSQL refuses) names none.
    """
    if not slug_re.match(slug):
        return None, {}
    plugin, found = Plugin.objects.for_slug(slug, also=also)
    return servable(plugin), found


def plugin_for_domain(*, domain: str) -> Plugin | None:
    """Return the enabled plugin whose custom domain is this host, or None."""
    return servable(Plugin.objects.for_host(domain))


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
