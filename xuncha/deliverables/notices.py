"""Tell the next actor of a deliverable at once (the bell): the township when its village submitted, the office when
the township approved (or a department submitted), the village or department when it was returned or accepted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_noop

from xuncha.accounts.models import Role
from xuncha.accounts.notify import holders, notify
from xuncha.accounts.scoping import planners

if TYPE_CHECKING:
    from xuncha.accounts.actors import Actor
    from xuncha.deliverables.models import Deliverable


def _writers(deliverable: Deliverable) -> set[int]:
    role = Role.DEPARTMENT if deliverable.is_department else Role.VILLAGE
    return holders([role], [deliverable.unit])


def moved(deliverable: Deliverable, *, actor: Actor) -> None:
    from xuncha.deliverables.models import Deliverable

    Status = Deliverable.Status
    county = deliverable.round.term.county
    if deliverable.status == Status.SUBMITTED:
        if deliverable.township is not None:
            users, kind = holders([Role.TOWNSHIP], [deliverable.township]), "DELIVERABLE_REVIEW"
        else:
            users, kind = holders(planners(), [county]), "DELIVERABLE_ACCEPT"
        message = gettext_noop("%(unit)s submitted its %(kind)s for your review.")
    elif deliverable.status == Status.REVIEWED:
        users, kind = holders(planners(), [county]), "DELIVERABLE_ACCEPT"
        message = gettext_noop("The %(kind)s of %(unit)s was approved by the township and awaits acceptance.")
    elif deliverable.status == Status.RETURNED:
        users, kind = _writers(deliverable), "DELIVERABLE_RETURNED"
        message = gettext_noop("The %(kind)s of %(unit)s was returned: rework it and submit it again.")
    elif deliverable.status == Status.ACCEPTED:
        users, kind = _writers(deliverable), "DELIVERABLE_ACCEPTED"
        message = gettext_noop("The %(kind)s of %(unit)s was accepted by the office.")
    else:
        return
    notify(
        deliverable,
        kind=kind,
        message=message,
        params={"unit": deliverable.unit, "kind": deliverable.get_kind_display()},
        users=users,
        actor=actor,
    )
