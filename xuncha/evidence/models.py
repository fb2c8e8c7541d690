"""Evidence files: photos, scans and documents with the facts checked when they were taken. A file knows no owner;
each owner (a problem, a petition, a progress note, a return-visit check) holds its own link to its files and
serves them to its own readers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def evidence_path(instance: Evidence, filename: str) -> str:
    """A random name under a dated folder: the uploaded file name is kept only in the database."""
    today = timezone.localdate()
    return f"evidence/{today:%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class Evidence(models.Model):
    """A photo, scan or document. Served only through its owner's page, which checks the reader's scope, never as
    a public file."""

    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=120)
    extension = models.CharField(_("extension"), max_length=10)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.caption or self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
