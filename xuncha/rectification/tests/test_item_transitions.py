"""Ledger items as a whole: the transition table (every allowed move made and logged by its public action,
every other move refused) and who may act (the village, the township and the office each only on their own
moves; the system on any).

Items are 甲一村's (a key village, so they need a return visit unless a test says otherwise), written directly
in the state a test needs.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import transaction

from xuncha.accounts.actors import SYSTEM
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import PermissionDenied, TransitionNotAllowed
from xuncha.evidence.models import Evidence
from xuncha.findings.models import FixType
from xuncha.findings.tests.factories import persona
from xuncha.rectification import actions
from xuncha.rectification.actions.ledger import _move
from xuncha.rectification.models import LedgerItem, Progress
from xuncha.rectification.tests.factories import after_of, before_of, event_of, ledger_item
from xuncha.rectification.tests.item_helpers import (
    ALLOWED_MOVES,
    MOVES,
    REASON,
    Act,
    Status,
    approve,
    close,
    extend,
    flag,
    item_in,
    keep_ongoing,
    plan,
    reopen,
    report,
    return_reviewed,
    send_back,
    submit,
    unchanged,
)

pytestmark = pytest.mark.usefixtures("media")


REFUSED_MOVES = [
    (source, target)
    for source, target in itertools.product(Status.values, Status.values)
    if target not in actions.ITEM_TRANSITIONS[source]
]
EVERYONE = [
    "office",
    "office_lead",
    "leader",
    "discipline",
    "township_user",
    "other_township_user",
    "village_user",
    "other_village_user",
    "group_leader",
    "group_member",
    "outsider",
    "auditor",
    "sysadmin",
    "nobody",
]
NOT_THE_VILLAGE = [name for name in EVERYONE if name != "village_user"]
NOT_THE_TOWNSHIP = [name for name in EVERYONE if name != "township_user"]
NOT_THE_OFFICE = [name for name in EVERYONE if name not in ("office", "office_lead")]


# (action, the status it acts on, extra item fields)
VILLAGE_ACTIONS: dict[str, tuple[Act, str, dict[str, Any]]] = {
    "plan_item": (plan, Status.OPEN, {}),
    "report_progress": (report, Status.IN_PROGRESS, {}),
    "submit_item": (submit, Status.IN_PROGRESS, {}),
}
TOWNSHIP_ACTIONS: dict[str, tuple[Act, str, dict[str, Any]]] = {
    "review_item-approve": (approve, Status.SUBMITTED, {}),
    "review_item-return": (send_back, Status.SUBMITTED, {}),
}
OFFICE_ACTIONS: dict[str, tuple[Act, str, dict[str, Any]]] = {
    "close_item": (close, Status.REVIEWED, {"needs_return_visit": False}),
    "make_ongoing": (keep_ongoing, Status.REVIEWED, {"fix_type": FixType.LONG_TERM}),
    "return_reviewed_item": (return_reviewed, Status.REVIEWED, {}),
    "reopen_item": (reopen, Status.CLOSED, {}),
    "extend_deadline": (extend, Status.IN_PROGRESS, {}),
    "require_return_visit": (flag, Status.IN_PROGRESS, {"needs_return_visit": False}),
}


def attempt(item: LedgerItem, target: str, request: pytest.FixtureRequest) -> None:
    """Try to move ``item`` to ``target`` by the public action that moves items there, as its rightful actor;
    nothing moves an item back to OPEN, so the shared mover is called for that."""
    if target == Status.OPEN:
        with transaction.atomic():
            _move(item, target, actor=SYSTEM, kind=Progress.Kind.PROGRESS, text="回到初始状态")
        return
    by_target: dict[str, tuple[Act, str]] = {
        Status.IN_PROGRESS: (reopen, "office"),
        Status.SUBMITTED: (submit, "village_user"),
        Status.REVIEWED: (
            lambda item, actor: actions.review_item(item, approve=True, actor=actor, expected_status=None),
            "township_user",
        ),
        Status.RETURNED: (
            lambda item, actor: actions.review_item(
                item, approve=False, reason=REASON, actor=actor, expected_status=None
            ),
            "township_user",
        ),
        Status.CLOSED: (close, "office_lead"),  # 甲一村 is a key village: its items close by the director
        Status.ONGOING: (keep_ongoing, "office"),
    }
    act, name = by_target[target]
    act(item, persona(request, name))


# the transition table


def test_the_item_transition_table_names_every_status() -> None:
    """Every status has its entry, and the moves are those of the issue: OPEN → IN_PROGRESS → SUBMITTED →
    REVIEWED | RETURNED, REVIEWED → CLOSED | ONGOING | RETURNED, and back into work from RETURNED, ONGOING, CLOSED —
    and from SUBMITTED and REVIEWED when a return visit finds the work not done."""
    assert set(actions.ITEM_TRANSITIONS) == set(Status.values)
    assert sorted(MOVES) == ALLOWED_MOVES


@pytest.mark.parametrize(("source", "target"), ALLOWED_MOVES)
def test_each_allowed_item_move_is_made_and_logged(
    world: World, request: pytest.FixtureRequest, source: str, target: str
) -> None:
    """Each move of ITEM_TRANSITIONS is made by its action and role, leaves a progress note by the actor, and is
    logged with the actor and the status before and after."""
    act, name, verb = MOVES[(source, target)]
    long_term = Status.ONGOING in (source, target)
    item = item_in(
        world, source, fix_type=FixType.LONG_TERM if long_term else FixType.FOLLOW_UP, needs_return_visit=False
    )
    actor = persona(request, name)

    act(item, actor)

    item.refresh_from_db()
    assert item.status == target
    assert Progress.objects.filter(item=item, author=actor).exists()
    event = event_of(item, verb)
    assert event.actor == actor
    assert event.unit == item.village
    assert event.before is not None
    assert (before_of(event)["status"], after_of(event)["status"]) == (source, target)


@pytest.mark.parametrize(("source", "target"), REFUSED_MOVES)
def test_every_other_item_move_is_refused(
    world: World, request: pytest.FixtureRequest, source: str, target: str
) -> None:
    """Every pair not in ITEM_TRANSITIONS (skipping review, closing unreviewed work, staying put, going back to
    OPEN) is refused to the very role that may make the move from the right state, and nothing is written."""
    fix_type = FixType.LONG_TERM if target == Status.ONGOING else FixType.FOLLOW_UP
    item = item_in(world, source, fix_type=fix_type, needs_return_visit=False)

    with pytest.raises(TransitionNotAllowed):
        attempt(item, target, request)

    unchanged(item, source)
    assert not Evidence.objects.exists()


# who may act


@pytest.mark.parametrize(("action", "name"), sorted(itertools.product(VILLAGE_ACTIONS, NOT_THE_VILLAGE)), ids="-".join)
def test_village_actions_are_refused_to_everyone_but_the_village(
    world: World, request: pytest.FixtureRequest, action: str, name: str
) -> None:
    """Only 甲一村's party organisation plans, reports and submits its items: not the township that oversees it,
    not the office, not a neighbouring village, nor anyone else."""
    act, status, fields = VILLAGE_ACTIONS[action]
    item = item_in(world, status, **fields)

    with pytest.raises(PermissionDenied):
        act(item, persona(request, name))

    unchanged(item, status)
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("action", "name"), sorted(itertools.product(TOWNSHIP_ACTIONS, NOT_THE_TOWNSHIP)), ids="-".join
)
def test_township_review_is_refused_to_everyone_but_the_township(
    world: World, request: pytest.FixtureRequest, action: str, name: str
) -> None:
    """Only 甲镇's party committee reviews 甲一村's submissions: not the village itself, not the office, not
    another township (乙镇)."""
    act, status, fields = TOWNSHIP_ACTIONS[action]
    item = item_in(world, status, **fields)

    with pytest.raises(PermissionDenied):
        act(item, persona(request, name))

    unchanged(item, status)


@pytest.mark.parametrize(("action", "name"), sorted(itertools.product(OFFICE_ACTIONS, NOT_THE_OFFICE)), ids="-".join)
def test_office_actions_are_refused_to_everyone_but_the_office(
    world: World, request: pytest.FixtureRequest, action: str, name: str
) -> None:
    """Only the county's inspection office closes, keeps ongoing, returns, reopens, extends and flags items: not
    the township, the village, the groups, the county leaders, nor the office of another county."""
    act, status, fields = OFFICE_ACTIONS[action]
    item = item_in(world, status, **fields)
    before = (item.deadline, item.needs_return_visit)

    with pytest.raises(PermissionDenied):
        act(item, persona(request, name))

    unchanged(item, status)
    assert (item.deadline, item.needs_return_visit) == before


# A clerk of the office extends no deadline: the director does, within the limits (test_extensions.py).
DIRECTOR_ONLY = {("extend_deadline", "office")}


@pytest.mark.parametrize(
    ("action", "name"),
    sorted(set(itertools.product(OFFICE_ACTIONS, ["office", "office_lead"])) - DIRECTOR_ONLY),
)
def test_office_actions_are_open_to_the_office_and_its_director(
    world: World, request: pytest.FixtureRequest, action: str, name: str
) -> None:
    """The office staff and the director both act for the office; the event names who acted. (An item of 甲二村, an
    ordinary village: a key village's items close by the director alone, see test_four_eyes.py.)"""
    act, status, fields = OFFICE_ACTIONS[action]
    item = ledger_item(world.round, world.village_a2, status=status, **fields)
    actor = persona(request, name)

    act(item, actor)

    event = Event.objects.get(object_type="rectification.ledgeritem", object_id=str(item.pk))
    assert event.actor == actor


@pytest.mark.parametrize("action", sorted({**VILLAGE_ACTIONS, **TOWNSHIP_ACTIONS, **OFFICE_ACTIONS}))
def test_the_system_may_act_on_items(world: World, action: str) -> None:
    """Commands and the demo act as the system (actor=SYSTEM); the event says so."""
    act, status, fields = {**VILLAGE_ACTIONS, **TOWNSHIP_ACTIONS, **OFFICE_ACTIONS}[action]
    item = item_in(world, status, **fields)

    act(item, SYSTEM)

    event = Event.objects.get(object_type="rectification.ledgeritem", object_id=str(item.pk))
    assert (event.actor, event.actor_label) == (None, "system")
