"""The record of backups made and restored: which archive, how large, its digest and where the audit chain stood."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Backup(models.Model):
    """An encrypted archive of the database and the uploaded files, made or restored by ``xuncha backup|restore``.

    Only the archive's name, size and digest are kept, never its content; the key that opens it lives outside
    the database and outside ``var/``.
    """

    class Operation(models.TextChoices):
        MADE = "MADE", _("Made")
        RESTORED = "RESTORED", _("Restored")

    operation = models.CharField(_("operation"), max_length=10, choices=Operation)
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.BigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    engine = models.CharField(_("database engine"), max_length=20)
    chain_seq = models.BigIntegerField(_("audit chain position"))
    archive_created_at = models.DateTimeField(_("archive made at"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("backup")
        verbose_name_plural = _("backups")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
