"""The deliverables of art. 27 after feedback: the village's (or a department's) rectification plan (整改方案), its
rectification report (整改报告) and its principal leader's report on organising the rectification (主要负责人组织落实
情况报告). Each is drafted from the ledger, signed by the secretary, reviewed by the township and accepted by the
office; each has a due date and a traffic light like a ledger item."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import Role
from xuncha.accounts.scoping import county_readers, local_roles, path_q
from xuncha.rectification.models import Light

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser


class DeliverableQuerySet(models.QuerySet["Deliverable"]):
    def visible_to(self, user: AnyUser) -> DeliverableQuerySet:
        """The office and county leaders see the county's; a township its villages'; a village its own; a county
        department its own. Inspection groups, the receiving bodies and the administrators see none."""
        query = path_q(user, county_readers(), "round__term__county__path")
        query |= path_q(user, local_roles(), "unit__path")
        query |= path_q(user, [Role.DEPARTMENT], "unit__path")
        return self.filter(query)


class Deliverable(models.Model):
    """One document a fed-back village (or a department handed items) owes the office after feedback."""

    class Kind(models.TextChoices):
        PLAN = "PLAN", _("Rectification plan")
        REPORT = "REPORT", _("Rectification report")
        LEADER_REPORT = "LEADER_REPORT", _("Principal leader's report on organising the rectification")

    class Status(models.TextChoices):
        DUE = "DUE", _("Not started")
        DRAFT = "DRAFT", _("Drafting")
        SUBMITTED = "SUBMITTED", _("Submitted, awaiting the township")
        REVIEWED = "REVIEWED", _("Approved by the township, awaiting the office")
        RETURNED = "RETURNED", _("Returned for rework")
        ACCEPTED = "ACCEPTED", _("Accepted by the office")

    class Signature(models.TextChoices):
        SCAN = "SCAN", _("Signed scan uploaded")
        CONFIRMED = "CONFIRMED", _("Confirmed in the platform by the secretary's account")

    round = models.ForeignKey(
        "inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="deliverables"
    )
    unit = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="deliverables",
        help_text=_("The village fed back, or the county department handed items"),
    )
    feedback = models.ForeignKey(
        "rectification.Feedback",
        verbose_name=_("feedback"),
        on_delete=models.PROTECT,
        related_name="deliverables",
        null=True,
        blank=True,
    )
    township = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("reviewing township"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind)
    starts_on = models.DateField(_("counted from"), help_text=_("The feedback, or the first hand-off of the round"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DUE)
    text = models.TextField(_("text"), blank=True)
    signature = models.CharField(_("signature"), max_length=10, choices=Signature, blank=True)
    signed_scan = models.ForeignKey(
        "evidence.Evidence",
        verbose_name=_("signed scan"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    submitted_on = models.DateField(
        _("first submitted on"), null=True, blank=True, help_text=_("On time or late is judged on this date")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by (township)"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    return_reason = models.TextField(_("why it was returned"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification deliverable")
        verbose_name_plural = _("rectification deliverables")
        ordering = ["round_id", "unit__code", "due_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit", "kind"], name="deliverable_once_per_unit_kind"),
        ]
        indexes = [
            models.Index(fields=["kind", "status", "due_on"], name="deliverable_kind_status_idx"),
            models.Index(fields=["unit", "kind"], name="deliverable_unit_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("deliverables:detail", args=[self.pk])

    @property
    def is_department(self) -> bool:
        return self.township_id is None

    def light(self, today: date | None = None) -> Light:
        """Like a ledger item's (``deliverables.lights``): red once overdue or when submitted late."""
        from xuncha.deliverables.lights import light_of

        return light_of(self.status, self.due_on, self.submitted_on, today or timezone.localdate())

    @property
    def light_now(self) -> Light:
        return self.light()

    @property
    def timeliness(self) -> str:
        """ON_TIME, LATE, MISSING (overdue, never submitted) or PENDING (not submitted, not yet due)."""
        if self.submitted_on is not None:
            return "ON_TIME" if self.submitted_on <= self.due_on else "LATE"
        return "MISSING" if self.due_on < timezone.localdate() else "PENDING"


WORKING_STATUSES = (Deliverable.Status.DUE, Deliverable.Status.DRAFT, Deliverable.Status.RETURNED)
WAITING_STATUSES = (Deliverable.Status.SUBMITTED, Deliverable.Status.REVIEWED)
SUBMITTED_Q = Q(submitted_on__isnull=False)
