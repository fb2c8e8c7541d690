"""The two lists fed back after a round (个性清单, 共性清单), the feedback and its receipts, the rectification ledger
(整改台账) with its progress, and the return visits (回访) that verify it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuncha.accounts.scoping import NOTHING, county_readers, local_roles, path_q
from xuncha.findings.models import Category, FixType
from xuncha.inspections.scoping import group_ids_of

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser


def _office_or_group_q(user: AnyUser, county_path: str, group_field: str) -> Q:
    query = path_q(user, county_readers(), county_path)
    groups = group_ids_of(user)
    if groups:
        query |= Q(**{f"{group_field}__in": groups})
    return query


def _inspected_by_groups_q(user: AnyUser, round_field: str, village_field: str) -> Q:
    """Rows of villages that one of the user's groups inspected in the row's round: a group follows up on its own
    villages, as it sees only its own working papers."""
    from xuncha.inspections.models import AssignmentVillage

    groups = group_ids_of(user)
    if not groups:
        return NOTHING
    covered = AssignmentVillage.objects.filter(
        assignment__group_id__in=groups, round=OuterRef(round_field), village=OuterRef(village_field)
    )
    return Q(Exists(covered))


class ProblemListQuerySet(models.QuerySet["ProblemList"]):
    def visible_to(self, user: AnyUser) -> ProblemListQuerySet:
        """The office, leaders and the round's groups see every list; a township or village only the lists fed
        back to it — its own individual list and the round's common list, from the moment of publication."""
        query = path_q(user, county_readers(), "round__term__county__path")
        query |= _inspected_by_groups_q(user, "round", "village")
        groups = group_ids_of(user)
        if groups:
            query |= Q(kind=ProblemList.Kind.COMMON, round__groups__id__in=groups)
        local = path_q(user, local_roles(), "feedbacks__village__path")
        if local != NOTHING:
            query |= local | path_q(user, local_roles(), "common_feedbacks__village__path")
        return self.filter(pk__in=ProblemList.objects.filter(query).values("pk"))


class ProblemList(models.Model):
    """A round's list of problems: one village's individual list, or the round's common list."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "INDIVIDUAL", _("Individual list")
        COMMON = "COMMON", _("Common list")

    round = models.ForeignKey(
        "inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="problem_lists"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    village = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="problem_lists",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("built by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("built at"), auto_now_add=True)

    objects = ProblemListQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem list")
        verbose_name_plural = _("problem lists")
        ordering = ["round_id", "kind", "village_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "village"], condition=Q(kind="INDIVIDUAL"), name="list_one_individual_per_village"
            ),
            models.UniqueConstraint(fields=["round"], condition=Q(kind="COMMON"), name="list_one_common_per_round"),
            models.CheckConstraint(
                condition=(Q(kind="INDIVIDUAL") & Q(village__isnull=False))
                | (Q(kind="COMMON") & Q(village__isnull=True)),
                name="list_village_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.COMMON:
            return _("Common list of %(round)s") % {"round": self.round}
        return _("Individual list of %(village)s") % {"village": self.village}

    def get_absolute_url(self) -> str:
        return reverse("rectification:list-detail", args=[self.pk])


class ListEntry(models.Model):
    """A confirmed problem on a village's individual list."""

    problem_list = models.ForeignKey(
        ProblemList, verbose_name=_("list"), on_delete=models.CASCADE, related_name="entries"
    )
    problem = models.OneToOneField(
        "findings.Problem", verbose_name=_("problem"), on_delete=models.PROTECT, related_name="list_entry"
    )

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["problem_list_id", "problem_id"]

    def __str__(self) -> str:
        return str(self.problem)


class CommonItem(models.Model):
    """One problem shared by several villages, stated once on the round's common list and fanned out to each
    village it names as a ledger item of its own."""

    problem_list = models.ForeignKey(
        ProblemList, verbose_name=_("common list"), on_delete=models.CASCADE, related_name="common_items"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("the shared problem"))
    category = models.CharField(_("category"), max_length=20, choices=Category)
    fix_type = models.CharField(_("rectification type"), max_length=12, choices=FixType)
    villages = models.ManyToManyField(
        "organisations.AdminUnit", verbose_name=_("villages it applies to"), related_name="common_items"
    )
    problems = models.ManyToManyField(
        "findings.Problem", verbose_name=_("problems it was built from"), related_name="common_items", blank=True
    )

    class Meta:
        verbose_name = _("common item")
        verbose_name_plural = _("common items")
        ordering = ["problem_list_id", "number"]
        constraints = [models.UniqueConstraint(fields=["problem_list", "number"], name="common_item_unique_number")]

    def __str__(self) -> str:
        text = self.text.strip()
        return f"{self.number}. " + (text if len(text) <= 40 else text[:40] + "…")


