"""What the deliverables app adds to the rectification actions (``DeliverablesConfig.ready``): a village fed back,
or a department handed its first item of a round, gets its three deliverables opened in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.actors import SYSTEM
from xuncha.deliverables.actions import open_deliverables

if TYPE_CHECKING:
    from xuncha.accounts.actors import Actor
    from xuncha.rectification.models import Feedback, ResponsibleParty


def feedback_published(feedback: Feedback, actor: Actor) -> None:
    """The platform opens them, whoever published the feedback (the audit says so: SYSTEM)."""
    open_deliverables(feedback.round, feedback.village, starts_on=feedback.fed_back_on, feedback=feedback, actor=SYSTEM)


def item_handed_off(party: ResponsibleParty, actor: Actor) -> None:
    """Counted from the department's first hand-off of the round; later hand-offs find them open."""
    open_deliverables(party.item.round, party.unit, starts_on=party.handed_on, actor=SYSTEM)
