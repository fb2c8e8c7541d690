"""Terms, rounds, inspection groups, their members and recusals, and the assignments of groups to villages."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.scoping import NOTHING, county_readers, path_q, planners, stationed_readers

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser

CHINESE_NUMERALS = "零一二三四五六七八九十"


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 23 → 二十三 (enough for terms, rounds and groups)."""
    if number < 0 or number >= 100:
        return str(number)
    if number <= 10:
        return CHINESE_NUMERALS[number]
    tens, ones = divmod(number, 10)
    prefix = "" if tens == 1 else CHINESE_NUMERALS[tens]
    return prefix + "十" + (CHINESE_NUMERALS[ones] if ones else "")


class TermQuerySet(models.QuerySet["Term"]):
    def visible_to(self, user: AnyUser) -> TermQuerySet:
        query = path_q(user, county_readers(), "county__path")
        query |= Q(pk__in=Round.objects.visible_to(user).values("term_id"))
        return self.filter(query)


class Term(models.Model):
    """A county party committee's term (届); coverage of the villages is counted per term."""

    county = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("county"), on_delete=models.PROTECT, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=50, help_text=_("e.g. 十五届县委"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["county_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["county", "number"], name="term_unique_number")]

    def __str__(self) -> str:
        return self.name


class RoundQuerySet(models.QuerySet["Round"]):
    def visible_to(self, user: AnyUser) -> RoundQuerySet:
        """Office and leaders see every round of their counties; group members their own rounds; townships,
        villages and the receiving bodies the rounds stationed in their subtree (never plans)."""
        query = path_q(user, county_readers(), "term__county__path")
        from xuncha.inspections.scoping import group_ids_of

        groups = group_ids_of(user)
        if groups:
            query |= Q(groups__id__in=groups)
        stationed_in = path_q(user, stationed_readers(), "village__path")
        if stationed_in != NOTHING:
            touched = AssignmentVillage.objects.filter(stationed_in).values("assignment__round_id")
            query |= Q(pk__in=touched) & ~Q(status=Round.Status.PLANNED)
        return self.filter(pk__in=Round.objects.filter(query).values("pk"))


class Round(models.Model):
    """One round (轮) of inspection within a term; its status moves along ``actions.ROUND_TRANSITIONS``."""

    class Kind(models.TextChoices):
        ROUTINE = "ROUTINE", _("Routine inspection")
        SPECIAL = "SPECIAL", _("Special inspection")
        REVISIT = "REVISIT", _("Look-back inspection")

    class Status(models.TextChoices):
        PLANNED = "PLANNED", _("Planned")
        STATIONED = "STATIONED", _("Groups stationed")
        REPORTING = "REPORTING", _("Reporting")
        FEEDBACK = "FEEDBACK", _("Feedback")
        RECTIFYING = "RECTIFYING", _("Rectifying")
        CLOSED = "CLOSED", _("Closed")

    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.ROUTINE)
    title = models.CharField(_("title"), max_length=200, blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PLANNED)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set once the office files the closed round (立卷归档, the archive app): from then on it is read-only
    # (``inspections.archived``). The status stays CLOSED, so that every count of closed rounds holds.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["term_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="round_unique_number"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="round_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.term.name}第{chinese_number(self.number)}轮巡察"

    def get_absolute_url(self) -> str:
        return reverse("inspections:round-detail", args=[self.pk])

    @property
    def county_id(self) -> int:
        return self.term.county_id


class InspectionGroupQuerySet(models.QuerySet["InspectionGroup"]):
    def visible_to(self, user: AnyUser) -> InspectionGroupQuerySet:
        query = path_q(user, county_readers(), "round__term__county__path")
        from xuncha.inspections.scoping import group_ids_of

        groups = group_ids_of(user)
        if groups:
            query |= Q(pk__in=groups)
        stationed_in = path_q(user, stationed_readers(), "village__path")
        if stationed_in != NOTHING:
            touched = AssignmentVillage.objects.filter(stationed_in).values("assignment__group_id")
            query |= Q(pk__in=touched) & ~Q(round__status=Round.Status.PLANNED)
        return self.filter(query)


class InspectionGroup(models.Model):
    """An inspection group (巡察组) of a round, e.g. 第三巡察组."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="groups")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=50)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="inspection_groups", verbose_name=_("members")
    )

    objects = InspectionGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection group")
        verbose_name_plural = _("inspection groups")
        ordering = ["round_id", "number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="group_unique_number")]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def default_name(number: int) -> str:
        return f"第{chinese_number(number)}巡察组"


class Membership(models.Model):
    """A person's place in an inspection group."""

    class GroupRole(models.TextChoices):
        LEADER = "LEADER", _("Group leader")
        DEPUTY = "DEPUTY", _("Deputy leader")
        MEMBER = "MEMBER", _("Member")

    group = models.ForeignKey(
        InspectionGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role in the group"), max_length=10, choices=GroupRole, default=GroupRole.MEMBER)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["group_id", "role", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_unique_user"),
            models.UniqueConstraint(fields=["group"], condition=Q(role="LEADER"), name="membership_one_leader"),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.user} · {self.get_role_display()}"


