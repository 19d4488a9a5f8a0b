"""OAuth bearer-token lookups from the shared cache for a short while, evicted on revoke.

Same rule as the plugin row (gateway.managers): on only when the cache is shared across
workers (Redis), because a revocation must reach every worker. An entry holds the token's row
without the token itself (keyed by its SHA-256, as DOT stores it), its client's row without the
secret and its user's row without the password hash (saving or deleting any of the three evicts
it); it never outlives the token, and DOT checks `expires` on every use anyway.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from ..models import OAuthClient
from ..ops.metrics import cache_lookup

TOKEN_SKIPPED = frozenset({"token"})
CLIENT_SKIPPED = frozenset({"client_secret"})
USER_SKIPPED = frozenset({"password"})


def cache_seconds() -> int:
    return settings.GATEWAY_TOKEN_CACHE_SECONDS


def token_key(checksum: str) -> str:
    return f"gateway:token:v1:{checksum}"


def checksum_of(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def row_values(instance, skipped: frozenset) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.name not in skipped}


def cache_key_of(token: str) -> str:
    """Return the cache key of a presented token (plugin hosting fetches it with the plugin row)."""
    return token_key(checksum_of(token))


def access_token_from_cache(token: str, prefetched: dict):
    """Return the AccessToken (with its client) cached for this token, or None when not cached.

    `prefetched` holds the entries already fetched for this request; the cache is asked only if the
    token's was not among them.
    """
    key = cache_key_of(token)
    entry = prefetched[key] if key in prefetched else cache.get(key)
    cache_lookup("token", hit=entry is not None)
    if entry is None:
        return None
    token_values, client_values, user_values = entry
    access_token = row_from_values(get_access_token_model(), token_values)
    access_token.token = token
    access_token.application = row_from_values(OAuthClient, client_values)
    if user_values is not None:
        access_token.user = row_from_values(get_user_model(), user_values)
    return access_token


def row_from_values(model, values: dict):
    # Skipped columns are deferred: loaded from the database only if something reads them.
    return model.from_db(DEFAULT_DB_ALIAS, list(values), list(values.values()))


def access_token_remember(access_token) -> None:
    """Cache a token loaded from the database, for at most its remaining life."""
    remaining = (access_token.expires - timezone.now()) // timedelta(seconds=1)
    seconds = min(cache_seconds(), remaining)
    if seconds <= 0 or access_token.application is None:
        return
    user = access_token.user
    entry = (
        row_values(access_token, TOKEN_SKIPPED),
        row_values(access_token.application, CLIENT_SKIPPED),
        None if user is None else row_values(user, USER_SKIPPED),
    )
    cache.set(token_key(access_token.token_checksum), entry, seconds)


def evict(checksums: list[str]) -> None:
    """Forget these tokens now and after commit (a worker may re-read the old row before it)."""
    keys = [token_key(checksum) for checksum in checksums if checksum]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def access_token_changed(sender, instance, **kwargs):
    """post_save / post_delete receiver for AccessToken: revoke (DOT deletes the row), refresh, admin edit."""
    if cache_seconds() > 0:
        evict([instance.token_checksum])


def client_changed(sender, instance, **kwargs):
    """post_save / post_delete receiver for OAuthClient: its tokens carry a copy of its row."""
    if cache_seconds() > 0 and instance.pk is not None:
        tokens = get_access_token_model().objects.filter(application_id=instance.pk)
        evict(list(tokens.values_list("token_checksum", flat=True)))


def user_changed(sender, instance, **kwargs):
    """post_save / post_delete receiver for the user model: deactivation or a rename reaches tokens at once."""
    if cache_seconds() > 0 and instance.pk is not None:
        tokens = get_access_token_model().objects.filter(user_id=instance.pk)
        evict(list(tokens.values_list("token_checksum", flat=True)))


def connect() -> None:
    """Connect the eviction receivers (the gateway app's ready())."""
    from django.db.models.signals import post_delete, post_save

    for signal in (post_save, post_delete):
        signal.connect(access_token_changed, sender=get_access_token_model(), dispatch_uid=f"token-{id(signal)}")
        signal.connect(client_changed, sender=OAuthClient, dispatch_uid=f"client-{id(signal)}")
        signal.connect(user_changed, sender=get_user_model(), dispatch_uid=f"user-{id(signal)}")
