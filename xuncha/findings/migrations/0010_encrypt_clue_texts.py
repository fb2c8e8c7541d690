"""Encrypt the subject, summary and feedback of existing clues (and decrypt them when going back)."""

from typing import Any

from django.db import migrations

from xuncha.core import crypto

FIELDS = ("subject", "summary", "feedback")


def _convert(apps: Any, convert: Any) -> None:
    clue_model = apps.get_model("findings", "Clue")
    for clue in clue_model.objects.only("pk", *FIELDS).iterator():
        for name in FIELDS:
            setattr(clue, name, convert(getattr(clue, name)))
        clue.save(update_fields=list(FIELDS))


def encrypt(apps: Any, schema_editor: Any) -> None:
    _convert(apps, crypto.encrypt)


def decrypt(apps: Any, schema_editor: Any) -> None:
    _convert(apps, crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [("findings", "0009_clue_texts_as_text")]

    operations = [migrations.RunPython(encrypt, decrypt)]
