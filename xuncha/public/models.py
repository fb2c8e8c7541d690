"""What the residents' pages keep of their own: the recent uses of the rate-limited forms, the rectification results
the office chose to publish (双公开), and the satisfaction surveys (满意度测评) with residents' answers."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuncha.accounts.scoping import path_q, planners
from xuncha.rectification.models import DONE_STATUSES, LedgerItem
from xuncha.rectification.permissions import reads_round_lists

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser

COMMENT_MAX_LENGTH = 300
# What residents see of the disclosures: not withdrawn, and the item still done (a reopened item drops out until it
# is done again, so that the page never shows as fixed what a return visit found unfixed).
SHOWN_Q = Q(withdrawn_at__isnull=True, item__status__in=DONE_STATUSES)


class SubmissionQuota(models.Model):
    """One use of a rate-limited public form by one client, kept for an hour to count that client's recent uses."""

    class Scope(models.TextChoices):
        PETITION = "PETITION", _("Petition sent")
        LOOKUP = "LOOKUP", _("Receipt code looked up")
        SURVEY = "SURVEY", _("Survey answered")
        CONFIRM = "CONFIRM", _("Fix confirmed or disputed")

    scope = models.CharField(_("form"), max_length=10, choices=Scope)
    # Never the address itself: a keyed SHA-256 that cannot be turned back into it without the server's key.
    key = models.CharField(_("client key"), max_length=64)
    created_at = models.DateTimeField(_("used at"), default=timezone.now)

    class Meta:
        verbose_name = _("use of a public form")
        verbose_name_plural = _("uses of public forms")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["key", "scope", "created_at"], name="quota_key_scope_idx"),
            models.Index(fields=["created_at"], name="quota_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} · {self.key[:8]} · {self.created_at:%Y-%m-%d %H:%M}"


class DisclosureQuerySet(models.QuerySet["Disclosure"]):
    def visible_to(self, user: AnyUser) -> DisclosureQuerySet:
        """The office sees the disclosures of the villages of its counties, withdrawn ones included."""
        return self.filter(path_q(user, planners(), "item__village__path"))

    def public(self) -> DisclosureQuerySet:
        """What residents see (``SHOWN_Q``)."""
        return self.filter(SHOWN_Q)


class Disclosure(models.Model):
    """A rectified ledger item the office published to the village's residents (整改结果公开), in its own words."""

    item = models.OneToOneField(
        "rectification.LedgerItem", verbose_name=_("ledger item"), on_delete=models.PROTECT, related_name="disclosure"
    )
    summary = models.TextField(_("the problem, for residents"))
    result = models.TextField(_("what was done"))
    # Null when the system published it (the demo, a command).
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("disclosure", "published by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    published_at = models.DateTimeField(pgettext_lazy("disclosure", "published at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("published rectification result")
        verbose_name_plural = _("published rectification results")
        ordering = ["item_id"]

    def __str__(self) -> str:
        return str(self.item)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_shown(self) -> bool:
        """Whether residents read it now: ``SHOWN_Q`` for one disclosure already in hand."""
        return not self.is_withdrawn and self.item.is_done


class SurveyQuerySet(models.QuerySet["Survey"]):
    def visible_to(self, user: AnyUser) -> SurveyQuerySet:
        return self.filter(path_q(user, planners(), "village__path"))


class Survey(models.Model):
    """A satisfaction survey (满意度测评) of a village's residents on its rectification, answered on their phones
    through an unguessable public address; at most one per village is not closed at a time."""

    village = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="surveys"
    )
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    public_key = models.UUIDField(_("public key"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-opens_on", "-pk"]
        indexes = [models.Index(fields=["village", "opens_on"], name="survey_village_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["village"], condition=Q(closed_at__isnull=True), name="survey_one_open_per_village"
            ),
            models.CheckConstraint(condition=Q(opens_on__lte=models.F("closes_on")), name="survey_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def takes_answers(self, today: date | None = None) -> bool:
        """Not closed, and today within its dates."""
        today = today or timezone.localdate()
        return not self.is_closed and self.opens_on <= today <= self.closes_on

    def has_ended(self, today: date | None = None) -> bool:
        return self.is_closed or (today or timezone.localdate()) > self.closes_on

    def has_begun(self, today: date | None = None) -> bool:
        return (today or timezone.localdate()) >= self.opens_on


class SurveyAnswerQuerySet(models.QuerySet["SurveyAnswer"]):
    def visible_to(self, user: AnyUser) -> SurveyAnswerQuerySet:
        return self.filter(path_q(user, planners(), "survey__village__path"))


class SurveyAnswer(models.Model):
    """One resident's answer to a survey, anonymous: the device is known only by a keyed hash, once per survey."""

    class Rating(models.TextChoices):
        SATISFIED = "SATISFIED", _("Satisfied")
        FAIRLY_SATISFIED = "FAIRLY_SATISFIED", _("Fairly satisfied")
        DISSATISFIED = "DISSATISFIED", _("Dissatisfied")

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="answers")
    rating = models.CharField(_("rating"), max_length=16, choices=Rating)
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    # A keyed SHA-256 of the random token in the device's signed cookie and of the survey (see ``public.devices``):
    # it tells a second answer from the same phone, and cannot be linked to the phone's answers to other surveys.
    device_key = models.CharField(_("device key"), max_length=64)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    objects = SurveyAnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["survey_id", "pk"]
        indexes = [models.Index(fields=["survey", "rating"], name="answer_survey_rating_idx")]
        constraints = [
            models.UniqueConstraint(fields=["survey", "device_key"], name="answer_once_per_device"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.get_rating_display()}"


class ResidentConfirmationQuerySet(models.QuerySet["ResidentConfirmation"]):
    def visible_to(self, user: AnyUser) -> ResidentConfirmationQuerySet:
        """Whoever reads the item reads its residents' answers (the office, the groups, the township, the village);
        the pages never show a device key, and the channel only to those who read petitions."""
        return self.filter(item__in=LedgerItem.objects.visible_to(user))

    def words_visible_to(self, user: AnyUser) -> ResidentConfirmationQuerySet:
        """The answers whose words and photo ``user`` reads: those ``visible_to`` them, but the petitioner's (by the
        receipt code) only from the county's side (the office, county leaders, groups), never the township or the
        village, who could tell the petitioner from what they wrote or photographed."""
        shown = self.visible_to(user)
        if reads_round_lists(user):
            return shown
        return shown.exclude(channel=ResidentConfirmation.Channel.RECEIPT)


class ResidentConfirmation(models.Model):
    """A resident's word on whether an item being rectified is fixed (群众认可: 已解决 / 未解决), given without an
    account: the petitioner through the receipt code, or any resident through the village's disclosure QR page.
    One per phone per item: the phone is known only by a keyed hash of its cookie's token and of the item."""

    class Answer(models.TextChoices):
        RESOLVED = "RESOLVED", pgettext_lazy("resident confirmation", "Resolved")
        UNRESOLVED = "UNRESOLVED", pgettext_lazy("resident confirmation", "Not resolved")

    class Channel(models.TextChoices):
        RECEIPT = "RECEIPT", _("The petitioner, by the receipt code")
        DISCLOSURE = "DISCLOSURE", _("A resident, by the village's QR page")

    item = models.ForeignKey(
        "rectification.LedgerItem",
        verbose_name=_("ledger item"),
        on_delete=models.PROTECT,
        related_name="resident_confirmations",
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    photo = models.ForeignKey(
        "evidence.Evidence",
        verbose_name=_("photo"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # A keyed SHA-256 of the phone's cookie token and the item (``public.devices.item_device_key``).
    device_key = models.CharField(_("device key"), max_length=64)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    objects = ResidentConfirmationQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident's confirmation")
        verbose_name_plural = _("residents' confirmations")
        ordering = ["item_id", "created_at", "pk"]
        indexes = [models.Index(fields=["item", "answer"], name="confirm_item_answer_idx")]
        constraints = [
            models.UniqueConstraint(fields=["item", "device_key"], name="confirm_once_per_device"),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_answer_display()}"
