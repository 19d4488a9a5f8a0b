"""Writes to the gateway's own tables."""

import hashlib
import hmac
import secrets

from django.db import transaction
from oauth2_provider.generators import generate_client_secret

from .models import AuthMode, OAuthClient, Plugin, UserKey
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


USER_KEY_PREFIX = "uk-"


def user_key_create(*, user, plugin: Plugin, name: str) -> str:
    """Make a personal API key for one plugin and return it; only its hash is stored."""
    key = USER_KEY_PREFIX + secrets.token_urlsafe(32)
    UserKey.objects.create(user=user, plugin=plugin, name=name, key_hash=secret_hash(key), hint=key[:7])
    return key


def user_key_revoke(*, user, key_id) -> bool:
    """Delete one of the user's keys; return whether there was one (an id that is no number names none)."""
    try:
        # Not str.isdigit(): it takes "²", which int() then refuses.
        pk = int(key_id)
    except (TypeError, ValueError):
        return False
    deleted, _ = UserKey.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)


def oauth_client_create(
    *, plugin: Plugin, redirect_uris: list[str], name: str = "", pkce_exempt: bool = False
) -> tuple[OAuthClient, str]:
    """Register a confidential authorization-code client for a plugin; return it and its secret (shown once).

    pkce_exempt: for the legacy platform flows (ChatGPT plugins, GPT Actions) that send no PKCE.
    """
    secret = generate_client_secret()
    client = OAuthClient(
        plugin=plugin,
        name=name or f"{plugin.slug} client",
        client_type=OAuthClient.CLIENT_CONFIDENTIAL,
        authorization_grant_type=OAuthClient.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        client_secret=secret,
        pkce_exempt=pkce_exempt,
    )
    client.full_clean()
    client.save()
    return client, secret


def plugin_changed(*, slug: str) -> None:
    """Save the plugin's row: its new version keys a new OpenAPI document, and saving evicts the cached row."""
    for plugin in Plugin.objects.filter(slug=slug):
        plugin.save(update_fields=["updated_at"])