class RecusalQuerySet(models.QuerySet["Recusal"]):
    def visible_to(self, user: AnyUser) -> RecusalQuerySet:
        """A declared tie is personal: the office sees those of its counties, everyone sees their own."""
        query = path_q(user, planners(), "unit__path")
        if user.is_authenticated:
            query |= Q(user=user)
        return self.filter(query)


class Recusal(models.Model):
    """A declared tie (回避) between a person and a township or village that they must not inspect."""

    class Tie(models.TextChoices):
        HOME = "HOME", _("Home town or residence")
        RELATIVE = "RELATIVE", _("Close relative serving there")
        FORMER_POST = "FORMER_POST", _("Former post there")
        OTHER = "OTHER", _("Other interest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="recusals"
    )
    unit = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="recusals"
    )
    tie = models.CharField(_("tie"), max_length=12, choices=Tie)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    objects = RecusalQuerySet.as_manager()

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        ordering = ["user_id", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["user", "unit", "tie"], name="recusal_unique_tie")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_tie_display()}"


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def visible_to(self, user: AnyUser) -> AssignmentQuerySet:
        query = path_q(user, county_readers(), "round__term__county__path")
        from xuncha.inspections.scoping import group_ids_of

        groups = group_ids_of(user)
        if groups:
            query |= Q(group_id__in=groups)
        stationed_in = path_q(user, stationed_readers(), "village__path")
        if stationed_in != NOTHING:
            touched = AssignmentVillage.objects.filter(stationed_in).values("assignment_id")
            query |= Q(pk__in=touched) & ~Q(round__status=Round.Status.PLANNED)
        return self.filter(query)


class Assignment(models.Model):
    """A group's task in a round: a target unit, the villages it covers, the mode and the stationing dates."""

    class Mode(models.TextChoices):
        DIRECT = "DIRECT", _("Direct inspection of a village")
        TOWNSHIP_WITH_VILLAGES = "TOWNSHIP_WITH_VILLAGES", _("Township with its villages")
        SPECIAL = "SPECIAL", _("Special inspection on one topic")

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="assignments")
    group = models.ForeignKey(
        InspectionGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="assignments"
    )
    mode = models.CharField(_("mode"), max_length=24, choices=Mode)
    target = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("target"),
        on_delete=models.PROTECT,
        related_name="assignments_as_target",
        help_text=_("The village, the township, or (for a special inspection) the county"),
    )
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    villages = models.ManyToManyField(
        "organisations.AdminUnit", through="AssignmentVillage", related_name="assignments", verbose_name=_("villages")
    )
    stationed_from = models.DateField(_("stationed from"))
    stationed_until = models.DateField(_("stationed until"))
    # The key of the public notice and petition pages: unguessable, unlike the id.
    public_key = models.UUIDField(_("public key"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["round_id", "group_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stationed_until__gte=models.F("stationed_from")), name="assignment_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        if self.mode == self.Mode.SPECIAL and self.topic:
            return f"{self.group} · {self.topic}"
        return f"{self.group} · {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:assignment-detail", args=[self.pk])


class AssignmentVillage(models.Model):
    """A village covered by an assignment; one village is inspected by at most one group per round."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="covered"
    )
    village = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("village of an assignment")
        verbose_name_plural = _("villages of assignments")
        constraints = [models.UniqueConstraint(fields=["round", "village"], name="assignment_village_once_per_round")]
        indexes = [models.Index(fields=["village", "round"], name="assignment_village_idx")]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.village}"


class ContactChannelQuerySet(models.QuerySet["ContactChannel"]):
    def visible_to(self, user: AnyUser) -> ContactChannelQuerySet:
        return self.filter(assignment__in=Assignment.objects.visible_to(user))

    def open_on(self, day: date) -> ContactChannelQuerySet:
        return self.filter(valid_from__lte=day, valid_until__gte=day)


class ContactChannel(models.Model):
    """A way for residents to reach a stationed group (phone, mailbox, e-mail, QR link), published on the
    assignment's public notice for the stationing period."""

    class Kind(models.TextChoices):
        PHONE = "PHONE", _("Phone")
        MAILBOX = "MAILBOX", _("Mailbox")
        EMAIL = "EMAIL", _("E-mail")
        QR = "QR", _("Online form (QR code)")
        ADDRESS = "ADDRESS", _("Office address")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="channels"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    value = models.CharField(_("number or address"), max_length=200)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("e.g. 工作日8:00—18:00"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))

    objects = ContactChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels")
        ordering = ["assignment_id", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="channel_dates_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.value}"
