"""Writes to the gateway's own tables."""

import hashlib
import hmac
import secrets

from django.db import transaction

from .models import AuthMode, Plugin
from .registry import plugin_configs

SERVICE_KEY_PREFIX = "sk-"


def secret_hash(secret: str) -> str:
    """Hash a high-entropy secret for storage; a fast hash is right for random keys."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Compare a presented secret with a stored hash in constant time."""
    return bool(stored_hash) and hmac.compare_digest(secret_hash(secret), stored_hash)


def plugins_sync(*, using: str = "default") -> list[Plugin]:
    """Create the settings row of every installed plugin that has none yet."""
    created = []
    for config in plugin_configs():
        plugin, was_created = Plugin.objects.using(using).get_or_create(
            slug=config.slug, defaults={"auth_mode": config.default_auth_mode}
        )
        if was_created:
            created.append(plugin)
    return created


def plugin_rotate_service_key(*, plugin: Plugin) -> str:
    """Give the plugin a new service key and return it; only its hash is stored."""
    key = SERVICE_KEY_PREFIX + secrets.token_urlsafe(32)
    plugin.service_key_hash = secret_hash(key)
    plugin.service_key_hint = key[:7]
    plugin.save(update_fields=["service_key_hash", "service_key_hint", "updated_at"])
    return key


@transaction.atomic
def plugin_update(
    *,
    plugin: Plugin,
    enabled: bool | None = None,
    auth_mode: str | None = None,
    verification_token: str | None = None,
) -> Plugin:
    """Change a plugin's settings after validating them as the admin does."""
    if enabled is not None:
        plugin.enabled = enabled
    if auth_mode is not None:
        plugin.auth_mode = AuthMode(auth_mode)
    if verification_token is not None:
        plugin.verification_token = verification_token
    plugin.full_clean()
    plugin.save()
    return plugin
