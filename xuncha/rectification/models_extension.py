"""Extensions as requests (整改延期申请): the village, or the township for its village, asks for more time with a
reason and a new date; the township supports or returns the request; the office director approves or refuses it.
An extension beyond the county's limits (``XUNCHA_EXTENSIONS_MAX_COUNT`` extensions, ``XUNCHA_EXTENSIONS_MAX_DAYS``
days in all beyond the deadline fed back) is decided by the leading group (巡察工作领导小组): the director records its
meeting and minutes on the request (``by_leading_group``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.scoping import NOTHING, county_readers, local_roles, path_q

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser


class ExtensionRequestQuerySet(models.QuerySet["ExtensionRequest"]):
    def visible_to(self, user: AnyUser) -> ExtensionRequestQuerySet:
        """The office and leaders see the county's requests, the round's groups those of their villages, a township
        its villages' and a village its own; a county department an item was handed to sees none."""
        from xuncha.rectification.models import _inspected_by_groups_q

        query = path_q(user, county_readers(), "item__round__term__county__path")
        query |= _inspected_by_groups_q(user, "item__round", "item__village")
        local = path_q(user, local_roles(), "item__village__path")
        if local != NOTHING:
            query |= local
        return self.filter(query)

    def open(self) -> ExtensionRequestQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class ExtensionRequest(models.Model):
    """A request for more time on a ledger item (整改延期申请), its township's review and the director's decision."""

    class Status(models.TextChoices):
        ASKED = "ASKED", _("Asked, awaiting the township")
        SUPPORTED = "SUPPORTED", _("Supported by the township, awaiting the director")
        RETURNED = "RETURNED", _("Returned by the township")
        APPROVED = "APPROVED", _("Approved")
        REFUSED = "REFUSED", _("Refused")

    item = models.ForeignKey(
        "rectification.LedgerItem",
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        related_name="extension_requests",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ASKED)
    previous_deadline = models.DateField(_("deadline before"))
    new_deadline = models.DateField(_("new deadline asked"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+", null=True
    )
    requested_on = models.DateField(_("asked on"))
    requested_at = models.DateTimeField(_("written at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_note = models.TextField(_("the township's opinion"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("the decision's note"), blank=True)
    beyond_limits = models.BooleanField(
        _("beyond the limits"),
        default=False,
        help_text=_("Beyond the number or the total length of extensions the office director grants alone"),
    )
    by_leading_group = models.BooleanField(_("decided by the leading group"), default=False)
    meeting_on = models.DateField(_("leading group meeting on"), null=True, blank=True)
    minutes = models.TextField(_("the leading group's decision"), blank=True)

    objects = ExtensionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["item_id", "requested_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status__in=["ASKED", "SUPPORTED"]), name="extension_one_open_per_item"
            ),
            models.CheckConstraint(
                condition=Q(by_leading_group=False) | Q(meeting_on__isnull=False),
                name="extension_leading_group_has_meeting",
            ),
        ]
        indexes = [models.Index(fields=["status", "item"], name="extension_status_item_idx")]

    def __str__(self) -> str:
        return _("Extension of %(item)s to %(date)s") % {"item": self.item, "date": self.new_deadline}

    def get_absolute_url(self) -> str:
        return self.item.get_absolute_url()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def days(self) -> int:
        return (self.new_deadline - self.previous_deadline).days


OPEN_STATUSES = [ExtensionRequest.Status.ASKED, ExtensionRequest.Status.SUPPORTED]
