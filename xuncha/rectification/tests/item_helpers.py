"""Shared by the ledger item tests: the texts they use, an item of 甲一村 in a given state, the check that a
refused action wrote nothing, each public action as a callable of (item, actor), and the allowed moves of the
transition table with the action that makes each.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from xuncha.accounts.actors import Actor
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem, Progress, VisitCheck
from xuncha.rectification.tests.factories import PROGRESS_TEXT, ledger_item, photo

Status = LedgerItem.Status

ALLOWED_MOVES = sorted((source, target) for source, targets in actions.ITEM_TRANSITIONS.items() for target in targets)
MEASURES = "一、召开村民代表会议补办出租手续；二、租金全额入账并公开。"
REASON = "佐证材料不全，缺少村民代表会议记录。"


def later(days: int = 60) -> date:
    return timezone.localdate() + timedelta(days=days)


def item_in(world: World, status: str, **fields: Any) -> LedgerItem:
    return ledger_item(world.round, world.village_a1, status=status, **fields)


def unchanged(item: LedgerItem, status: str) -> None:
    """Nothing was written: the item keeps its status, and there is no progress note and no event."""
    item.refresh_from_db()
    assert item.status == status
    assert not Progress.objects.filter(item=item).exists()
    assert not Event.objects.exists()


# Each public action, as a callable of (item, actor).


def plan(item: LedgerItem, actor: Actor) -> Any:
    return actions.plan_item(item, measures=MEASURES, goal="租金全部入账", responsible_leader="王建华", actor=actor)


def report(item: LedgerItem, actor: Actor) -> Any:
    return actions.report_progress(item, text=PROGRESS_TEXT, actor=actor, files=[photo()])


def submit(item: LedgerItem, actor: Actor) -> Any:
    return actions.submit_item(item, text=PROGRESS_TEXT, actor=actor, files=[photo()])


def approve(item: LedgerItem, actor: Actor) -> Any:
    return actions.review_item(item, approve=True, actor=actor)


def send_back(item: LedgerItem, actor: Actor) -> Any:
    return actions.review_item(item, approve=False, reason=REASON, actor=actor)


def close(item: LedgerItem, actor: Actor) -> Any:
    return actions.close_item(item, actor=actor, note="经核查整改到位，予以销号。")


def keep_ongoing(item: LedgerItem, actor: Actor) -> Any:
    return actions.make_ongoing(item, actor=actor, note="长期坚持，每季度报告。")


def return_reviewed(item: LedgerItem, actor: Actor) -> Any:
    return actions.return_reviewed_item(item, reason="租金入账凭证与合同金额不符。", actor=actor)


def reopen(item: LedgerItem, actor: Actor) -> Any:
    return actions.reopen_item(item, reason="群众反映问题反弹。", new_deadline=later(), actor=actor)


def extend(item: LedgerItem, actor: Actor) -> Any:
    return actions.extend_deadline(item, new_deadline=date(2024, 3, 29), reason="需待春耕后实施。", actor=actor)


def flag(item: LedgerItem, actor: Actor) -> Any:
    return actions.require_return_visit(item, actor=actor)


def reopen_on_visit(item: LedgerItem, actor: Actor) -> Any:
    """A return visit checks the item and finds the work not done: its REOPEN verdict sends it back into work."""
    visit = actions.plan_visit(item.village, planned_on=timezone.localdate(), items=[item], actor=actor)
    return actions.record_visit(
        visit,
        visited_on=timezone.localdate(),
        verdicts={item.pk: (VisitCheck.Verdict.REOPEN, "现场核查未整改到位。", later())},
        people_asked=10,
        people_satisfied=6,
        actor=actor,
    )


Act = Callable[[LedgerItem, Actor], Any]

# The public action that makes each allowed move, who makes it, and the verb of its event.
MOVES: dict[tuple[str, str], tuple[Act, str, str]] = {
    (Status.OPEN, Status.IN_PROGRESS): (plan, "village_user", "rectification.item_planned"),
    (Status.OPEN, Status.SUBMITTED): (submit, "village_user", "rectification.item_submission"),
    (Status.IN_PROGRESS, Status.SUBMITTED): (submit, "village_user", "rectification.item_submission"),
    (Status.SUBMITTED, Status.REVIEWED): (approve, "township_user", "rectification.item_approval"),
    (Status.SUBMITTED, Status.RETURNED): (send_back, "township_user", "rectification.item_return"),
    (Status.SUBMITTED, Status.IN_PROGRESS): (reopen_on_visit, "office", "rectification.item_reopen"),
    (Status.RETURNED, Status.IN_PROGRESS): (plan, "village_user", "rectification.item_planned"),
    (Status.RETURNED, Status.SUBMITTED): (submit, "village_user", "rectification.item_submission"),
    # 甲一村 is a key village: its items close by the office director (four eyes, test_four_eyes.py).
    (Status.REVIEWED, Status.CLOSED): (close, "office_lead", "rectification.item_closure"),
    (Status.REVIEWED, Status.ONGOING): (keep_ongoing, "office", "rectification.item_ongoing"),
    (Status.REVIEWED, Status.RETURNED): (return_reviewed, "office", "rectification.item_return"),
    (Status.REVIEWED, Status.IN_PROGRESS): (reopen_on_visit, "office", "rectification.item_reopen"),
    (Status.ONGOING, Status.CLOSED): (close, "office_lead", "rectification.item_closure"),
    (Status.ONGOING, Status.IN_PROGRESS): (reopen, "office", "rectification.item_reopen"),
    (Status.CLOSED, Status.IN_PROGRESS): (reopen, "office", "rectification.item_reopen"),
}
