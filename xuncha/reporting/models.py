"""The report chain of a round: the group meeting (组务会) that confirms working papers, the report (巡察报告 /
专题报告) edited in versions with the office's comments, the gates it passes before feedback, and the separate
feedback to a village's principal leader (art. 26 单独反馈)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import Role
from xuncha.accounts.scoping import NOTHING, path_q
from xuncha.core.fields import EncryptedTextField
from xuncha.inspections.scoping import group_ids_of

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser

OFFICE_ROLES = [Role.OFFICE, Role.OFFICE_LEAD]


def _group_or_office_q(user: AnyUser, county_path: str, group_field: str) -> Q:
    """The office of the county (staff and director) and the members of the group the record belongs to."""
    query = path_q(user, OFFICE_ROLES, county_path)
    groups = group_ids_of(user)
    if groups:
        query |= Q(**{f"{group_field}__in": groups})
    return query


class GroupMeetingQuerySet(models.QuerySet["GroupMeeting"]):
    def visible_to(self, user: AnyUser) -> GroupMeetingQuerySet:
        return self.filter(_group_or_office_q(user, "round__term__county__path", "group_id"))


class GroupMeeting(models.Model):
    """A group meeting (组务会) of an inspection group: who attended, its minutes and decisions, and the working
    papers it confirmed."""

    round = models.ForeignKey("inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        "inspections.InspectionGroup", verbose_name=_("group"), on_delete=models.PROTECT, related_name="meetings"
    )
    assignment = models.ForeignKey(
        "inspections.Assignment",
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="meetings",
        null=True,
        blank=True,
    )
    held_on = models.DateField(_("held on"))
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("attendees"), related_name="+")
    minutes = models.TextField(_("minutes"))
    decisions = models.TextField(_("decisions"), blank=True)
    problems = models.ManyToManyField(
        "findings.Problem", verbose_name=_("papers confirmed"), related_name="group_meetings", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GroupMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("group meeting")
        verbose_name_plural = _("group meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return _("%(group)s meeting of %(date)s") % {"group": self.group.name, "date": self.held_on}

    def get_absolute_url(self) -> str:
        return reverse("reporting:meeting-detail", args=[self.pk])


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, user: AnyUser) -> ReportQuerySet:
        """Drafts: the group of an assignment's report and the office; county leaders read only the approved
        report; townships, villages, receiving bodies and the administrators never."""
        query = _group_or_office_q(user, "round__term__county__path", "assignment__group_id")
        approved = path_q(user, [Role.LEADER], "round__term__county__path")
        if approved != NOTHING:
            query |= approved & Q(status=Report.Status.APPROVED)
        return self.filter(query)

    def drafts_visible_to(self, user: AnyUser) -> ReportQuerySet:
        """The reports whose drafts, versions and gates the user reads (the group and the office only)."""
        return self.filter(_group_or_office_q(user, "round__term__county__path", "assignment__group_id"))


class Report(models.Model):
    """The inspection report (巡察报告) or a special report (专题报告) of an assignment or of a whole round."""

    class Kind(models.TextChoices):
        INSPECTION = "INSPECTION", _("Inspection report")
        SPECIAL = "SPECIAL", _("Special report")

    class Status(models.TextChoices):
        # Each status but the last names the gate the report waits for.
        DRAFT = "DRAFT", _("Drafting, awaiting the group meeting")
        OFFICE_REVIEW = "OFFICE_REVIEW", _("Awaiting the office's review")
        LEADING_GROUP = "LEADING_GROUP", _("Awaiting the leading group's hearing")
        SECRETARY = "SECRETARY", _("Awaiting the secretary's meeting")
        APPROVED = "APPROVED", _("Approved")

    round = models.ForeignKey(
        "inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="reports"
    )
    assignment = models.ForeignKey(
        "inspections.Assignment",
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="reports",
        null=True,
        blank=True,
        help_text=_("Empty for the report of the whole round"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.INSPECTION)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=14, choices=Status, default=Status.DRAFT)
    text = models.TextField(_("text"), help_text=_("The text of the latest version"))
    version = models.PositiveIntegerField(_("version"), default=1)
    clue_count = models.PositiveIntegerField(_("number of clues"), default=0)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["round_id", "assignment_id", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "assignment", "kind"],
                condition=Q(assignment__isnull=False, kind="INSPECTION"),
                name="report_one_inspection_report_per_assignment",
            ),
            models.UniqueConstraint(
                fields=["round", "kind"],
                condition=Q(assignment__isnull=True, kind="INSPECTION"),
                name="report_one_inspection_report_per_round",
            ),
        ]
        indexes = [models.Index(fields=["round", "status"], name="report_round_status_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reporting:report-detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class ReportVersion(models.Model):
    """One saved text of a report: each save is a new version, with its author and time."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_unique_number")]

    def __str__(self) -> str:
        return _("%(report)s, version %(number)s") % {"report": self.report.title, "number": self.number}


