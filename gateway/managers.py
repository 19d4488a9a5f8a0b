"""The plugin rows every request needs, from the shared cache when there is one, and their eviction.

The rule: cache only when every worker reads the same cache (Redis, `REDIS_URL`), where saving
or deleting a row evicts it for all workers at once. With the per-process memory cache of a local
run an eviction would reach one worker only, so there `GATEWAY_PLUGIN_CACHE_SECONDS` defaults to
0 and every request reads the database: "an admin change takes effect on the next request in
every worker" holds either way.

A request's other cache entries (its OAuth token's) can come in the same round trip: `for_slug`
takes the keys and returns what it found (gateway.hosting keeps them on the call record).
"""

import hashlib
import re
from functools import cache

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import DEFAULT_DB_ALIAS, models, transaction

from .ops.metrics import cache_lookup

# A cached "no such row", so unknown slugs and hosts do not query the database every time.
MISSING = "-"
# Only keys a slug or host name can be; anything else goes straight to the database.
CACHEABLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,252}$")


def cache_seconds() -> int:
    return settings.GATEWAY_PLUGIN_CACHE_SECONDS


class PluginManager(models.Manager):
    """Plugin.objects: row lookups by slug and by host, cached as the module docstring says."""

    @cache  # noqa: B019 - one manager per model for the process; the answer derives from code only
    def row_version(self) -> str:
        """Return a fingerprint of the row's columns: code with another column set ignores old entries."""
        names = ",".join(field.attname for field in self.model._meta.concrete_fields)
        return hashlib.sha256(names.encode()).hexdigest()[:8]

    def slug_key(self, slug: str) -> str:
        return f"gateway:plugin:{self.row_version()}:slug:{slug}"

    def domain_key(self, domain: str) -> str:
        return f"gateway:plugin:{self.row_version()}:domain:{domain.lower()}"

    def row_values(self, plugin) -> dict:
        return {field.attname: getattr(plugin, field.attname) for field in self.model._meta.concrete_fields}

    def row_from_values(self, values: dict):
        return self.model.from_db(DEFAULT_DB_ALIAS, list(values), list(values.values()))

    def for_slug(self, slug: str, *, also: tuple[str, ...] = ()) -> tuple[object, dict]:
        """Return (the row of this slug or None, the cache entries found for `also`), one round trip."""
        seconds = cache_seconds()
        if seconds <= 0 or not CACHEABLE.match(slug):
            return self.filter(slug=slug).first(), (django_cache.get_many(also) if also else {})
        key = self.slug_key(slug)
        found = django_cache.get_many([key, *also])
        values = found.pop(key, None)
        cache_lookup("plugin", hit=values is not None)
        if values is None:
            plugin = self.filter(slug=slug).first()
            django_cache.set(key, MISSING if plugin is None else self.row_values(plugin), seconds)
            return plugin, found
        return (None if values == MISSING else self.row_from_values(values)), found

    def for_host(self, domain: str):
        """Return the row whose custom domain is this host; the cache maps host -> slug, checked on read."""
        seconds = cache_seconds()
        domain = domain.lower()
        if seconds <= 0 or not CACHEABLE.match(domain):
            return self.filter(custom_domain__iexact=domain).first()
        key = self.domain_key(domain)
        slug = django_cache.get(key)
        cache_lookup("plugin_domain", hit=slug is not None)
        if slug == MISSING:
            return None
        if slug is not None:
            plugin, _found = self.for_slug(slug)
            # A row moved to another domain since: its old host entry is stale, so look again below.
            if plugin is not None and plugin.custom_domain.lower() == domain:
                return plugin
        plugin = self.filter(custom_domain__iexact=domain).first()
        django_cache.set(key, MISSING if plugin is None else plugin.slug, seconds)
        return plugin

    def evict(self, plugin) -> None:
        """Forget a changed row now and again after commit (a worker may re-read the old row before it)."""
        keys = [self.slug_key(plugin.slug)]
        if plugin.custom_domain:
            keys.append(self.domain_key(plugin.custom_domain))
        django_cache.delete_many(keys)
        transaction.on_commit(lambda: django_cache.delete_many(keys))


def plugin_saved_or_deleted(sender, instance, **kwargs):
    """post_save / post_delete receiver for Plugin."""
    if cache_seconds() > 0:
        sender.objects.evict(instance)
