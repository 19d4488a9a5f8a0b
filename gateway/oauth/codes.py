"""Authorization codes at rest: only their SHA-256 is stored, and a replayed code revokes what it issued.

RFC 6749 §4.1.2: if a code is used more than once, the server SHOULD revoke every token issued
from it. DOT deletes a grant when it is exchanged, so a small record of each redeemed code (its
hash, its client and the refresh-token family it started) is kept for REDEEMED_CODE_KEPT.
"""

import hashlib
from datetime import timedelta

from django.utils import timezone
from oauth2_provider.models import get_refresh_token_model

from ..models import RedeemedCode

# Far beyond a code's 60-second life: a replay after that is still someone holding a stolen code.
REDEEMED_CODE_KEPT = timedelta(days=1)


def code_hash(code: str) -> str:
    """Return what is stored for an authorization code (the Grant's `code` column)."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def redeemed_code_record(*, code: str, client, token_family) -> None:
    """Remember that `code` was exchanged by `client` and started `token_family`; drop expired records."""
    now = timezone.now()
    # One indexed range delete per exchange keeps the table at about a day of logins.
    RedeemedCode.objects.filter(redeemed_at__lt=now - REDEEMED_CODE_KEPT).delete()
    RedeemedCode.objects.update_or_create(
        code_hash=code_hash(code), defaults={"client": client, "token_family": token_family, "redeemed_at": now}
    )


def redeemed_code_replayed(*, code: str, client) -> bool:
    """If `client` already exchanged `code`, revoke every token that exchange started; return whether it had."""
    since = timezone.now() - REDEEMED_CODE_KEPT
    record = RedeemedCode.objects.filter(code_hash=code_hash(code), client=client, redeemed_at__gte=since).first()
    if record is None:
        return False
    get_refresh_token_model().revoke_family(record.token_family)
    return True
