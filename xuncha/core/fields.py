"""Model fields whose text is kept in the database only as a Fernet token (``xuncha.core.crypto``)."""

from __future__ import annotations

from typing import Any

from django.db import models

from xuncha.core import crypto


class EncryptedTextField(models.TextField):
    """Text the database holds only encrypted, under the newest key of ``FIELD_ENCRYPTION_KEYS``.

    Python code reads and writes plain text; the column holds the token. A token no configured key opens raises
    ``InvalidToken`` on read rather than showing the token as text. Lookups other than emptiness mean nothing on a
    token (each encryption has its own IV), so filter on other fields.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt(str(value))
