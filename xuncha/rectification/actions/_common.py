"""What the rectification actions share: the refusal of an actor without the permission, the round statuses in which
lists are built and fed back, and the office account named as author when the system acts (``SYSTEM``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.findings.models import FixType
from xuncha.inspections.archived import refuse_if_archived
from xuncha.inspections.models import Round
from xuncha.rectification.models import LedgerItem

if TYPE_CHECKING:
    from xuncha.accounts.models import User

Status = LedgerItem.Status

# Lists are built and fed back once the groups have reported, and until the round is closed.
FEEDBACK_STATUSES = {Round.Status.REPORTING, Round.Status.FEEDBACK, Round.Status.RECTIFYING}


def _check_feedback_time(round_: Round) -> None:
    refuse_if_archived(round_)
    if round_.status not in FEEDBACK_STATUSES:
        raise TransitionNotAllowed(
            _("Lists are built and fed back after the groups report; the round is %(status)s.")
            % {"status": round_.get_status_display()}
        )


def _refuse_archived_items(items: Iterable[LedgerItem]) -> None:
    """Refuse a write on items of an archived round, except on long-term items (长期坚持), whose periodic reports and
    closing go on after the file is closed (``inspections.archived``)."""
    for round_id in sorted({item.round_id for item in items if item.fix_type != FixType.LONG_TERM}):
        refuse_if_archived(round_id)


def _office(round_: Round) -> User:
    """The system acts for the office; a list still needs someone to have built it."""
    from xuncha.accounts.models import RoleGrant
    from xuncha.accounts.scoping import planners

    grant = RoleGrant.objects.filter(role__in=planners(), unit=round_.term.county).first()
    if grant is None:
        raise Conflict(_("No inspection office account exists for %(county)s.") % {"county": round_.term.county})
    return grant.user
