"""Who is told at once of a new petition (the group's leader and members of the assignment) and of a transferred clue
(the receiving body's accounts), through ``accounts.notify``. A clue's notice says only that one arrived: never its
subject, its people or its summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_noop

from xuncha.accounts.models import Role
from xuncha.accounts.notify import holders, notify
from xuncha.inspections.models import Membership

if TYPE_CHECKING:
    from xuncha.accounts.actors import Actor
    from xuncha.findings.models import Clue, Petition


def petition_arrived(petition: Petition, *, actor: Actor) -> None:
    """The leader and members of the group the petition reached."""
    members = Membership.objects.filter(group_id=petition.assignment.group_id).values_list("user_id", flat=True)
    notify(
        petition,
        kind="PETITION",
        message=gettext_noop("A new petition arrived for %(assignment)s."),
        params={"assignment": petition.assignment},
        users=set(members),
        actor=actor,
    )


def clue_transferred(clue: Clue, *, actor: Actor) -> None:
    """The receiving body (纪委监委 or 组织部) of the clue's county."""
    notify(
        clue,
        kind="CLUE_TRANSFERRED",
        message=gettext_noop("One problem clue was transferred to you."),
        params={},
        users=holders([Role(clue.receiver)], [clue.round.term.county]),
        actor=actor,
    )
