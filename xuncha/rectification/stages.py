"""Ledger items by what they wait for, as query filters shared by the ledger's ``stage`` filter and the readers'
to-do counts (``dashboard.todo``), so that a count and the list it links to are one set."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from xuncha.rectification.models import LedgerItem, ReturnVisit, VisitCheck

Status = LedgerItem.Status

# The village has yet to report the item done (returned items are counted apart).
TO_REPORT = "REPORT"
# An item that closes only after a verified return visit, reviewed, with no visit planned to check it.
TO_VISIT = "VISIT"

CHOICES = [(TO_REPORT, _("To report (open or in progress)")), (TO_VISIT, _("Return visit to plan"))]


def stage_q(stage: str) -> Q:
    if stage == TO_REPORT:
        return Q(status__in=[Status.OPEN, Status.IN_PROGRESS])
    planned = VisitCheck.objects.filter(item=OuterRef("pk"), visit__status=ReturnVisit.Status.PLANNED)
    return Q(~Exists(planned), status=Status.REVIEWED, needs_return_visit=True, verified_at__isnull=True)
