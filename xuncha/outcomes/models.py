"""Outcomes of the inspection (成果运用): money involved, recovered and returned to the collective, people dealt with
by kind, and rules made (建章立制), recorded on a ledger item by the office and on a transferred clue by its
receiving body. A clue's outcome is linked back to the problem it came from through ``Clue.problem``."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.scoping import county_readers, local_roles, path_q
from xuncha.core.fields import EncryptedTextField
from xuncha.findings.models import Category

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from xuncha.accounts.scoping import AnyUser


class PeopleKind(models.TextChoices):
    """How people were dealt with (问责处理), each counted in a column of ``Outcome``."""

    ADMONISHED = "ADMONISHED", _("Admonishment talk")
    CRITICISED = "CRITICISED", _("Circulated criticism")
    PARTY_DISCIPLINE = "PARTY_DISCIPLINE", _("Party disciplinary sanction")
    GOVERNMENT_SANCTION = "GOVERNMENT_SANCTION", _("Government sanction")
    ORGANISATIONAL = "ORGANISATIONAL", _("Organisational handling")
    JUDICIAL = "JUDICIAL", _("Transferred to judicial organs")


# The column that counts each kind of people dealt with.
PEOPLE_FIELDS: dict[str, str] = {kind: f"people_{kind.lower()}" for kind in PeopleKind.values}
AMOUNT_FIELDS = ("amount_involved", "amount_recovered", "amount_returned")
ZERO = Decimal("0.00")


def _amount(name: StrOrPromise) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(name, max_digits=14, decimal_places=2, default=ZERO)


def _people(kind: PeopleKind) -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(kind.label, default=0)


class OutcomeQuerySet(models.QuerySet["Outcome"]):
    def visible_to(self, user: AnyUser) -> OutcomeQuerySet:
        """An item's outcome: whoever reads the item through the county, a group or the item's township and
        village (not a county department handed part of it). A clue's outcome: only the clue's readers (the office
        director, the registering group's leader, the receiving body); nobody else learns that it exists."""
        from xuncha.findings.models import Clue
        from xuncha.rectification.models import _inspected_by_groups_q

        query = path_q(user, county_readers(), "item__round__term__county__path")
        query |= path_q(user, local_roles(), "item__village__path")
        query |= _inspected_by_groups_q(user, "item__round", "item__village") & Q(item__isnull=False)
        clues = Clue.objects.visible_to(user).filter(pk=OuterRef("clue_id"))
        return self.filter((query & Q(item__isnull=False)) | Q(Exists(clues)))


class Outcome(models.Model):
    """What came of an item or of a clue, in the figures the quarterly reports ask for."""

    class Status(models.TextChoices):
        REPORTED = "REPORTED", _("Reported by the village, to be confirmed")
        CONFIRMED = "CONFIRMED", _("Confirmed")

    item = models.OneToOneField(
        "rectification.LedgerItem",
        verbose_name=_("ledger item"),
        on_delete=models.PROTECT,
        related_name="outcome",
        null=True,
        blank=True,
    )
    clue = models.OneToOneField(
        "findings.Clue",
        verbose_name=_("problem clue"),
        on_delete=models.PROTECT,
        related_name="outcome",
        null=True,
        blank=True,
    )
    # Copied from the item or the clue when recorded, so that the figures group by area, round and category alone.
    round = models.ForeignKey("inspections.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    category = models.CharField(_("category"), max_length=20, choices=Category, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.CONFIRMED)
    amount_involved = _amount(_("amount involved (yuan)"))
    amount_recovered = _amount(_("amount recovered (yuan)"))
    amount_returned = _amount(_("money or assets returned to the collective (yuan)"))
    returned_description = models.TextField(_("what was returned to the collective"), blank=True)
    people_admonished = _people(PeopleKind.ADMONISHED)
    people_criticised = _people(PeopleKind.CRITICISED)
    people_party_discipline = _people(PeopleKind.PARTY_DISCIPLINE)
    people_government_sanction = _people(PeopleKind.GOVERNMENT_SANCTION)
    people_organisational = _people(PeopleKind.ORGANISATIONAL)
    people_judicial = _people(PeopleKind.JUDICIAL)
    # Names and posts of the people dealt with: read only by the office and the discipline commission.
    people_note = EncryptedTextField(_("people dealt with (names and posts)"), blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["round_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, clue__isnull=True) | Q(item__isnull=True, clue__isnull=False),
                name="outcome_of_item_or_clue",
            ),
        ]

    def __str__(self) -> str:
        of = self.item if self.item_id is not None else self.clue
        return str(_("Outcome of %(of)s") % {"of": of})

    @property
    def people(self) -> dict[str, int]:
        """People dealt with, by kind."""
        return {kind: getattr(self, field) for kind, field in PEOPLE_FIELDS.items()}

    @property
    def people_total(self) -> int:
        return sum(self.people.values())

    @property
    def people_rows(self) -> list[tuple[str, int]]:
        """(label, count) of each kind with anyone dealt with, for pages."""
        return [(str(PeopleKind(kind).label), n) for kind, n in self.people.items() if n]


class RuleQuerySet(models.QuerySet["Rule"]):
    def visible_to(self, user: AnyUser) -> RuleQuerySet:
        return self.filter(outcome__in=Outcome.objects.visible_to(user))


class Rule(models.Model):
    """A rule or system made as an outcome (建章立制): its title, the day it was adopted, and its file."""

    outcome = models.ForeignKey(Outcome, verbose_name=_("outcome"), on_delete=models.CASCADE, related_name="rules")
    title = models.CharField(_("title"), max_length=200)
    adopted_on = models.DateField(_("adopted on"))
    file = models.ForeignKey(
        "evidence.Evidence", verbose_name=_("file"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule made")
        verbose_name_plural = _("rules made")
        ordering = ["adopted_on", "pk"]

    def __str__(self) -> str:
        return self.title