class ReportComment(models.Model):
    """The office's comment on one version of a report."""

    version = models.ForeignKey(
        ReportVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="comments"
    )
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment on a report")
        verbose_name_plural = _("comments on reports")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return _("Comment on %(version)s") % {"version": self.version}


class Gate(models.Model):
    """A gate the report passed or was returned at: its meeting, minutes and decision."""

    class Kind(models.TextChoices):
        GROUP_MEETING = "GROUP_MEETING", _("Group meeting")
        OFFICE_REVIEW = "OFFICE_REVIEW", _("Office review")
        LEADING_GROUP = "LEADING_GROUP", _("Leading group hearing")
        SECRETARY = "SECRETARY", _("Secretary's special meeting")

    class Decision(models.TextChoices):
        PASSED = "PASSED", _("Passed")
        RETURNED = "RETURNED", _("Returned for revision")

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="gates")
    kind = models.CharField(_("gate"), max_length=14, choices=Kind)
    held_on = models.DateField(_("held on"))
    minutes = models.TextField(_("minutes"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision)
    decisions = models.TextField(_("decisions"), blank=True)
    version = models.PositiveIntegerField(_("version heard"))
    meeting = models.ForeignKey(
        GroupMeeting,
        verbose_name=_("group meeting"),
        on_delete=models.PROTECT,
        related_name="gates",
        null=True,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("report gate")
        verbose_name_plural = _("report gates")
        ordering = ["report_id", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.held_on} · {self.get_decision_display()}"


class FeedbackRule(models.Model):
    """A county's own rule on feedback, where it departs from the instance's setting
    (``XUNCHA_FEEDBACK_NEEDS_APPROVED_REPORT``)."""

    county = models.OneToOneField(
        "organisations.AdminUnit", verbose_name=_("county"), on_delete=models.CASCADE, related_name="+"
    )
    needs_approved_report = models.BooleanField(
        _("feedback only after the report's last gate"),
        default=True,
        help_text=_("A village's lists are fed back only once a report covering it passed the secretary's meeting."),
    )

    class Meta:
        verbose_name = _("feedback rule of a county")
        verbose_name_plural = _("feedback rules of counties")

    def __str__(self) -> str:
        return str(self.county)


class SeparateFeedbackQuerySet(models.QuerySet["SeparateFeedback"]):
    def visible_to(self, user: AnyUser) -> SeparateFeedbackQuerySet:
        """Confidential: the office director of the county and the leader of the group that inspected the village."""
        from xuncha.inspections.models import Membership

        query = path_q(user, [Role.OFFICE_LEAD], "round__term__county__path")
        if user.is_authenticated and user.is_active:
            led = Membership.objects.filter(user=user, role=Membership.GroupRole.LEADER).values("group_id")
            query |= Q(assignment__group_id__in=led)
        return self.filter(query)


class SeparateFeedback(models.Model):
    """The separate feedback (单独反馈, art. 26) to a village's principal leader: confidential, opened only by the
    office director and the group leader, and every reading is logged."""

    round = models.ForeignKey("inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(
        "inspections.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    given_on = models.DateField(_("given on"))
    person = EncryptedTextField(_("principal leader"), max_length=200, help_text=_("Name and post"))
    points = EncryptedTextField(_("points fed back"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("given by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = SeparateFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("separate feedback")
        verbose_name_plural = _("separate feedback")
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return _("Separate feedback #%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("reporting:separate-detail", args=[self.pk])
