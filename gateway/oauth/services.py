"""Writes about OAuth clients' access: revoking what a client holds, for one user or for everyone."""

from django.db import transaction
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model


@transaction.atomic
def oauth_client_access_revoke(*, client_pk: int, user=None) -> int:
    """Delete the access tokens, refresh tokens and pending codes a client holds (of one user, or all).

    Return how many access and refresh tokens went. Each access token is deleted as a row, so its
    post_delete receiver evicts it from the token cache (gateway.oauth.tokencache): the next API or
    MCP call with it is refused at once, in every worker.
    """
    owner = {} if user is None else {"user": user}
    models = (get_access_token_model(), get_refresh_token_model(), get_grant_model())
    deleted = [model.objects.filter(application_id=client_pk, **owner).delete()[0] for model in models]
    return deleted[0] + deleted[1]


def connected_app_revoke(*, user, client_id) -> bool:
    """Revoke everything one client holds for this user; return whether it held anything.

    Only the user's own tokens are touched, so naming another user's client revokes nothing; an id
    that is no number names none.
    """
    try:
        # Not str.isdigit(): it takes "²", which int() then refuses.
        pk = int(client_id)
    except (TypeError, ValueError):
        return False
    return oauth_client_access_revoke(client_pk=pk, user=user) > 0
