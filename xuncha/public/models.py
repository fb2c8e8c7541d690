"""What the residents' pages keep of their own: the recent uses of the rate-limited forms."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SubmissionQuota(models.Model):
    """One use of a rate-limited public form by one client, kept for an hour to count that client's recent uses."""

    class Scope(models.TextChoices):
        PETITION = "PETITION", _("Petition sent")
        LOOKUP = "LOOKUP", _("Receipt code looked up")

    scope = models.CharField(_("form"), max_length=10, choices=Scope)
    # Never the address itself: a keyed SHA-256 that cannot be turned back into it without the server's key.
    key = models.CharField(_("client key"), max_length=64)
    created_at = models.DateTimeField(_("used at"), default=timezone.now)

    class Meta:
        verbose_name = _("use of a public form")
        verbose_name_plural = _("uses of public forms")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["key", "scope", "created_at"], name="quota_key_scope_idx"),
            models.Index(fields=["created_at"], name="quota_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} · {self.key[:8]} · {self.created_at:%Y-%m-%d %H:%M}"
