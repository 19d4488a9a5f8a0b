"""Reads about OAuth clients for end users: the apps a user has connected, per plugin."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from ..models import OAuthClient, Plugin


@dataclass(frozen=True)
class ConnectedApp:
    """A client the user approved that still holds a live token for them."""

    client: OAuthClient
    scopes: list[str]
    # When it last got a token (its sign-in, or its latest refresh: the platform refreshes while in use).
    last_active: datetime

    @property
    def access(self) -> list[str]:
        """Return what its scopes let it do, as the consent page said it (a scope no longer offered: its name)."""
        config = self.client.plugin.config
        offered = config.scopes if config is not None else {}
        return [offered.get(scope, scope) for scope in self.scopes]


def connected_app_list(*, user, plugin: Plugin | None = None) -> list[ConnectedApp]:
    """Return the clients holding a live access or refresh token of the user (of one plugin), latest first."""
    tokens = (
        get_access_token_model()
        .objects.filter(user=user, application__isnull=False)
        .filter(Q(expires__gt=timezone.now()) | Q(refresh_token__isnull=False, refresh_token__revoked__isnull=True))
        .select_related("application__plugin")
        .order_by("-created")
    )
    if plugin is not None:
        tokens = tokens.filter(application__plugin=plugin)
    apps: dict[int, ConnectedApp] = {}
    for token in tokens:
        app = apps.get(token.application_id)
        scopes = token.scope.split()
        if app is None:
            apps[token.application_id] = ConnectedApp(token.application, scopes, token.created)
        else:
            app.scopes.extend(scope for scope in scopes if scope not in app.scopes)
    return list(apps.values())
