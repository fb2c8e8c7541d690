"""Why an action on an item or a list cannot be taken now, in words a page shows next to the disabled button.

Each ``why_not_<verb>(user, obj)`` answers ``None`` when the action may be taken, else the reason; ``verdict`` turns
one into ``(allowed, reason)``. The boolean permissions (``permissions.can_*``) stay what the actions enforce; these
add the state rules the actions check (status, evidence, a verified return visit) so that a page offers only what
the action would accept, and says why not otherwise. The actions check again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from xuncha.findings.models import FixType
from xuncha.organisations.models import Category
from xuncha.rectification import closing, permissions
from xuncha.rectification.actions._common import FEEDBACK_STATUSES
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.models_handoff import why_parties_pending

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.inspections.models import Round
    from xuncha.organisations.models import AdminUnit

Status = LedgerItem.Status
# The statuses from which the village submits an item as done (the actions' ITEM_TRANSITIONS into SUBMITTED).
SUBMITTABLE = (Status.OPEN, Status.IN_PROGRESS, Status.RETURNED)
CLOSABLE = (Status.REVIEWED, Status.ONGOING)


def verdict(reason: str | None) -> tuple[bool, str | None]:
    """``(allowed, reason)`` of a ``why_not_*`` answer."""
    return reason is None, reason


def why_not_submit_item(user: AnyUser | None, item: LedgerItem) -> str | None:
    if not permissions.can_report_progress(user, item):
        return _("Only the responsible village submits the item.")
    if item.status == Status.SUBMITTED:
        return _("Already submitted: the township is reviewing it.")
    if item.status not in SUBMITTABLE:
        return _("The item is %(status)s: there is nothing to submit.") % {"status": item.get_status_display()}
    return None


def why_not_review_item(user: AnyUser | None, item: LedgerItem) -> str | None:
    if not permissions.can_review(user, item):
        return _("Only the overseeing township reviews the item.")
    if item.status != Status.SUBMITTED:
        return _("The township reviews an item once the village has submitted it as done.")
    return None


def why_not_return_item(user: AnyUser | None, item: LedgerItem) -> str | None:
    """The office sends a reviewed item back to the village."""
    if not permissions.can_close(user, item):
        return _("Only the inspection office does this.")
    if item.status != Status.REVIEWED:
        return _("The office returns an item after the township has approved it.")
    return None


def why_not_close_item(user: AnyUser | None, item: LedgerItem) -> str | None:
    if not permissions.can_close(user, item):
        return _("Only the inspection office closes items.")
    if item.status == Status.CLOSED:
        return _("The item is already closed.")
    if item.status not in CLOSABLE:
        return _("The item closes after the township has approved the village's submission.")
    if item.status == Status.REVIEWED and item.fix_type == FixType.LONG_TERM:
        return _("A long-term item is kept ongoing with periodic reports, not closed.")
    if item.needs_return_visit and item.verified_at is None:
        if item.village.category == Category.KEY:
            return _("An item of a key village closes only after a return visit verified it.")
        return _("This item closes only after a return visit verified it on site.")
    return why_parties_pending(item) or closing.why_not_close_by(user, item) or closing.why_objection_blocks(user, item)


def why_not_publish_feedback(
    user: AnyUser | None, round_: Round, village: AdminUnit | None = None, *, built: bool = True
) -> str | None:
    """The office feeds a village's list back in the round's feedback stages, once the list is built (``built``);
    without a village, whether the round takes feedback at all."""
    if not permissions.can_publish_feedback(user, round_):
        return _("Only the inspection office feeds back lists.")
    if round_.status not in FEEDBACK_STATUSES:
        return _("Lists are built and fed back after the groups report; the round is %(status)s.") % {
            "status": round_.get_status_display()
        }
    if not built and village is not None:
        return _("Build the individual list of %(village)s first.") % {"village": village}
    return None
