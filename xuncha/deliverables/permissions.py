"""Who drafts, signs and submits a deliverable (the village organisation, or the department), who reviews it (the
village's township) and who accepts or returns it (the county inspection office)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.models import Role
from xuncha.accounts.permissions import can_plan_in, has_role_over

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.deliverables.models import Deliverable


def can_write(user: AnyUser | None, deliverable: Deliverable) -> bool:
    """The village organisation writes its village's; a department its own. Its account signs for the secretary."""
    role = Role.DEPARTMENT if deliverable.is_department else Role.VILLAGE
    return has_role_over(user, [role], deliverable.unit)


def can_review(user: AnyUser | None, deliverable: Deliverable) -> bool:
    """The township party committee reviews its villages' (统筹把关); departments have no township."""
    return deliverable.township is not None and has_role_over(user, [Role.TOWNSHIP], deliverable.township)


def can_accept(user: AnyUser | None, deliverable: Deliverable) -> bool:
    """The county inspection office accepts or returns."""
    return can_plan_in(user, deliverable.round.term.county)


def can_open(user: AnyUser | None) -> bool:
    """Deliverables are opened by the platform when a village is fed back or a department handed an item."""
    return False
