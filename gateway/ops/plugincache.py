"""The plugin settings row every request needs, from the shared cache when there is one.

The rule: cache only when every worker reads the same cache (Redis, `REDIS_URL`), where saving
or deleting a row evicts it for all workers at once. With the per-process memory cache of a local
run an eviction would reach one worker only, so there `GATEWAY_PLUGIN_CACHE_SECONDS` defaults to
0 and every request reads the database: "an admin change takes effect on the next request in
every worker" holds either way.
"""

import hashlib
import re
from functools import cache

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import DEFAULT_DB_ALIAS, transaction

from ..models import Plugin
from .metrics import cache_lookup

# A cached "no such row", so unknown slugs and hosts do not query the database every time.
MISSING = "-"
# Only keys a slug or host name can be; anything else goes straight to the database.
CACHEABLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,252}$")


@cache
def row_version() -> str:
    """Return a fingerprint of the row's columns: code with another column set ignores old entries."""
    names = ",".join(field.attname for field in Plugin._meta.concrete_fields)
    return hashlib.sha256(names.encode()).hexdigest()[:8]


def slug_key(slug: str) -> str:
    return f"gateway:plugin:{row_version()}:slug:{slug}"


def domain_key(domain: str) -> str:
    return f"gateway:plugin:{row_version()}:domain:{domain.lower()}"


def row_values(plugin: Plugin) -> dict:
    return {field.attname: getattr(plugin, field.attname) for field in Plugin._meta.concrete_fields}


def row_from_values(values: dict) -> Plugin:
    return Plugin.from_db(DEFAULT_DB_ALIAS, list(values), list(values.values()))


def cache_seconds() -> int:
    return settings.GATEWAY_PLUGIN_CACHE_SECONDS


def plugin_row_by_slug(slug: str) -> Plugin | None:
    """Return the row of this slug (enabled or not), from the cache when enabled, else the database."""
    seconds = cache_seconds()
    if seconds <= 0 or not CACHEABLE.match(slug):
        return Plugin.objects.filter(slug=slug).first()
    key = slug_key(slug)
    values = django_cache.get(key)
    cache_lookup("plugin", hit=values is not None)
    if values is None:
        plugin = Plugin.objects.filter(slug=slug).first()
        django_cache.set(key, MISSING if plugin is None else row_values(plugin), seconds)
        return plugin
    return None if values == MISSING else row_from_values(values)


def plugin_row_by_domain(domain: str) -> Plugin | None:
    """Return the row whose custom domain is this host; the cache maps host -> slug, checked on read."""
    seconds = cache_seconds()
    domain = domain.lower()
    if seconds <= 0 or not CACHEABLE.match(domain):
        return Plugin.objects.filter(custom_domain__iexact=domain).first()
    key = domain_key(domain)
    slug = django_cache.get(key)
    cache_lookup("plugin_domain", hit=slug is not None)
    if slug == MISSING:
        return None
    if slug is not None:
        plugin = plugin_row_by_slug(slug)
        # A row moved to another domain since: its old host entry is stale, so look again below.
        if plugin is not None and plugin.custom_domain.lower() == domain:
            return plugin
    plugin = Plugin.objects.filter(custom_domain__iexact=domain).first()
    django_cache.set(key, MISSING if plugin is None else plugin.slug, seconds)
    return plugin


def plugin_row_evict(plugin: Plugin) -> None:
    """Forget a changed row now and again after commit (a worker may re-read the old row before it)."""
    keys = [slug_key(plugin.slug)]
    if plugin.custom_domain:
        keys.append(domain_key(plugin.custom_domain))
    django_cache.delete_many(keys)
    transaction.on_commit(lambda: django_cache.delete_many(keys))


def plugin_saved_or_deleted(sender, instance, **kwargs):
    """post_save / post_delete receiver for Plugin."""
    if cache_seconds() > 0:
        plugin_row_evict(instance)
