"""Move DRF's plaintext tokens (``authtoken_token``) into ``ApiToken`` as digests, then drop their table.

A token's key cannot be recovered from its digest, but a client that holds the key still matches it: existing
clients keep working until ``XUNCHA_TOKEN_HOURS`` after this migration, then sign in again. The old table is
dropped, since it holds every key in clear. Reversing leaves the digests in place (the keys are gone).
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.crypto import salted_hmac

OLD_TABLE = "authtoken_token"


def hash_plaintext_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    User = apps.get_model("accounts", "User")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name('key')}, user_id FROM {OLD_TABLE}")
        rows = cursor.fetchall()
    passwords = dict(User.objects.filter(pk__in=[user_id for _key, user_id in rows]).values_list("pk", "password"))
    now = timezone.now()
    expires_at = now + timedelta(hours=settings.XUNCHA_TOKEN_HOURS)
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            digest=hashlib.sha256(key.encode()).hexdigest(),
            # The stamp of the user's current password, as ``AbstractBaseUser.get_session_auth_hash`` computes it.
            password_stamp=salted_hmac(
                "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
                passwords[user_id],
                algorithm="sha256",
            ).hexdigest(),
            created_at=now,
            expires_at=expires_at,
        )
        for key, user_id in rows
        if user_id in passwords
    )
    schema_editor.execute(f"DROP TABLE {OLD_TABLE}")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_api_token")]

    operations = [migrations.RunPython(hash_plaintext_tokens, migrations.RunPython.noop)]
