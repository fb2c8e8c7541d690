"""What a phone's form stores of the phone: a keyed SHA-256 of the random token in its signed cookie (the residents'
pages' cookie, ``public.devices``) and of the appraisal, never the token itself, so that a second form from the same
phone is refused and nobody reading the database can link one phone's forms across appraisals or surveys."""

from __future__ import annotations

from django.utils.crypto import salted_hmac

from xuncha.appraisal.models import Appraisal

KEY_SALT = "xuncha.appraisal.devices.key"


def device_key(appraisal: Appraisal, token: str) -> str:
    """64 hex digits, the same for one token and one appraisal only."""
    return salted_hmac(KEY_SALT, f"{appraisal.public_key}:{token}", algorithm="sha256").hexdigest()
