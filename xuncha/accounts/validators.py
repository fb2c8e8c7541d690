"""Password rules beyond Django's own: a mix of character classes, and how long an administrator's password lasts."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def character_classes(password: str) -> int:
    """How many of the four classes the password uses: lower-case, upper-case, digits, other characters."""
    classes = [
        any(char.islower() for char in password),
        any(char.isupper() for char in password),
        any(char.isdigit() for char in password),
        any(not char.isalnum() for char in password),
    ]
    return sum(classes)


class CharacterClassesValidator:
    """A password mixes at least ``min_classes`` of lower-case letters, upper-case letters, digits and other
    characters (the classes of GB/T 22239 等保 guidance; three by default)."""

    def __init__(self, min_classes: int = 3) -> None:
        if not 1 <= min_classes <= 4:
            raise ValueError("min_classes must be between 1 and 4")
        self.min_classes = min_classes

    def validate(self, password: str, user: User | None = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_few_classes")

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must mix at least %(count)d kind of character: lower-case letters, upper-case letters, "
            "digits, other characters.",
            "Your password must mix at least %(count)d kinds of character: lower-case letters, upper-case letters, "
            "digits, other characters.",
            self.min_classes,
        ) % {"count": self.min_classes}


def password_expired(user: User, holds_admin_role: bool) -> bool:
    """An administrator's password lasts ``XUNCHA_ADMIN_PASSWORD_DAYS`` days from its last change (from the account's
    creation when it was never changed); other users' passwords do not expire."""
    if not holds_admin_role or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return timezone.now() - changed > timedelta(days=settings.XUNCHA_ADMIN_PASSWORD_DAYS)


def expiry_reason() -> str:
    return _("Your password is older than %(days)d days: choose a new one.") % {
        "days": settings.XUNCHA_ADMIN_PASSWORD_DAYS
    }
