"""What the office prepares before a round's groups are stationed: the work plans (工作方案) of a round and of its
assignments, each member's recusal declaration for the round, the enquiry letters (征求意见函) to county bodies with
their replies, and the leads that the replies give the groups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuncha.accounts.models import Role
from xuncha.accounts.scoping import path_q, planners
from xuncha.core.fields import EncryptedTextField
from xuncha.inspections.scoping import group_ids_of

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser

COUNTY_PATH = "round__term__county__path"


class WorkPlanQuerySet(models.QuerySet["WorkPlan"]):
    def visible_to(self, user: AnyUser) -> WorkPlanQuerySet:
        """The office and its director see every plan of their counties; county leaders and the groups (their own
        assignments' plans) only once the director approved it. Townships, villages, receiving bodies and the
        administrators never."""
        query = path_q(user, planners(), COUNTY_PATH)
        approved = Q(status=WorkPlan.Status.APPROVED)
        query |= path_q(user, [Role.LEADER], COUNTY_PATH) & approved
        groups = group_ids_of(user)
        if groups:
            query |= Q(assignment__group_id__in=groups) & approved
        return self.filter(query)


class WorkPlan(models.Model):
    """The work plan (工作方案) of a round, or of one assignment of it: focus, schedule and authorisation."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        SUBMITTED = "SUBMITTED", _("Submitted for approval")
        APPROVED = "APPROVED", _("Approved")
        RETURNED = "RETURNED", _("Returned for revision")

    round = models.ForeignKey(
        "inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="work_plans"
    )
    assignment = models.ForeignKey(
        "inspections.Assignment",
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="work_plans",
        null=True,
        blank=True,
        help_text=_("Empty for the plan of the whole round"),
    )
    title = models.CharField(_("title"), max_length=200)
    focus = models.JSONField(_("focus of supervision"), default=list, blank=True)
    focus_note = models.TextField(_("notes on the focus"), blank=True)
    authorisation = models.TextField(
        _("authorisation"), blank=True, help_text=_("What the group is authorised to do, for this round only")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["round_id", "assignment_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round"], condition=Q(assignment__isnull=True), name="workplan_one_per_round"
            ),
            models.UniqueConstraint(fields=["assignment"], name="workplan_one_per_assignment"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:plan-detail", args=[self.pk])

    def focus_labels(self) -> list[str]:
        from xuncha.findings.models import Category

        return [str(Category(value).label) for value in self.focus if value in Category.values]


class PlanStage(models.Model):
    """One stage of a plan's schedule (进驻, 个别谈话, 调阅资料, 走访, 撰写报告 …) with its dates."""

    class Kind(models.TextChoices):
        STATIONING = "STATIONING", _("Stationing and mobilisation meeting")
        HEARING = "HEARING", _("Hearing the village's report")
        TALKS = "TALKS", _("Individual talks")
        DOCUMENTS = "DOCUMENTS", _("Review of documents")
        VISITS = "VISITS", _("Visits and surveys")
        APPRAISAL = "APPRAISAL", _("Democratic appraisal")
        REPORT = "REPORT", _("Writing the report")
        FEEDBACK = "FEEDBACK", _("Feedback")
        OTHER = "OTHER", _("Other")

    plan = models.ForeignKey(WorkPlan, verbose_name=_("work plan"), on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("stage"), max_length=12, choices=Kind)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stage of a plan")
        verbose_name_plural = _("stages of plans")
        ordering = ["plan_id", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="planstage_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on} – {self.ends_on}"


class RecusalDeclarationQuerySet(models.QuerySet["RecusalDeclaration"]):
    def visible_to(self, user: AnyUser) -> RecusalDeclarationQuerySet:
        """A declaration is personal: the office sees those of its counties, each member their own."""
        query = path_q(user, planners(), COUNTY_PATH)
        if user.is_authenticated:
            query |= Q(user_id=user.pk)
        return self.filter(query)


class RecusalDeclaration(models.Model):
    """A group member's signed declaration for one round: no ties, or the ties (``inspections.Recusal``) listed."""

    round = models.ForeignKey(
        "inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="recusal_declarations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    no_ties = models.BooleanField(_("declares no ties"), default=False)
    ties = models.ManyToManyField("inspections.Recusal", verbose_name=_("ties"), related_name="+", blank=True)
    # Ties may name relatives: kept encrypted like other personal particulars.
    statement = EncryptedTextField(_("statement"), blank=True)
    signed_at = models.DateTimeField(_("signed at"))

    objects = RecusalDeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("recusal declaration")
        verbose_name_plural = _("recusal declarations")
        ordering = ["round_id", "user_id"]
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="declaration_once_per_round")]

    def __str__(self) -> str:
        return f"{self.round} · {self.user}"


class EnquiryQuerySet(models.QuerySet["Enquiry"]):
    def visible_to(self, user: AnyUser) -> EnquiryQuerySet:
        """Letters and replies may name people: the office and its director only."""
        return self.filter(path_q(user, planners(), COUNTY_PATH))


class Enquiry(models.Model):
    """An enquiry letter (征求意见函) to a county body before stationing, and the body's reply."""

    class Body(models.TextChoices):
        DISCIPLINE = "DISCIPLINE", _("Discipline inspection commission")
        ORGANISATION = "ORGANISATION", _("Organisation department")
        PETITIONS = "PETITIONS", _("Letters and visits bureau")
        AUDIT = "AUDIT", _("Audit bureau")
        FINANCE = "FINANCE", _("Finance bureau")
        AGRICULTURE = "AGRICULTURE", _("Agriculture and rural affairs bureau")
        CIVIL_AFFAIRS = "CIVIL_AFFAIRS", _("Civil affairs bureau")
        HOUSING = "HOUSING", _("Housing and urban-rural development bureau")
        OTHER = "OTHER", _("Other body")

    class Status(models.TextChoices):
        SENT = "SENT", _("Sent")
        REPLIED = "REPLIED", _("Replied")

    round = models.ForeignKey(
        "inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="enquiries"
    )
    assignment = models.ForeignKey(
        "inspections.Assignment",
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="enquiries",
        null=True,
        blank=True,
    )
    village = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    body = models.CharField(_("county body"), max_length=14, choices=Body)
    body_name = models.CharField(_("name of the body"), max_length=100, blank=True)
    number = models.CharField(_("document number"), max_length=60, blank=True)
    matters = models.TextField(_("matters asked about"))
    reply_by = models.DateField(_("reply requested by"))
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.SENT)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply_text = EncryptedTextField(_("reply"), blank=True)
    reply_files = models.ManyToManyField(
        "evidence.Evidence", verbose_name=_("reply files"), related_name="+", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        verbose_name = _("enquiry letter")
        verbose_name_plural = _("enquiry letters")
        ordering = ["round_id", "sent_on", "pk"]
        indexes = [models.Index(fields=["round", "status"], name="enquiry_round_status_idx")]

    def __str__(self) -> str:
        return _("Enquiry to %(body)s") % {"body": self.body_label}

    def get_absolute_url(self) -> str:
        return reverse("planning:enquiry-detail", args=[self.pk])

    @property
    def body_label(self) -> str:
        if self.body == self.Body.OTHER and self.body_name:
            return self.body_name
        return str(self.get_body_display())


class LeadQuerySet(models.QuerySet["Lead"]):
    def visible_to(self, user: AnyUser) -> LeadQuerySet:
        """The office, and the group of the assignment the lead is given to."""
        query = path_q(user, planners(), COUNTY_PATH)
        groups = group_ids_of(user)
        if groups:
            query |= Q(assignment__group_id__in=groups)
        return self.filter(query)


class Lead(models.Model):
    """A point of an enquiry's reply handed to a group as something to look into (线索/关注点)."""

    class Status(models.TextChoices):
        OPEN = "OPEN", pgettext_lazy("lead", "Open")
        USED = "USED", pgettext_lazy("lead", "Followed up")
        DROPPED = "DROPPED", pgettext_lazy("lead", "Dropped")

    enquiry = models.ForeignKey(Enquiry, verbose_name=_("enquiry"), on_delete=models.PROTECT, related_name="leads")
    round = models.ForeignKey("inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(
        "inspections.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="leads"
    )
    village = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    text = EncryptedTextField(_("lead"))
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.OPEN)
    note = models.CharField(_("note"), max_length=200, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["assignment_id", "status", "pk"]
        indexes = [models.Index(fields=["assignment", "status"], name="lead_assignment_status_idx")]

    def __str__(self) -> str:
        return _("Lead #%(number)s") % {"number": self.pk}
