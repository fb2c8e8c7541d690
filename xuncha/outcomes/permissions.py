"""Who records, reports and confirms outcomes, and who reads the names of the people dealt with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.models import Role
from xuncha.accounts.permissions import can_plan_in, has_role_over
from xuncha.findings.models import Clue
from xuncha.findings.permissions import receives

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.outcomes.models import Outcome
    from xuncha.rectification.models import LedgerItem

# A clue's outcome is reported once the receiving body has disposed of it.
CLUE_OUTCOME_STATUSES = {Clue.Status.DISPOSED, Clue.Status.FEEDBACK}
# Those who read the names and posts of the people dealt with on an item.
NAME_READERS = [Role.OFFICE, Role.OFFICE_LEAD, Role.DISCIPLINE]


def can_record_item_outcome(user: AnyUser | None, item: LedgerItem) -> bool:
    """The office records (and confirms) an item's outcome."""
    return can_plan_in(user, item.round.term.county)


def can_report_item_outcome(user: AnyUser | None, item: LedgerItem) -> bool:
    """The responsible village reports the money recovered and returned on its item; the office confirms it."""
    return has_role_over(user, [Role.VILLAGE], item.village)


def can_record_clue_outcome(user: AnyUser | None, clue: Clue) -> bool:
    """The receiving body (the discipline commission, or the organisation department) reports what came of a clue
    it has disposed of."""
    return receives(user, clue)


def can_add_rule(user: AnyUser | None, outcome: Outcome) -> bool:
    """Whoever records the outcome records the rules made with it."""
    if outcome.clue_id is not None:
        return can_record_clue_outcome(user, outcome.clue)  # type: ignore[arg-type]
    return can_record_item_outcome(user, outcome.item)  # type: ignore[arg-type]


def can_read_people_note(user: AnyUser | None, outcome: Outcome) -> bool:
    """Names and posts: on a clue, its readers (the outcome is visible to them alone); on an item, only the office
    and the discipline commission, never the township or the village."""
    if outcome.clue_id is not None:
        return True
    return has_role_over(user, NAME_READERS, outcome.round.term.county)
