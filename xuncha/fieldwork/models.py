"""What a group learns on site, entered once (一次录入): talks (个别谈话) with the 六必谈 checklist, document reviews
(调阅资料), field visits (实地走访) and hearings (听取汇报, 动员会). Every record is confidential to the group and the
office director; a problem or a clue made from a record keeps its link here, so that findings needs no change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import Role
from xuncha.accounts.scoping import path_q
from xuncha.core.fields import EncryptedTextField
from xuncha.inspections.scoping import group_ids_of

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser

COUNTY_PATH = "assignment__round__term__county__path"


class TalkRole(models.TextChoices):
    """The posts a group talks to in every village (六必谈), and any other person."""

    SECRETARY = "SECRETARY", _("Village Party organisation secretary")
    DIRECTOR = "DIRECTOR", _("Villagers' committee director")
    SUPERVISOR = "SUPERVISOR", _("Village affairs supervision committee director")
    ACCOUNTANT = "ACCOUNTANT", _("Village accountant or bookkeeper")
    FIRST_SECRETARY = "FIRST_SECRETARY", _("First secretary stationed in the village")
    REPRESENTATIVE = "REPRESENTATIVE", _("Veteran Party member or residents' representative")
    OTHER = "OTHER", _("Other person")


# The six talks every village must have (六必谈).
MUST_TALK: tuple[TalkRole, ...] = tuple(role for role in TalkRole if role != TalkRole.OTHER)


class FieldRecordQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: AnyUser) -> FieldRecordQuerySet:
        """Confidential: the group's members and leader (their own assignments) and the office director of the
        county. The office reads only counts (``countable_to``); townships, villages, leaders and administrators
        nothing."""
        if user is None:
            return self.none()
        query = path_q(user, [Role.OFFICE_LEAD], COUNTY_PATH)
        groups = group_ids_of(user)
        if groups:
            query |= Q(assignment__group_id__in=groups)
        return self.filter(query)

    def countable_to(self, user: AnyUser) -> FieldRecordQuerySet:
        """The records whose number (never their content) the user may know: those above, and the office's."""
        if user is None:
            return self.none()
        query = path_q(user, [Role.OFFICE, Role.OFFICE_LEAD], COUNTY_PATH)
        groups = group_ids_of(user)
        if groups:
            query |= Q(assignment__group_id__in=groups)
        return self.filter(query)


class FieldRecord(models.Model):
    """What every record of the group's learning holds: the assignment, who entered it, when."""

    assignment = models.ForeignKey(
        "inspections.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class VillageRecord(FieldRecord):
    """A record of one village, from which problems (and, for talks, clues) are made; the links are kept here."""

    village = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    problems = models.ManyToManyField(
        "findings.Problem", verbose_name=_("problems made from it"), related_name="+", blank=True
    )

    class Meta:
        abstract = True


class TalkRecord(VillageRecord):
    """An individual talk (个别谈话): whom, when, where, the two interviewers, the 笔录 and its signed scan."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        SIGNED = "SIGNED", _("Signed")

    talk_role = models.CharField(_("talk role"), max_length=16, choices=TalkRole)
    person_name = EncryptedTextField(_("person talked to"), max_length=100)
    person_post = EncryptedTextField(_("post"), max_length=200)
    talked_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    interviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("interviewers"), related_name="+")
    transcript = EncryptedTextField(_("transcript"))
    scans = models.ManyToManyField("evidence.Evidence", verbose_name=_("signed scan"), related_name="+", blank=True)
    clues = models.ManyToManyField("findings.Clue", verbose_name=_("clues made from it"), related_name="+", blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.DRAFT)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    objects = FieldRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("talk record")
        verbose_name_plural = _("talk records")
        ordering = ["talked_on", "pk"]
        indexes = [models.Index(fields=["assignment", "village", "talk_role"], name="talk_assignment_role_idx")]

    def __str__(self) -> str:
        # Never the person's name: this text becomes the audit event's object name, which the auditor reads.
        return f"{self.get_talk_role_display()} · {self.talked_on:%Y-%m-%d} · #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:talk-detail", args=[self.pk])


class DocumentReview(VillageRecord):
    """A request for documents (调阅清单) and their return."""

    class Status(models.TextChoices):
        REQUESTED = "REQUESTED", _("Requested")
        RETURNED = "RETURNED", _("Returned")

    requested_on = models.DateField(_("requested on"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.REQUESTED)

    objects = FieldRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("document review")
        verbose_name_plural = _("document reviews")
        ordering = ["requested_on", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} · {self.requested_on:%Y-%m-%d} · #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:review-detail", args=[self.pk])


class DocumentItem(models.Model):
    """One line of a review's list: what, for which period, from whom, and when it went back."""

    review = models.ForeignKey(DocumentReview, verbose_name=_("review"), on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("document"), max_length=200)
    period = models.CharField(_("period"), max_length=100, blank=True)
    holder = models.CharField(_("from whom"), max_length=100, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)

    class Meta:
        verbose_name = _("requested document")
        verbose_name_plural = _("requested documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class FieldVisit(VillageRecord):
    """A visit to households and sites (实地走访)."""

    visited_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    households = models.PositiveIntegerField(_("households visited"), default=0)
    notes = EncryptedTextField(_("notes"), blank=True)
    photos = models.ManyToManyField("evidence.Evidence", verbose_name=_("photos"), related_name="+", blank=True)

    objects = FieldRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        ordering = ["visited_on", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} · {self.visited_on:%Y-%m-%d} · #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:visit-detail", args=[self.pk])


class Hearing(FieldRecord):
    """A mobilisation meeting (动员会) or a hearing of the village secretary's report (听取汇报)."""

    class Kind(models.TextChoices):
        MOBILISATION = "MOBILISATION", _("Mobilisation meeting")
        REPORT = "REPORT", _("Hearing of the work report")

    unit = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("village or township"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.REPORT)
    held_on = models.DateField(_("date"))
    attendees = models.TextField(_("attendees"))
    minutes = models.TextField(_("minutes"), blank=True)
    report = models.ManyToManyField(
        "evidence.Evidence", verbose_name=_("the secretary's report"), related_name="+", blank=True
    )

    objects = FieldRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.held_on:%Y-%m-%d} · #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:hearing-detail", args=[self.pk])
