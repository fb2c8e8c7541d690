"""Shared pieces of the outcomes' tests: an item, a disposed clue from the item's problem, and a department."""

from __future__ import annotations

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.conftest import World
from xuncha.findings.models import Clue
from xuncha.findings.tests.factories import ClueFactory
from xuncha.organisations.tests import factories as units
from xuncha.rectification import actions as rectification_actions
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.tests.factories import ledger_item

PEOPLE = {"ADMONISHED": 2, "PARTY_DISCIPLINE": 1}
NAMES = "张某某（村党支部书记）"


def item_of(world: World) -> LedgerItem:
    """An item of 甲一村, the village of ``village_user``."""
    return ledger_item(world.round, world.village_a1)


def clue_of(world: World, item: LedgerItem, status: str = Clue.Status.DISPOSED) -> Clue:
    """A clue transferred to the discipline commission from the item's problem, taken as far as ``status``."""
    return ClueFactory.create(
        assignment=world.assignment,
        village=item.village,
        source=Clue.Source.PROBLEM,
        problem=item.problem,
        status=status,
        disposal=Clue.Disposal.CASE if status in (Clue.Status.DISPOSED, Clue.Status.FEEDBACK) else "",
    )


def department_with(world: World, item: LedgerItem, office: User) -> User:
    """A county department the item was handed to, and its account."""
    unit = units.department(world.county, "县住建局")
    rectification_actions.hand_off_item(item, unit=unit, request="请配合整改。", actor=office)
    user = UserFactory.create(username="dept")
    grant(user, Role.DEPARTMENT, unit)
    return user
