"""Stop keeping OAuth tokens and authorization codes in clear (RFC 9700 §4, COMPLIANT_BCP_RFC9700_TOKEN_STORAGE).

Access and refresh tokens are looked up by `token_checksum` (their SHA-256, which DOT already
stores), so blanking the `token` column leaves every issued token working. Pending authorization
codes (at most a minute old) are replaced by their SHA-256, which is what gateway.oauth.codes
looks them up by.
"""

import hashlib

from django.db import migrations


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def blank_clear_tokens(apps, schema_editor):
    """Make sure every token row has its checksum, then drop the clear value."""
    db = schema_editor.connection.alias
    for model_name in ("AccessToken", "RefreshToken"):
        model = apps.get_model("oauth2_provider", model_name)
        clear = model.objects.using(db).exclude(token="")
        for row in clear.filter(token_checksum="").only("pk", "token").iterator():
            model.objects.using(db).filter(pk=row.pk).update(token_checksum=sha256(row.token))
        clear.update(token="")


def hash_pending_codes(apps, schema_editor):
    db = schema_editor.connection.alias
    Grant = apps.get_model("oauth2_provider", "Grant")
    for grant in Grant.objects.using(db).only("pk", "code").iterator():
        Grant.objects.using(db).filter(pk=grant.pk).update(code=sha256(grant.code))


def forward(apps, schema_editor):
    blank_clear_tokens(apps, schema_editor)
    hash_pending_codes(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("gateway", "0005_oauth_client_pkce_exempt_and_redeemed_codes"),
        ("oauth2_provider", "0022_refreshtoken_token_family_index"),
    ]

    # One way: the clear values are gone. Going back leaves tokens working (lookups use the checksum).
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
