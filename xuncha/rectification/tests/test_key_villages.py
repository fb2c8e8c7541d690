"""Key villages (重点村) on the common list: when a common item is fanned out, the key village's item needs a
verified return visit before it closes, an ordinary village's item does not.

The scene is round 4 after stationing (``reported_round``): a common item names 甲一村, a key village, and 甲二村,
an ordinary one, both of 甲镇; both are fed back, do the work and have it approved by 甲镇.
"""

from __future__ import annotations

import pytest

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import actions
from xuncha.rectification.models import CommonItem, LedgerItem
from xuncha.rectification.tests.factories import PROGRESS_TEXT, Reported, common_item, photo, publish

pytestmark = pytest.mark.usefixtures("media")

Status = LedgerItem.Status


@pytest.fixture
def shared(world: World, reported: Reported, office: User) -> CommonItem:
    """The common item naming 甲一村 and 甲二村, fed back to both."""
    item = common_item(reported, [world.village_a1, world.village_a2], office)
    for village in (world.village_a1, world.village_a2):
        publish(reported.round, village, office)
    return item


def _reviewed(shared: CommonItem, village: AdminUnit, village_user: User, township_user: User) -> LedgerItem:
    """The village's item of the common item, submitted by the village and approved by its township."""
    item = shared.ledger_items.get(village=village)
    actions.submit_item(item, text=PROGRESS_TEXT, files=[photo()], actor=village_user)
    actions.review_item(item, approve=True, actor=township_user)
    item.refresh_from_db()
    assert item.status == Status.REVIEWED
    return item


def test_a_key_villages_common_item_needs_a_return_visit(
    world: World, shared: CommonItem, office: User, village_user: User, township_user: User
) -> None:
    """甲一村's item of the common item is flagged for a return visit and is not closed without one."""
    item = _reviewed(shared, world.village_a1, village_user, township_user)
    assert item.needs_return_visit

    with pytest.raises(Conflict, match="return visit"):
        actions.close_item(item, actor=office)

    item.refresh_from_db()
    assert item.status == Status.REVIEWED


def test_an_ordinary_villages_common_item_closes_without_a_visit(
    world: World, shared: CommonItem, office: User, village_a2_user: User, township_user: User
) -> None:
    """甲二村's item of the same common item needs no return visit: the office closes it once reviewed."""
    item = _reviewed(shared, world.village_a2, village_a2_user, township_user)
    assert not item.needs_return_visit

    actions.close_item(item, actor=office)

    item.refresh_from_db()
    assert item.status == Status.CLOSED
