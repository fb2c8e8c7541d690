"""Telling one phone from another without knowing who holds it, so that each answers a survey once.

The first visit to a survey gives the browser a random token in a long-lived signed cookie. An answer is stored
with a keyed SHA-256 of that token and the survey (``salted_hmac`` under the secret key), never the token itself:
whoever reads the database can neither find the cookie nor link one phone's answers to different surveys. A
resident who clears the cookie can answer again; the hourly allowance per connection bounds what that allows.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from xuncha.public.models import Survey
from xuncha.rectification.models import LedgerItem

COOKIE_NAME = "xuncha_device"
COOKIE_SALT = "xuncha.public.devices.cookie"
KEY_SALT = "xuncha.public.devices.key"
ITEM_KEY_SALT = "xuncha.public.devices.item"
# Long enough to outlast a survey and the next one; the cookie holds nothing but the random token.
COOKIE_AGE = timedelta(days=730)


def device_token(request: HttpRequest) -> str | None:
    """The token of the device's cookie, or ``None`` when it has none or one whose signature does not hold."""
    token: str | None = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT)
    return token or None


def new_device_token() -> str:
    return secrets.token_urlsafe(32)


def remember_device(response: HttpResponse, token: str) -> None:
    response.set_signed_cookie(
        COOKIE_NAME,
        token,
        salt=COOKIE_SALT,
        max_age=int(COOKIE_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def device_key(survey: Survey, token: str) -> str:
    """What an answer stores of the device: 64 hex digits, the same for one token and one survey only."""
    return salted_hmac(KEY_SALT, f"{survey.public_key}:{token}", algorithm="sha256").hexdigest()


def item_device_key(item: LedgerItem, token: str) -> str:
    """What a resident's confirmation stores of the phone: 64 hex digits, the same for one token and one item only
    (under its own salt, so that it matches no survey answer of the same phone)."""
    return salted_hmac(ITEM_KEY_SALT, f"{item.pk}:{token}", algorithm="sha256").hexdigest()
