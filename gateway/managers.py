"""The rows requests read (plugins, plugins' settings), from the shared cache when there is one, and their eviction.

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


@cache
def columns_version(model) -> str:
    """Return a fingerprint of a model's columns: code with another column set ignores old entries."""
    names = ",".join(field.attname for field in model._meta.concrete_fields)
    return hashlib.sha256(names.encode()).hexdigest()[:8]


def row_values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def row_from_values(model, values: dict):
    return model.from_db(DEFAULT_DB_ALIAS, list(values), list(values.values()))


def evict(keys: list[str]) -> None:
    """Forget cache entries now and again after commit (a worker may re-read the old row before it)."""
    django_cache.delete_many(keys)
    transaction.on_commit(lambda: django_cache.delete_many(keys))


class SingleRowManager(models.Manager):
    """The one row of a plugin's settings model (gateway.models.PluginSettings), cached as above."""

    def key(self) -> str:
        return f"gateway:settings:{self.model._meta.label_lower}:{columns_version(self.model)}"

    def load(self):
        """Return the row, or an unsaved one holding the defaults when the operator never saved it."""
        seconds = cache_seconds()
        if seconds <= 0:
            return self.filter(pk=self.model.SINGLETON_ID).first() or self.model()
        values = django_cache.get(self.key())
        cache_lookup("settings", hit=values is not None)
        if values is None:
            row = self.filter(pk=self.model.SINGLETON_ID).first()
            django_cache.set(self.key(), MISSING if row is None else row_values(row), seconds)
            return row or self.model()
        return self.model() if values == MISSING else row_from_values(self.model, values)


class PluginManager(models.Manager):
    """Plugin.objects: row lookups by slug and by host, cached as the module docstring says."""

    def slug_key(self, slug: str) -> str:
        return f"gateway:plugin:{columns_version(self.model)}:slug:{slug}"

    def domain_key(self, domain: str) -> str:
        return f"gateway:plugin:{columns_version(self.model)}:domain:{domain.lower()}"

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
            django_cache.set(key, MISSING if plugin is None else row_values(plugin), seconds)
            return plugin, found
        return (None if values == MISSING else row_from_values(self.model, values)), found

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
        """Forget a changed row for every worker."""
        keys = [self.slug_key(plugin.slug)]
        if plugin.custom_domain:
            keys.append(self.domain_key(plugin.custom_domain))
        evict(keys)


def plugin_saved_or_deleted(sender, instance, **kwargs):
    """post_save / post_delete receiver for Plugin."""
    if cache_seconds() > 0:
        sender.objects.evict(instance)
