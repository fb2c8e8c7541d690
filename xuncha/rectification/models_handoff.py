"""Hand-offs (移交 / 交办): the office hands a ledger item to the organisation department or a county department
(县直部门), which becomes a responsible party (责任单位) of the item beside the village. Each party signs a receipt,
reports its own progress and marks its own part done; the item closes only when every party has done its part."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import Role
from xuncha.accounts.scoping import NOTHING, path_q

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.rectification.models import LedgerItem


def handed_to_q(user: AnyUser, item_field: str = "pk") -> Q:
    """Items handed off to a department the user acts for (a ``DEPARTMENT`` grant over it): an EXISTS, so that a
    filter on it repeats no row; nothing for everyone else."""
    units = path_q(user, [Role.DEPARTMENT], "unit__path")
    if units == NOTHING:
        return NOTHING
    return Q(Exists(ResponsibleParty.objects.filter(units, item=OuterRef(item_field))))


class ResponsiblePartyQuerySet(models.QuerySet["ResponsibleParty"]):
    def visible_to(self, user: AnyUser) -> ResponsiblePartyQuerySet:
        """The parties of the items the user sees (``LedgerItem.visible_to``, which includes the items handed to the
        user's department)."""
        from xuncha.rectification.models import LedgerItem

        return self.filter(item__in=LedgerItem.objects.visible_to(user).values("pk"))

    def of_departments(self, user: AnyUser) -> ResponsiblePartyQuerySet:
        """The parties the user acts for: those of the departments of the user's ``DEPARTMENT`` grants."""
        return self.filter(path_q(user, [Role.DEPARTMENT], "unit__path"))

    def pending(self) -> ResponsiblePartyQuerySet:
        return self.exclude(status=ResponsibleParty.Status.DONE)


class ResponsibleParty(models.Model):
    """A department handed a ledger item (移交, 交办): lead or co-responsible, with its receipt, its progress and its
    own 'done'."""

    class Part(models.TextChoices):
        LEAD = "LEAD", _("Lead responsible unit")
        CO = "CO", _("Co-responsible unit")

    class Status(models.TextChoices):
        HANDED = "HANDED", _("Handed off, not signed for")
        SIGNED = "SIGNED", _("Signed for, in progress")
        DONE = "DONE", _("Its part done")

    item = models.ForeignKey(
        "rectification.LedgerItem", verbose_name=_("item"), on_delete=models.CASCADE, related_name="parties"
    )
    unit = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="handed_items",
    )
    part = models.CharField(_("part"), max_length=4, choices=Part, default=Part.CO)
    request = models.TextField(_("what is asked of it"))
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.HANDED)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handed off by"), on_delete=models.PROTECT, related_name="+", null=True
    )
    handed_on = models.DateField(_("handed off on"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked done by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = ResponsiblePartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsible party")
        verbose_name_plural = _("responsible parties")
        ordering = ["item_id", "-part", "unit_id"]  # the lead first (LEAD sorts after CO)
        constraints = [
            models.UniqueConstraint(fields=["item", "unit"], name="party_once_per_item_unit"),
            models.UniqueConstraint(fields=["item"], condition=Q(part="LEAD"), name="party_one_lead_per_item"),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="party_unit_status_idx")]

    def __str__(self) -> str:
        return f"{self.item} · {self.unit}"

    def get_absolute_url(self) -> str:
        return self.item.get_absolute_url()

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE


def why_parties_pending(item: LedgerItem) -> str | None:
    """Why the item cannot close yet because of its departments, naming those that have not done their part; None
    when every one has (one query)."""
    pending = item.parties.pending().select_related("unit").order_by("unit__code")
    names = [str(party.unit) for party in pending]
    if not names:
        return None
    return gettext("Every responsible unit must have done its part first; not yet: %(units)s.") % {
        "units": "、".join(names)
    }
