"""The democratic appraisal (民主测评 / 问卷调查) of a village's two committees (两委) and cadres, run by an inspection
group on site: a questionnaire of standard items and one item per cadre, answered anonymously on phones through a QR
code or entered from paper forms, and tallied.

Confidential to the group that runs it and to the inspection office (staff and director): no township, village,
leader or administrator reads an appraisal, its forms or its tallies. A form keeps no name, address, IP or time of
day: only the respondent's kind, the channel, the day, its ratings and, for a phone, a keyed hash of the phone's
token (``public.devices``) that tells a second answer from the same phone.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuncha.accounts.scoping import path_q, planners
from xuncha.inspections.scoping import group_ids_of

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from xuncha.accounts.scoping import AnyUser

# The standard items of a village's appraisal, in the order of the questionnaire (key, label).
STANDARD_ITEMS: list[tuple[str, Promise]] = [
    ("SECRETARY", _("How the village Party secretary performs his or her duties")),
    ("UNITY", _("Unity of the two committees")),
    ("AFFAIRS_OPEN", _("Openness of village affairs")),
    ("POLICIES", _("Carrying out policies that benefit the people")),
    ("STYLE", _("Work style of the cadres")),
    ("OVERALL", _("Overall opinion of the two committees")),
]

STANDARD_LABELS: dict[str, Promise] = dict(STANDARD_ITEMS)

EVENT_LABELS: dict[str, str | Promise] = {
    "appraisal.opened": _("Democratic appraisal opened"),
    "appraisal.closed": _("Democratic appraisal closed"),
    "appraisal.paper_entered": _("Paper appraisal forms entered"),
}


# Keys of the events' figures that are no field of an appraisal.
EVENT_KEY_LABELS: dict[str, str | Promise] = {
    "forms": _("forms"),
    "forms_phone": _("forms on phones"),
    "forms_paper": _("paper forms"),
    "count": _("number of forms"),
    "respondent_kind": _("respondents"),
}


class Rating(models.TextChoices):
    """The four grades of every item (好 / 较好 / 一般 / 差)."""

    GOOD = "GOOD", _("Good")
    FAIRLY_GOOD = "FAIRLY_GOOD", _("Fairly good")
    AVERAGE = "AVERAGE", _("Average")
    POOR = "POOR", _("Poor")


# Grades counted as satisfied in the satisfaction rate (好 and 较好).
SATISFIED = (Rating.GOOD, Rating.FAIRLY_GOOD)


class AppraisalQuerySet(models.QuerySet["Appraisal"]):
    def visible_to(self, user: AnyUser) -> AppraisalQuerySet:
        """The group that runs it and the office of its county (staff and director); nobody else learns of it."""
        query = path_q(user, planners(), "assignment__round__term__county__path")
        groups = group_ids_of(user)
        if groups:
            query |= Q(assignment__group_id__in=groups)
        return self.filter(query)


class Appraisal(models.Model):
    """A democratic appraisal (民主测评) of one village of an assignment, open to answers until the group closes it."""

    class Status(models.TextChoices):
        OPEN = "OPEN", _("Open")
        CLOSED = "CLOSED", _("Closed")

    assignment = models.ForeignKey(
        "inspections.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="appraisals"
    )
    village = models.ForeignKey(
        "organisations.AdminUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.OPEN)
    # The key of the public form's address: unguessable, unlike the id.
    public_key = models.UUIDField(_("public key"), default=uuid.uuid4, unique=True, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = AppraisalQuerySet.as_manager()

    class Meta:
        verbose_name = _("democratic appraisal")
        verbose_name_plural = _("democratic appraisals")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "village"], condition=Q(status="OPEN"), name="appraisal_one_open_per_village"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("appraisal:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class AppraisalItem(models.Model):
    """One question of an appraisal: a standard item, or the rating of one cadre (name and post)."""

    class Kind(models.TextChoices):
        STANDARD = "STANDARD", _("Standard item")
        CADRE = "CADRE", _("Cadre")

    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    # A standard item's key (``STANDARD_ITEMS``); empty for a cadre.
    key = models.CharField(_("key"), max_length=20, blank=True)
    # The cadre's name and post; empty for a standard item, whose label comes from its key in the reader's language.
    name = models.CharField(_("name"), max_length=60, blank=True)
    post = models.CharField(_("post"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("appraisal item")
        verbose_name_plural = _("appraisal items")
        ordering = ["appraisal_id", "position"]
        constraints = [models.UniqueConstraint(fields=["appraisal", "position"], name="appraisal_item_position")]

    def __str__(self) -> str:
        if self.kind == self.Kind.STANDARD:
            return str(STANDARD_LABELS.get(self.key, self.key))
        return f"{self.name}（{self.post}）" if self.post else self.name


class AppraisalFormQuerySet(models.QuerySet["AppraisalForm"]):
    def visible_to(self, user: AnyUser) -> AppraisalFormQuerySet:
        return self.filter(appraisal__in=Appraisal.objects.visible_to(user))


class AppraisalForm(models.Model):
    """One filled questionnaire, anonymous: who answered is known only by kind (党员, 村民代表 …)."""

    class RespondentKind(models.TextChoices):
        PARTY_MEMBER = "PARTY_MEMBER", _("Party member")
        REPRESENTATIVE = "REPRESENTATIVE", _("Villagers' representative")
        CADRE = "CADRE", _("Village cadre")
        RESIDENT = "RESIDENT", _("Resident")

    class Channel(models.TextChoices):
        PHONE = "PHONE", pgettext_lazy("appraisal channel", "Phone")
        PAPER = "PAPER", pgettext_lazy("appraisal channel", "Paper form")

    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.PROTECT, related_name="forms"
    )
    respondent_kind = models.CharField(_("respondent"), max_length=16, choices=RespondentKind)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel)
    # The day only: an hour could be matched against who was seen in the room or a server's access log.
    submitted_on = models.DateField(_("submitted on"), default=timezone.localdate)
    # Phones: a keyed SHA-256 of the phone's token and the appraisal (``public.devices``); empty for paper.
    device_key = models.CharField(_("device key"), max_length=64, blank=True)
    # Paper: who entered the batch (a group member), never who filled it in.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = AppraisalFormQuerySet.as_manager()

    class Meta:
        verbose_name = _("appraisal form")
        verbose_name_plural = _("appraisal forms")
        ordering = ["appraisal_id", "pk"]
        indexes = [models.Index(fields=["appraisal", "respondent_kind", "channel"], name="appraisal_form_kind_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "device_key"], condition=~Q(device_key=""), name="appraisal_form_once_per_device"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal} · {self.get_channel_display()} · #{self.pk}"


class AppraisalAnswer(models.Model):
    """The grade a form gives one item."""

    form = models.ForeignKey(AppraisalForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(AppraisalItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="answers")
    rating = models.CharField(_("rating"), max_length=12, choices=Rating)

    class Meta:
        verbose_name = _("appraisal answer")
        verbose_name_plural = _("appraisal answers")
        ordering = ["form_id", "item_id"]
        indexes = [models.Index(fields=["item", "rating"], name="appraisal_answer_item_idx")]
        constraints = [models.UniqueConstraint(fields=["form", "item"], name="appraisal_answer_once_per_item")]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_rating_display()}"
