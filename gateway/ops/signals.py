"""Cache evictions: a changed plugin row or OAuth token is forgotten by every worker at once."""

from django.db.models.signals import post_delete, post_save


def connect() -> None:
    """Connect the eviction receivers (called from the gateway app's ready())."""
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import get_access_token_model

    from ..models import OAuthClient, Plugin
    from . import plugincache, tokencache

    for signal in (post_save, post_delete):
        signal.connect(plugincache.plugin_saved_or_deleted, sender=Plugin, dispatch_uid=f"plugin-row-{id(signal)}")
        signal.connect(
            tokencache.access_token_changed, sender=get_access_token_model(), dispatch_uid=f"token-{id(signal)}"
        )
        signal.connect(tokencache.client_changed, sender=OAuthClient, dispatch_uid=f"client-{id(signal)}")
        signal.connect(tokencache.user_changed, sender=get_user_model(), dispatch_uid=f"user-{id(signal)}")
