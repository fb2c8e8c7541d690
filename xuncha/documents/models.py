"""What the documents app keeps: round bundles built in the background, and spreadsheet imports with their reports.

Generated documents and exports themselves are not stored: they are built from the data on each request, so that
they always say what the database says and respect the reader's scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.scoping import path_q, planners

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser


class JobStatus(models.TextChoices):
    QUEUED = "QUEUED", _("Queued")
    RUNNING = "RUNNING", _("Running")
    DONE = "DONE", _("Done")
    REJECTED = "REJECTED", _("Rejected")
    FAILED = "FAILED", _("Failed")


class BundleQuerySet(models.QuerySet["Bundle"]):
    def visible_to(self, user: AnyUser) -> BundleQuerySet:
        """The bundles of the rounds the user sees, in the counties where the user may bundle (the office's): a
        bundle is the office's, whoever of it asked; nobody else learns that it exists."""
        from xuncha.inspections.models import Round

        return self.filter(
            path_q(user, planners(), "round__term__county__path"), round__in=Round.objects.visible_to(user)
        )


class Bundle(models.Model):
    """All feedback documents of a round (one per village) as one .zip, built by the worker."""

    Status = JobStatus

    round = models.ForeignKey(
        "inspections.Round", verbose_name=_("round"), on_delete=models.CASCADE, related_name="bundles"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("documents done"), default=0)
    total = models.PositiveIntegerField(_("documents in all"), default=0)
    file = models.CharField(_("file"), max_length=200, blank=True)  # relative to MEDIA_ROOT
    size = models.PositiveBigIntegerField(_("size"), default=0)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = BundleQuerySet.as_manager()

    class Meta:
        verbose_name = _("document bundle")
        verbose_name_plural = _("document bundles")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.round} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.REJECTED)


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def visible_to(self, user: AnyUser) -> ImportRunQuerySet:
        """The imports a user sees: their own (a report names rows of their own file)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(uploaded_by=user)


class ImportRun(models.Model):
    """One uploaded spreadsheet: what kind of data it holds, who sent it, and what became of every row."""

    Status = JobStatus

    class Kind(models.TextChoices):
        CLASSIFICATION = "CLASSIFICATION", _("Village classification")
        PROBLEMS = "PROBLEMS", _("Problems from a group's spreadsheet")
        LEDGER = "LEDGER", _("Ledger progress from a township")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # The unit the import speaks for (the county for classification, the township for ledger progress) and, for
    # problems, the assignment whose group kept the spreadsheet.
    unit = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+", null=True
    )
    assignment = models.ForeignKey(
        "inspections.Assignment",
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    file_name = models.CharField(_("file name"), max_length=200)
    file = models.CharField(_("stored file"), max_length=200, blank=True)  # relative to MEDIA_ROOT
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus, default=JobStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    done_rows = models.PositiveIntegerField(_("rows done"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    # Every bad row: [{"row": 3, "column": "类别", "value": "…", "reason": "…"}], in the uploader's language.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(100 * self.done_rows / self.total_rows) if self.total_rows else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.REJECTED)
