"""The file (卷宗) of an assignment of a closed round: a .zip with its index, documents, records, evidence, audit trail
and SHA-256 manifest, built in the background (``actions``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.scoping import path_q, planners

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser


class Retention(models.TextChoices):
    """How long the file is kept (保管期限); the default comes from the ``ARCHIVE_RETENTION`` setting."""

    PERMANENT = "PERMANENT", _("Permanent")
    Y30 = "Y30", _("30 years")
    Y10 = "Y10", _("10 years")


class ArchiveQuerySet(models.QuerySet["Archive"]):
    def visible_to(self, user: AnyUser) -> ArchiveQuerySet:
        """The files of the counties where the user is the office (OFFICE or OFFICE_LEAD): a file holds every record
        of its assignment, and nobody else takes it away."""
        return self.filter(path_q(user, planners(), "round__term__county__path"))


class Archive(models.Model):
    """One assignment's file (卷宗) as a .zip, and how its building went."""

    class Status(models.TextChoices):
        BUILDING = "BUILDING", _("Building")
        READY = "READY", _("Ready")
        FAILED = "FAILED", _("Failed")

    round = models.ForeignKey(
        "inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="archives"
    )
    assignment = models.ForeignKey(
        "inspections.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="archives"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.BUILDING)
    done = models.PositiveIntegerField(_("files done"), default=0)
    total = models.PositiveIntegerField(_("files in all"), default=0)
    file = models.CharField(_("file"), max_length=200, blank=True)  # relative to MEDIA_ROOT
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    retention = models.CharField(_("retention period"), max_length=10, choices=Retention)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("built by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    error = models.TextField(_("error"), blank=True)

    objects = ArchiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("archive file")
        verbose_name_plural = _("archive files")
        ordering = ["round_id", "assignment_id", "-pk"]

    def __str__(self) -> str:
        return f"{self.assignment.group}卷宗"

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status != self.Status.BUILDING
