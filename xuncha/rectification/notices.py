"""Who is told at once when a list, an item or a visit is handed on (``accounts.notify``): the feedback to the
township and the village (who sign its receipts), a submission to the township, an approval to the office, a return
to the village, a closure to the village and the township, a planned visit to both; a request for more time to the
township, once supported to the office director, once returned or decided to the village and the township."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_noop

from xuncha.accounts.models import Role
from xuncha.accounts.notify import holders, notify
from xuncha.accounts.scoping import planners
from xuncha.rectification.models import LedgerItem

if TYPE_CHECKING:
    from xuncha.accounts.actors import Actor
    from xuncha.rectification.models import ExtensionRequest, Feedback, ResponsibleParty, ReturnVisit

Status = LedgerItem.Status

# Kind of notification → (to whom, its text); the labels of the kinds are in ``accounts.views.KINDS``.
ITEM_NOTICES: dict[str, tuple[str, str]] = {
    Status.SUBMITTED: ("AWAITING_REVIEW", gettext_noop("%(village)s submitted %(number)s for your review.")),
    Status.REVIEWED: (
        "AWAITING_CLOSURE",
        gettext_noop("%(number)s of %(village)s was reviewed by the township and awaits closure."),
    ),
    Status.RETURNED: ("RETURNED", gettext_noop("%(number)s was returned: read the reason and report again.")),
    Status.CLOSED: ("CLOSED", gettext_noop("%(number)s of %(village)s was closed (销号).")),
}


def feedback_published(feedback: Feedback, *, actor: Actor) -> None:
    """The township party committee and the village organisation read the lists and sign their receipts."""
    township = feedback.village.parent
    users = holders([Role.VILLAGE], [feedback.village])
    if township is not None:
        users |= holders([Role.TOWNSHIP], [township])
    notify(
        feedback.individual_list,
        kind="FEEDBACK_PUBLISHED",
        message=gettext_noop("The lists of %(village)s were fed back to you: read them and sign the receipt."),
        params={"village": feedback.village},
        users=users,
        actor=actor,
    )


def item_moved(item: LedgerItem, *, actor: Actor) -> None:
    """The next actor of an item that was submitted, reviewed, returned or closed; other moves tell no one."""
    if item.status not in ITEM_NOTICES:
        return
    kind, message = ITEM_NOTICES[Status(item.status)]
    if item.status == Status.SUBMITTED:
        users = holders([Role.TOWNSHIP], [item.township])
    elif item.status == Status.REVIEWED:
        users = holders(planners(), [item.round.term.county])
    elif item.status == Status.RETURNED:
        users = holders([Role.VILLAGE], [item.village])
    else:
        users = holders([Role.VILLAGE], [item.village]) | holders([Role.TOWNSHIP], [item.township])
    notify(
        item,
        kind=kind,
        message=message,
        params={"number": item.number, "village": item.village},
        users=users,
        actor=actor,
    )


def visit_planned(visit: ReturnVisit, *, actor: Actor) -> None:
    """The village visited and its township prepare the return visit."""
    township = visit.village.parent
    users = holders([Role.VILLAGE], [visit.village])
    if township is not None:
        users |= holders([Role.TOWNSHIP], [township])
    notify(
        visit,
        kind="VISIT_PLANNED",
        message=gettext_noop("A return visit to %(village)s is planned on %(date)s."),
        params={"village": visit.village, "date": visit.planned_on},
        users=users,
        actor=actor,
    )


def item_handed_off(party: ResponsibleParty, *, actor: Actor) -> None:
    """The department an item was handed to signs for it and reports."""
    item = party.item
    notify(
        item,
        kind="HANDED_OFF",
        message=gettext_noop("%(number)s of %(village)s was handed to %(unit)s: sign for it and report."),
        params={"number": item.number, "village": item.village, "unit": party.unit},
        users=holders([Role.DEPARTMENT], [party.unit]),
        actor=actor,
    )


def party_done(party: ResponsibleParty, *, actor: Actor) -> None:
    """The office, which closes the item once every party has done its part."""
    item = party.item
    notify(
        item,
        kind="PARTY_DONE",
        message=gettext_noop("%(unit)s has done its part of %(number)s of %(village)s."),
        params={"number": item.number, "village": item.village, "unit": party.unit},
        users=holders(planners(), [item.round.term.county]),
        actor=actor,
    )


def residents_objected(item: LedgerItem, *, unresolved: int, actor: Actor) -> None:
    """Whoever plans return visits for the item's village (the office of its county) hears that residents say it is
    not fixed: the return visit should check it."""
    notify(
        item,
        kind="RESIDENTS_OBJECT",
        message=gettext_noop(
            "Residents say %(number)s of %(village)s is not fixed (%(count)s answers): check it on the return visit."
        ),
        params={"number": item.number, "village": item.village, "count": unresolved},
        users=holders(planners(), [item.round.term.county]),
        actor=actor,
    )


# Status of a request for more time → (kind of notification, its text).
EXTENSION_NOTICES: dict[str, tuple[str, str]] = {
    "ASKED": ("EXTENSION_ASKED", gettext_noop("%(village)s asks for more time on %(number)s: review the request.")),
    "SUPPORTED": (
        "EXTENSION_AWAITING_DECISION",
        gettext_noop("%(village)s asks for more time on %(number)s, until %(date)s: decide on the request."),
    ),
    "RETURNED": ("EXTENSION_DECIDED", gettext_noop("The request for more time on %(number)s was returned.")),
    "APPROVED": ("EXTENSION_DECIDED", gettext_noop("More time on %(number)s was granted, until %(date)s.")),
    "REFUSED": ("EXTENSION_DECIDED", gettext_noop("More time on %(number)s was refused.")),
}


def extension_moved(request: ExtensionRequest, *, actor: Actor) -> None:
    """The next actor of a request for more time: the township reviews what its village asked, the office director
    decides what the township supports, the village and the township read the outcome."""
    item = request.item
    kind, message = EXTENSION_NOTICES[request.status]
    if request.status == "ASKED":
        users = holders([Role.TOWNSHIP], [item.township])
    elif request.status == "SUPPORTED":
        users = holders([Role.OFFICE_LEAD], [item.round.term.county])
    elif request.status == "RETURNED":
        users = holders([Role.VILLAGE], [item.village])
    else:
        users = holders([Role.VILLAGE], [item.village]) | holders([Role.TOWNSHIP], [item.township])
    notify(
        item,
        kind=kind,
        message=message,
        params={"number": item.number, "village": item.village, "date": request.new_deadline},
        users=users,
        actor=actor,
    )