class FeedbackQuerySet(models.QuerySet["Feedback"]):
    def visible_to(self, user: AnyUser) -> FeedbackQuerySet:
        query = path_q(user, county_readers(), "round__term__county__path")
        query |= _inspected_by_groups_q(user, "round", "village")
        query |= path_q(user, local_roles(), "village__path")
        return self.filter(pk__in=Feedback.objects.filter(query).values("pk"))

    def received_by(self, user: AnyUser) -> FeedbackQuerySet:
        """The feedback addressed to the user's own township or village (not what the user reads from the county's
        side)."""
        return self.filter(path_q(user, local_roles(), "village__path"))


class Feedback(models.Model):
    """The feedback (反馈) of a round to one village: its individual list and the common list, sent at the same time
    to the township party committee and the village party organisation (同步双向反馈)."""

    round = models.ForeignKey(
        "inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="feedbacks"
    )
    village = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="feedbacks"
    )
    individual_list = models.ForeignKey(
        ProblemList, verbose_name=_("individual list"), on_delete=models.PROTECT, related_name="feedbacks"
    )
    common_list = models.ForeignKey(
        ProblemList,
        verbose_name=_("common list"),
        on_delete=models.PROTECT,
        related_name="common_feedbacks",
        null=True,
        blank=True,
    )
    fed_back_on = models.DateField(_("fed back on"))
    plan_due = models.DateField(_("rectification plan due"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedbacks")
        ordering = ["round_id", "village_id"]
        constraints = [models.UniqueConstraint(fields=["round", "village"], name="feedback_once_per_village")]

    def __str__(self) -> str:
        return _("Feedback of %(round)s to %(village)s") % {"round": self.round, "village": self.village}


class Receipt(models.Model):
    """The signature (签收) of one recipient of a feedback: the township party committee or the village."""

    class Recipient(models.TextChoices):
        TOWNSHIP = "TOWNSHIP", _("Township party committee")
        VILLAGE = "VILLAGE", _("Village party organisation")

    feedback = models.ForeignKey(
        Feedback, verbose_name=_("feedback"), on_delete=models.CASCADE, related_name="receipts"
    )
    recipient = models.CharField(_("recipient"), max_length=10, choices=Recipient)
    unit = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="receipts"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["feedback_id", "recipient"]
        constraints = [models.UniqueConstraint(fields=["feedback", "recipient"], name="receipt_once_per_recipient")]

    def __str__(self) -> str:
        return f"{self.feedback} · {self.get_recipient_display()}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class Light(models.TextChoices):
    """The traffic light of an open item: time left before its deadline."""

    GREEN = "GREEN", _("On track")
    YELLOW = "YELLOW", _("Due soon")
    RED = "RED", _("Overdue")
    DONE = "DONE", _("Done")


class LedgerItemQuerySet(models.QuerySet["LedgerItem"]):
    def visible_to(self, user: AnyUser) -> LedgerItemQuerySet:
        """The office, leaders and the round's groups see every item; the township its villages' items and the
        village its own — which exist only once fed back; a county department only the items handed to it."""
        query = path_q(user, county_readers(), "round__term__county__path")
        query |= _inspected_by_groups_q(user, "round", "village")
        local = path_q(user, local_roles(), "village__path")
        if local != NOTHING:
            query |= local
        handed = handed_to_q(user)
        if handed != NOTHING:
            query |= handed
        # Every condition follows foreign keys or is an EXISTS, so filtering directly repeats no row; a
        # ``pk__in`` subquery would make the database read every item the user may see before any other filter.
        return self.filter(query)

    def open(self) -> LedgerItemQuerySet:
        return self.exclude(status__in=[LedgerItem.Status.CLOSED, LedgerItem.Status.ONGOING])


class LedgerItem(models.Model):
    """A row of the rectification ledger (整改台账): one problem for one responsible village."""

    class Status(models.TextChoices):
        OPEN = "OPEN", _("Open")
        IN_PROGRESS = "IN_PROGRESS", _("In progress")
        SUBMITTED = "SUBMITTED", _("Submitted for review")
        RETURNED = "RETURNED", _("Returned")
        REVIEWED = "REVIEWED", _("Reviewed by the township")
        ONGOING = "ONGOING", _("Ongoing (long-term)")
        CLOSED = "CLOSED", pgettext_lazy("ledger item", "Closed")

    round = models.ForeignKey(
        "inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="ledger_items"
    )
    feedback = models.ForeignKey(Feedback, verbose_name=_("feedback"), on_delete=models.PROTECT, related_name="items")
    village = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("responsible village"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("overseeing township"), on_delete=models.PROTECT, related_name="+"
    )
    problem = models.OneToOneField(
        "findings.Problem",
        verbose_name=_("problem"),
        on_delete=models.PROTECT,
        related_name="ledger_item",
        null=True,
        blank=True,
    )
    common_item = models.ForeignKey(
        CommonItem,
        verbose_name=_("common item"),
        on_delete=models.PROTECT,
        related_name="ledger_items",
        null=True,
        blank=True,
    )
    number = models.CharField(_("item number"), max_length=50)
    summary = models.TextField(_("problem"))
    category = models.CharField(_("category"), max_length=20, choices=Category)
    fix_type = models.CharField(_("rectification type"), max_length=12, choices=FixType)
    measures = models.TextField(_("measures"), blank=True)
    goal = models.TextField(_("goal"), blank=True)
    responsible_leader = models.CharField(_("responsible leader"), max_length=100, blank=True)
    # 第一责任人 (the village's) and 督促责任人 (the township's 包村领导): copied from the village's defaults
    # (``VillageResponsibility``) at feedback, changed on the item by the office or the township.
    first_responsible_name = models.CharField(_("first responsible person"), max_length=50, blank=True)
    first_responsible_post = models.CharField(_("post of the first responsible person"), max_length=100, blank=True)
    first_responsible_user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("account of the first responsible person"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    overseer_name = models.CharField(_("overseeing person"), max_length=50, blank=True)
    overseer_post = models.CharField(_("post of the overseeing person"), max_length=100, blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.OPEN)
    needs_return_visit = models.BooleanField(
        _("closes only after a verified return visit"),
        default=False,
        help_text=_("Always for key villages; the office may ask it of any item"),
    )
    verified_at = models.DateTimeField(_("verified on a return visit"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Who recorded the return visit that verified the item: never the one who closes it"),
    )
    failed_visits = models.PositiveSmallIntegerField(_("return visits that found it not fixed"), default=0)
    done_on = models.DateField(
        _("done on"), null=True, blank=True, help_text=_("When the village reported the work done (on time or late)")
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = LedgerItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger item")
        verbose_name_plural = _("ledger items")
        ordering = ["round_id", "village_id", "number"]
        indexes = [
            models.Index(fields=["village", "status"], name="item_village_status_idx"),
            models.Index(fields=["township", "status"], name="item_township_status_idx"),
            models.Index(fields=["round", "status"], name="item_round_status_idx"),
            models.Index(fields=["status", "deadline"], name="item_status_deadline_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(problem__isnull=False, common_item__isnull=True)
                | Q(problem__isnull=True, common_item__isnull=False),
                name="item_from_one_source",
            ),
            models.UniqueConstraint(fields=["common_item", "village"], name="item_once_per_common_village"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("rectification:item-detail", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES

    def light(self, today: date | None = None) -> Light:
        """Green, yellow when ``XUNCHA_YELLOW_WORKING_DAYS`` or fewer working days remain, red when overdue (see
        ``lights``)."""
        from xuncha.rectification.lights import light_of

        return light_of(self.status, self.deadline, self.done_on, today or timezone.localdate())

    @property
    def light_now(self) -> Light:
        return self.light()

    @property
    def first_responsible(self) -> str:
        """The 第一责任人 as documents name the person: ``李明（村党支部书记）``."""
        from xuncha.rectification.models_responsibility import person

        return person(self.first_responsible_name, self.first_responsible_post)

    @property
    def overseer(self) -> str:
        """The 督促责任人 (the township's 包村领导) as documents name the person."""
        from xuncha.rectification.models_responsibility import person

        return person(self.overseer_name, self.overseer_post)

    @property
    def summary_short(self) -> str:
        text = self.summary.strip().replace("\n", " ")
        return text if len(text) <= 60 else text[:60] + "…"


class Progress(models.Model):
    """A dated step in an item's life: a progress report, a submission, a review, a return, a closure."""

    class Kind(models.TextChoices):
        PLAN = "PLAN", _("Rectification plan")
        PROGRESS = "PROGRESS", _("Progress report")
        SUBMISSION = "SUBMISSION", _("Submitted as done")
        APPROVAL = "APPROVAL", _("Approved by the township")
        RETURN = "RETURN", _("Returned")
        CLOSURE = "CLOSURE", _("Closed by the office")
        ONGOING = "ONGOING", _("Made a long-term item")
        REOPEN = "REOPEN", _("Reopened")
        EXTENSION = "EXTENSION", _("Deadline extended")
        HANDOFF = "HANDOFF", _("Handed off to a department")
        PARTY_SIGNED = "PARTY_SIGNED", _("Signed for by a department")
        PARTY_DONE = "PARTY_DONE", _("A department's part done")

    item = models.ForeignKey(LedgerItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="progress")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    text = models.TextField(_("text"))
    on = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    evidence = models.ManyToManyField("evidence.Evidence", verbose_name=_("evidence"), related_name="+", blank=True)
    # A step of a department the item was handed to (its receipt, its reports, its part done); none for the village's
    # and the office's steps.
    party = models.ForeignKey(
        "rectification.ResponsibleParty",
        verbose_name=_("responsible party"),
        on_delete=models.CASCADE,
        related_name="progress",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["item_id", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_kind_display()} · {self.on}"


# An item is done once closed, or kept as a long-term item (ONGOING); the rest is still being worked on.
DONE_STATUSES = [LedgerItem.Status.CLOSED, LedgerItem.Status.ONGOING]


class ReturnVisitQuerySet(models.QuerySet["ReturnVisit"]):
    def visible_to(self, user: AnyUser) -> ReturnVisitQuerySet:
        query = _office_or_group_q(user, "village__path", "planned_by_group_id")
        query |= path_q(user, local_roles(), "village__path")
        return self.filter(query)


class ReturnVisit(models.Model):
    """A return visit (回访) to a village to verify its rectification on site and hear the residents."""

    class Status(models.TextChoices):
        PLANNED = "PLANNED", _("Planned")
        DONE = "DONE", _("Done")

    village = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="return_visits"
    )
    planned_on = models.DateField(_("planned for"))
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    visitors = models.CharField(_("visitors"), max_length=300, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), on_delete=models.PROTECT, related_name="+"
    )
    planned_by_group = models.ForeignKey(
        "inspections.InspectionGroup",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    people_asked = models.PositiveIntegerField(_("residents asked"), null=True, blank=True)
    people_satisfied = models.PositiveIntegerField(_("residents satisfied"), null=True, blank=True)
    note = models.TextField(_("summary"), blank=True)
    items = models.ManyToManyField(LedgerItem, through="VisitCheck", related_name="visits", verbose_name=_("items"))

    objects = ReturnVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        ordering = ["-planned_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_satisfied__isnull=True)
                | Q(people_asked__isnull=False, people_satisfied__lte=models.F("people_asked")),
                name="visit_satisfied_not_above_asked",
            )
        ]

    def __str__(self) -> str:
        return _("Return visit to %(village)s on %(date)s") % {
            "village": self.village,
            "date": self.visited_on or self.planned_on,
        }

    def get_absolute_url(self) -> str:
        return reverse("rectification:visit-detail", args=[self.pk])

    @property
    def satisfaction(self) -> int | None:
        if not self.people_asked or self.people_satisfied is None:
            return None
        return (200 * self.people_satisfied + self.people_asked) // (2 * self.people_asked)


class VisitCheck(models.Model):
    """One item checked on a return visit, with its verdict."""

    class Verdict(models.TextChoices):
        VERIFIED = "VERIFIED", _("Verified")
        REOPEN = "REOPEN", _("Not fixed: reopen")

    visit = models.ForeignKey(ReturnVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="checks")
    item = models.ForeignKey(LedgerItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="checks")
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict, blank=True)
    note = models.TextField(_("what was seen"), blank=True)
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)
    evidence = models.ManyToManyField("evidence.Evidence", verbose_name=_("photos"), related_name="+", blank=True)

    class Meta:
        verbose_name = _("checked item")
        verbose_name_plural = _("checked items")
        ordering = ["visit_id", "item_id"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="check_once_per_visit")]

    def __str__(self) -> str:
        return f"{self.visit} · {self.item}"


from xuncha.rectification.models_extension import ExtensionRequest  # noqa: E402
from xuncha.rectification.models_handoff import ResponsibleParty, handed_to_q  # noqa: E402
from xuncha.rectification.models_responsibility import VillageResponsibility  # noqa: E402

__all__ = [
    "DONE_STATUSES",
    "CommonItem",
    "ExtensionRequest",
    "Feedback",
    "LedgerItem",
    "Light",
    "ListEntry",
    "ProblemList",
    "Progress",
    "Receipt",
    "ResponsibleParty",
    "ReturnVisit",
    "VillageResponsibility",
    "VisitCheck",
]
