"""Ledger items through the three levels: the village plans, reports and submits with evidence, the township
reviews, the office closes, keeps long-term items ongoing, reopens, extends and flags — and the transition table.

Each action is checked for the state it leaves, its progress note, the audit event it writes (verb, actor,
before and after), and its refusal for a wrong role, a wrong state and bad input. Items are 甲一村's (a key
village, so they need a return visit unless a test says otherwise), written directly in the state a test needs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.core.uploads import UploadRefused
from xuncha.findings.models import Evidence, FixType
from xuncha.findings.tests.factories import exe_bytes, persona
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem, Progress, VisitCheck
from xuncha.rectification.tests.factories import (
    FOLLOW_UP_DEADLINE,
    PROGRESS_TEXT,
    after_of,
    before_of,
    event_of,
    ledger_item,
    photo,
    township_person,
    village_person,
)

Status = LedgerItem.Status

ALLOWED_MOVES = sorted((source, target) for source, targets in actions.ITEM_TRANSITIONS.items() for target in targets)
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
MEASURES = "一、召开村民代表会议补办出租手续；二、租金全额入账并公开。"
REASON = "佐证材料不全，缺少村民代表会议记录。"


def later(days: int = 60) -> date:
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """MEDIA_ROOT in a fresh temporary folder, for the evidence files."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def other_village_user(world: World) -> User:
    """The party organisation of 甲二村, a neighbour in the same township."""
    return village_person(world.village_a2, "village_a2")


@pytest.fixture
def other_township_user(world: World) -> User:
    """The party committee of 乙镇, another township."""
    return township_person(world.township_b, "township_b")


def item_in(world: World, status: str, **fields: Any) -> LedgerItem:
    return ledger_item(world.round, world.village_a1, status=status, **fields)


def unchanged(item: LedgerItem, status: str) -> None:
    """Nothing was written: the item keeps its status, and there is no progress note and no event."""
    item.refresh_from_db()
    assert item.status == status
    assert not Progress.objects.filter(item=item).exists()
    assert not Event.objects.exists()


# Each public action, as a callable of (item, actor).


def plan(item: LedgerItem, actor: User | None) -> Any:
    return actions.plan_item(item, measures=MEASURES, goal="租金全部入账", responsible_leader="王建华", actor=actor)


def report(item: LedgerItem, actor: User | None) -> Any:
    return actions.report_progress(item, text=PROGRESS_TEXT, actor=actor, files=[photo()])


def submit(item: LedgerItem, actor: User | None) -> Any:
    return actions.submit_item(item, text=PROGRESS_TEXT, actor=actor, files=[photo()])


def approve(item: LedgerItem, actor: User | None) -> Any:
    return actions.review_item(item, approve=True, actor=actor)


def send_back(item: LedgerItem, actor: User | None) -> Any:
    return actions.review_item(item, approve=False, reason=REASON, actor=actor)


def close(item: LedgerItem, actor: User | None) -> Any:
    return actions.close_item(item, actor=actor, note="经核查整改到位，予以销号。")


def keep_ongoing(item: LedgerItem, actor: User | None) -> Any:
    return actions.make_ongoing(item, actor=actor, note="长期坚持，每季度报告。")


def return_reviewed(item: LedgerItem, actor: User | None) -> Any:
    return actions.return_reviewed_item(item, reason="租金入账凭证与合同金额不符。", actor=actor)


def reopen(item: LedgerItem, actor: User | None) -> Any:
    return actions.reopen_item(item, reason="群众反映问题反弹。", new_deadline=later(), actor=actor)


def extend(item: LedgerItem, actor: User | None) -> Any:
    return actions.extend_deadline(item, new_deadline=date(2024, 3, 29), reason="需待春耕后实施。", actor=actor)


def flag(item: LedgerItem, actor: User | None) -> Any:
    return actions.require_return_visit(item, actor=actor)


def reopen_on_visit(item: LedgerItem, actor: User | None) -> Any:
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


Act = Callable[[LedgerItem, User | None], Any]
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
    (Status.REVIEWED, Status.CLOSED): (close, "office", "rectification.item_closure"),
    (Status.REVIEWED, Status.ONGOING): (keep_ongoing, "office", "rectification.item_ongoing"),
    (Status.REVIEWED, Status.RETURNED): (return_reviewed, "office", "rectification.item_return"),
    (Status.REVIEWED, Status.IN_PROGRESS): (reopen_on_visit, "office", "rectification.item_reopen"),
    (Status.ONGOING, Status.CLOSED): (close, "office", "rectification.item_closure"),
    (Status.ONGOING, Status.IN_PROGRESS): (reopen, "office", "rectification.item_reopen"),
    (Status.CLOSED, Status.IN_PROGRESS): (reopen, "office", "rectification.item_reopen"),
}
# The moves only a return visit's REOPEN verdict makes: the visit, not the item, is handed to its action.
VISIT_MOVES = {(Status.SUBMITTED, Status.IN_PROGRESS), (Status.REVIEWED, Status.IN_PROGRESS)}


def attempt(item: LedgerItem, target: str, request: pytest.FixtureRequest) -> None:
    """Try to move ``item`` to ``target`` by the public action that moves items there, as its rightful actor;
    nothing moves an item back to OPEN, so the shared mover is called for that."""
    if target == Status.OPEN:
        with transaction.atomic():
            actions._move(item, target, actor=None, kind=Progress.Kind.PROGRESS, text="回到初始状态")
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
        Status.CLOSED: (close, "office"),
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


@pytest.mark.parametrize(("action", "name"), sorted(itertools.product(OFFICE_ACTIONS, ["office", "office_lead"])))
def test_office_actions_are_open_to_the_office_and_its_director(
    world: World, request: pytest.FixtureRequest, action: str, name: str
) -> None:
    """The office staff and the director both act for the office; the event names who acted."""
    act, status, fields = OFFICE_ACTIONS[action]
    item = item_in(world, status, **fields)
    actor = persona(request, name)

    act(item, actor)

    event = Event.objects.get(object_type="rectification.ledgeritem", object_id=str(item.pk))
    assert event.actor == actor


@pytest.mark.parametrize("action", sorted({**VILLAGE_ACTIONS, **TOWNSHIP_ACTIONS, **OFFICE_ACTIONS}))
def test_the_system_may_act_on_items(world: World, action: str) -> None:
    """Commands and the demo act as the system (actor=None); the event says so."""
    act, status, fields = {**VILLAGE_ACTIONS, **TOWNSHIP_ACTIONS, **OFFICE_ACTIONS}[action]
    item = item_in(world, status, **fields)

    act(item, None)

    event = Event.objects.get(object_type="rectification.ledgeritem", object_id=str(item.pk))
    assert (event.actor, event.actor_label) == (None, "system")


# plan_item


@pytest.mark.parametrize("status", [Status.OPEN, Status.RETURNED])
def test_plan_item_writes_the_plan_and_starts_the_work(world: World, village_user: User, status: str) -> None:
    """The village's measures, goal and responsible leader are kept; an open or returned item is now in progress,
    with a PLAN note and an event holding the plan before and after."""
    item = item_in(world, status)

    actions.plan_item(
        item, measures=f"  {MEASURES}\n", goal=" 租金全部入账 ", responsible_leader=" 王建华 ", actor=village_user
    )

    assert item.status == Status.IN_PROGRESS
    item.refresh_from_db()
    assert (item.status, item.measures, item.goal, item.responsible_leader) == (
        Status.IN_PROGRESS,
        MEASURES,
        "租金全部入账",
        "王建华",
    )
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author, note.on) == (
        Progress.Kind.PLAN,
        MEASURES,
        village_user,
        timezone.localdate(),
    )
    event = event_of(item, "rectification.item_planned")
    assert event.actor == village_user
    assert event.unit == world.village_a1
    assert event.before == {"measures": "", "goal": "", "responsible_leader": "", "status": status}
    assert event.after == {
        "measures": MEASURES,
        "goal": "租金全部入账",
        "responsible_leader": "王建华",
        "status": "IN_PROGRESS",
    }


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.ONGOING])
def test_plan_item_revises_the_plan_of_an_item_being_worked_on(world: World, village_user: User, status: str) -> None:
    """An item in progress (or a long-term one) gets a revised plan and keeps its status."""
    item = item_in(world, status, measures="旧措施", responsible_leader="李四")

    plan(item, village_user)

    item.refresh_from_db()
    assert (item.status, item.measures, item.responsible_leader) == (status, MEASURES, "王建华")
    event = event_of(item, "rectification.item_planned")
    assert (before_of(event)["measures"], before_of(event)["status"]) == ("旧措施", status)
    assert after_of(event)["status"] == status


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.REVIEWED, Status.CLOSED])
def test_plan_item_is_refused_once_the_work_was_submitted(world: World, village_user: User, status: str) -> None:
    """The plan of a submitted, reviewed or closed item is no longer changed."""
    item = item_in(world, status, measures="原措施")

    with pytest.raises(TransitionNotAllowed):
        plan(item, village_user)

    unchanged(item, status)
    assert item.measures == "原措施"


@pytest.mark.parametrize(("measures", "leader"), [("", "王建华"), ("  ", "王建华"), (MEASURES, ""), (MEASURES, " ")])
def test_plan_item_needs_measures_and_a_responsible_leader(
    world: World, village_user: User, measures: str, leader: str
) -> None:
    """A plan states the measures and who answers for them."""
    item = item_in(world, Status.OPEN)

    with pytest.raises(Conflict):
        actions.plan_item(item, measures=measures, goal="", responsible_leader=leader, actor=village_user)

    unchanged(item, Status.OPEN)


# report_progress


@pytest.mark.parametrize("status", [Status.OPEN, Status.RETURNED])
def test_report_progress_starts_the_work_and_keeps_the_evidence(world: World, village_user: User, status: str) -> None:
    """A report on an open or returned item puts it in progress; the note holds the text and the photo, and the
    event the file's hash."""
    item = item_in(world, status)

    progress = actions.report_progress(
        item, text=f" {PROGRESS_TEXT} ", actor=village_user, on=date(2024, 1, 10), files=[photo()]
    )

    assert item.status == Status.IN_PROGRESS
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert (progress.kind, progress.text, progress.on, progress.author) == (
        Progress.Kind.PROGRESS,
        PROGRESS_TEXT,
        date(2024, 1, 10),
        village_user,
    )
    evidence = Evidence.objects.get()
    assert (evidence.progress, evidence.uploaded_by, evidence.extension) == (progress, village_user, "png")
    event = event_of(item, "rectification.item_progress")
    assert event.actor == village_user
    assert event.after == {"status": "IN_PROGRESS", "text": PROGRESS_TEXT, "files": [evidence.sha256]}


def test_report_progress_logs_the_status_it_leaves(world: World, village_user: User) -> None:
    """A report that moves a returned item back into work records the old status, like every other move."""
    item = item_in(world, Status.RETURNED)

    report(item, village_user)

    event = event_of(item, "rectification.item_progress")
    assert event.before == {"status": "RETURNED"}


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.ONGOING])
def test_report_progress_keeps_the_status_of_work_under_way(world: World, village_user: User, status: str) -> None:
    """An item in progress stays so; a long-term item stays ONGOING and gets its periodic report."""
    item = item_in(world, status, fix_type=FixType.LONG_TERM)

    report(item, village_user)

    item.refresh_from_db()
    assert item.status == status
    assert Progress.objects.get(item=item).kind == Progress.Kind.PROGRESS


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.REVIEWED, Status.CLOSED])
def test_report_progress_is_refused_while_reviewed_or_after_closure(
    world: World, village_user: User, status: str
) -> None:
    """Progress is reported while the item is worked on, not while the township or the office has it."""
    item = item_in(world, status)

    with pytest.raises(TransitionNotAllowed):
        report(item, village_user)

    unchanged(item, status)
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("text", ["", " \n "])
def test_report_progress_needs_a_text(world: World, village_user: User, text: str) -> None:
    """A report says what was done."""
    item = item_in(world, Status.IN_PROGRESS)

    with pytest.raises(Conflict):
        actions.report_progress(item, text=text, actor=village_user, files=[photo()])

    unchanged(item, Status.IN_PROGRESS)
    assert not Evidence.objects.exists()


# submit_item


@pytest.mark.parametrize("status", [Status.OPEN, Status.IN_PROGRESS, Status.RETURNED])
def test_submit_item_sends_the_work_for_review_with_its_evidence(world: World, village_user: User, status: str) -> None:
    """The village reports the item done: SUBMITTED, with a SUBMISSION note holding the evidence, and an event
    with the status and deadline before and after."""
    item = item_in(world, status)

    actions.submit_item(
        item,
        text=f"{PROGRESS_TEXT}\n",
        actor=village_user,
        files=[photo(), photo("会议记录.png")],
        on=date(2024, 1, 20),
    )

    assert item.done_on == date(2024, 1, 20)
    item.refresh_from_db()
    assert (item.status, item.done_on) == (Status.SUBMITTED, date(2024, 1, 20))
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.on, note.author) == (
        Progress.Kind.SUBMISSION,
        PROGRESS_TEXT,
        date(2024, 1, 20),
        village_user,
    )
    assert sorted(note.evidence.values_list("original_name", flat=True)) == ["会议记录.png", "整改后现场照片.png"]
    event = event_of(item, "rectification.item_submission")
    assert event.actor == village_user
    assert event.before == {"status": status, "deadline": FOLLOW_UP_DEADLINE.isoformat()}
    assert event.after == {"status": "SUBMITTED", "deadline": FOLLOW_UP_DEADLINE.isoformat(), "text": PROGRESS_TEXT}


def test_submit_item_needs_evidence(world: World, village_user: User) -> None:
    """Without a file, and none reported before, the submission is refused."""
    item = item_in(world, Status.IN_PROGRESS)

    with pytest.raises(Conflict, match="evidence"):
        actions.submit_item(item, text=PROGRESS_TEXT, actor=village_user)

    unchanged(item, Status.IN_PROGRESS)


def test_submit_item_accepts_evidence_reported_before(world: World, village_user: User) -> None:
    """Photos sent with an earlier progress report count: the submission needs no new file."""
    item = item_in(world, Status.OPEN)
    report(item, village_user)

    actions.submit_item(item, text=PROGRESS_TEXT, actor=village_user)

    item.refresh_from_db()
    assert item.status == Status.SUBMITTED
    assert Evidence.objects.count() == 1


def test_submit_item_does_not_count_another_items_evidence(world: World, village_user: User) -> None:
    """The evidence must be this item's: a photo on another item of the village does not do."""
    other = item_in(world, Status.OPEN)
    report(other, village_user)
    item = item_in(world, Status.IN_PROGRESS)

    with pytest.raises(Conflict):
        actions.submit_item(item, text=PROGRESS_TEXT, actor=village_user)

    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS


@pytest.mark.parametrize("text", ["", "   "])
def test_submit_item_needs_a_text(world: World, village_user: User, text: str) -> None:
    item = item_in(world, Status.IN_PROGRESS)

    with pytest.raises(Conflict):
        actions.submit_item(item, text=text, actor=village_user, files=[photo()])

    unchanged(item, Status.IN_PROGRESS)
    assert not Evidence.objects.exists()


def test_submit_item_refuses_a_file_that_is_not_evidence(world: World, village_user: User) -> None:
    """An executable named like a photo is refused by the evidence rules, and the item is not submitted."""
    item = item_in(world, Status.IN_PROGRESS)
    data = exe_bytes()

    with pytest.raises(UploadRefused):
        actions.submit_item(
            item, text=PROGRESS_TEXT, actor=village_user, files=[(BytesIO(data), "照片.jpg", len(data))]
        )

    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert not Evidence.objects.exists()


# review_item


def test_review_item_approves_a_submission(world: World, township_user: User) -> None:
    """The township approves: REVIEWED, an APPROVAL note in its name, and the event."""
    item = item_in(world, Status.SUBMITTED)

    actions.review_item(item, approve=True, actor=township_user, on=date(2024, 1, 25))

    item.refresh_from_db()
    assert item.status == Status.REVIEWED
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author, note.on) == (
        Progress.Kind.APPROVAL,
        "Checked and approved by the township.",
        township_user,
        date(2024, 1, 25),
    )
    event = event_of(item, "rectification.item_approval")
    assert event.actor == township_user
    assert event.unit == world.village_a1
    assert (before_of(event)["status"], after_of(event)["status"]) == ("SUBMITTED", "REVIEWED")


def test_review_item_returns_a_submission_with_its_reason(world: World, township_user: User) -> None:
    """The township returns the submission: RETURNED, and the reason is the note and the event's text."""
    item = item_in(world, Status.SUBMITTED)

    actions.review_item(item, approve=False, reason=f"  {REASON} ", actor=township_user)

    item.refresh_from_db()
    assert item.status == Status.RETURNED
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author) == (Progress.Kind.RETURN, REASON, township_user)
    event = event_of(item, "rectification.item_return")
    assert event.actor == township_user
    assert (before_of(event)["status"], after_of(event)["status"], after_of(event)["text"]) == (
        "SUBMITTED",
        "RETURNED",
        REASON,
    )


@pytest.mark.parametrize("reason", ["", "  \n"])
def test_review_item_needs_a_reason_to_return(world: World, township_user: User, reason: str) -> None:
    """A submission is not returned without saying why."""
    item = item_in(world, Status.SUBMITTED)

    with pytest.raises(Conflict):
        actions.review_item(item, approve=False, reason=reason, actor=township_user)

    unchanged(item, Status.SUBMITTED)


@pytest.mark.parametrize("status", [s for s in Status.values if s != Status.SUBMITTED])
def test_review_item_refuses_what_was_not_submitted(world: World, township_user: User, status: str) -> None:
    """Only a submission is reviewed; reviewing anything else is refused (as a conflict with what the reviewer
    expected to see) and writes nothing."""
    item = item_in(world, status)

    with pytest.raises(Conflict):
        approve(item, township_user)

    unchanged(item, status)


def test_review_item_is_open_to_a_township_grant_over_the_county(world: World) -> None:
    """A township role held over the whole county covers 甲镇's villages too."""
    reviewer = township_person(world.county, "county_township_role")
    item = item_in(world, Status.SUBMITTED)

    approve(item, reviewer)

    item.refresh_from_db()
    assert item.status == Status.REVIEWED


# return_reviewed_item


def test_return_reviewed_item_sends_a_reviewed_item_back(world: World, office: User) -> None:
    """The office is not convinced by what the township approved: RETURNED, with the reason."""
    item = item_in(world, Status.REVIEWED)

    actions.return_reviewed_item(item, reason=" 租金入账凭证与合同金额不符。 ", actor=office)

    item.refresh_from_db()
    assert item.status == Status.RETURNED
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author) == (Progress.Kind.RETURN, "租金入账凭证与合同金额不符。", office)
    event = event_of(item, "rectification.item_return")
    assert (event.actor, before_of(event)["status"], after_of(event)["status"]) == (office, "REVIEWED", "RETURNED")


def test_return_reviewed_item_needs_a_reason(world: World, office: User) -> None:
    item = item_in(world, Status.REVIEWED)

    with pytest.raises(Conflict):
        actions.return_reviewed_item(item, reason=" ", actor=office)

    unchanged(item, Status.REVIEWED)


@pytest.mark.parametrize("status", [s for s in Status.values if s != Status.REVIEWED])
def test_return_reviewed_item_refuses_what_was_not_reviewed(world: World, office: User, status: str) -> None:
    """The office returns only what the township reviewed."""
    item = item_in(world, status)

    with pytest.raises(Conflict):
        return_reviewed(item, office)

    unchanged(item, status)


# close_item


def test_close_item_closes_a_reviewed_item(world: World, office: User) -> None:
    """The office closes (销号) today by default: CLOSED, closed_on, a CLOSURE note with its note, the event."""
    item = item_in(world, Status.REVIEWED, needs_return_visit=False)

    actions.close_item(item, actor=office, note=" 经核查整改到位，予以销号。 ")

    item.refresh_from_db()
    assert (item.status, item.closed_on) == (Status.CLOSED, timezone.localdate())
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author, note.on) == (
        Progress.Kind.CLOSURE,
        "经核查整改到位，予以销号。",
        office,
        timezone.localdate(),
    )
    event = event_of(item, "rectification.item_closure")
    assert event.actor == office
    assert (before_of(event)["status"], after_of(event)["status"]) == ("REVIEWED", "CLOSED")


def test_close_item_updates_the_callers_copy(world: World, office: User) -> None:
    """Like every action, close_item leaves the object it was given in the state it wrote."""
    item = item_in(world, Status.REVIEWED, needs_return_visit=False)

    actions.close_item(item, actor=office)

    assert (item.status, item.closed_on) == (Status.CLOSED, timezone.localdate())


@pytest.mark.parametrize(
    ("source", "target"),
    sorted(set(ALLOWED_MOVES) - {(Status.REVIEWED, Status.CLOSED), (Status.ONGOING, Status.CLOSED)} - VISIT_MOVES),
)
def test_each_move_updates_the_callers_copy(
    world: World, request: pytest.FixtureRequest, source: str, target: str
) -> None:
    """The object handed to the action shows the new status, so that a page or the API can render it as is."""
    act, name, _verb = MOVES[(source, target)]
    long_term = Status.ONGOING in (source, target)
    item = item_in(
        world, source, fix_type=FixType.LONG_TERM if long_term else FixType.FOLLOW_UP, needs_return_visit=False
    )

    act(item, persona(request, name))

    assert item.status == target


def test_close_item_on_a_past_day(world: World, office: User) -> None:
    """The closure may be recorded for the day it was decided; the default note says 销号."""
    item = item_in(world, Status.REVIEWED, needs_return_visit=False)

    actions.close_item(item, actor=office, closed_on=date(2024, 1, 31))

    item.refresh_from_db()
    assert item.closed_on == date(2024, 1, 31)
    note = Progress.objects.get(item=item)
    assert (note.on, note.text) == (date(2024, 1, 31), "Closed (销号).")


def test_close_item_refuses_a_day_in_the_future(world: World, office: User) -> None:
    """An item cannot be closed tomorrow."""
    item = item_in(world, Status.REVIEWED, needs_return_visit=False)

    with pytest.raises(Conflict):
        actions.close_item(item, actor=office, closed_on=timezone.localdate() + timedelta(days=1))

    unchanged(item, Status.REVIEWED)
    assert item.closed_on is None


def test_close_item_refuses_a_reviewed_long_term_item(world: World, office: User) -> None:
    """A long-term item (长期坚持) is kept ongoing, not closed, when the township has reviewed it."""
    item = item_in(world, Status.REVIEWED, fix_type=FixType.LONG_TERM, needs_return_visit=False)

    with pytest.raises(TransitionNotAllowed):
        close(item, office)

    unchanged(item, Status.REVIEWED)


def test_close_item_closes_an_ongoing_long_term_item(world: World, office: User) -> None:
    """Once its goal is reached, an ongoing long-term item is closed."""
    item = item_in(world, Status.ONGOING, fix_type=FixType.LONG_TERM, needs_return_visit=False)

    close(item, office)

    item.refresh_from_db()
    assert item.status == Status.CLOSED
    assert before_of(event_of(item, "rectification.item_closure"))["status"] == "ONGOING"


@pytest.mark.parametrize("status", [Status.OPEN, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED])
def test_close_item_refuses_work_the_township_has_not_reviewed(world: World, office: User, status: str) -> None:
    """The office closes only what the township reviewed (统筹把关 before 销号)."""
    item = item_in(world, status, needs_return_visit=False)

    with pytest.raises(TransitionNotAllowed):
        close(item, office)

    unchanged(item, status)


def test_close_item_refuses_a_day_before_the_feedback(world: World, office: User) -> None:
    """A closure cannot be dated before the village was even told of the problem (2023-12-04)."""
    item = item_in(world, Status.REVIEWED, needs_return_visit=False)

    with pytest.raises(Conflict):
        actions.close_item(item, actor=office, closed_on=date(2023, 11, 1))

    unchanged(item, Status.REVIEWED)


# make_ongoing


def test_make_ongoing_keeps_a_long_term_item_going(world: World, office: User) -> None:
    """A reviewed long-term item becomes ONGOING: the village goes on reporting."""
    item = item_in(world, Status.REVIEWED, fix_type=FixType.LONG_TERM)

    actions.make_ongoing(item, actor=office)

    item.refresh_from_db()
    assert item.status == Status.ONGOING
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author) == (Progress.Kind.ONGOING, "Kept as a long-term item.", office)
    event = event_of(item, "rectification.item_ongoing")
    assert (event.actor, before_of(event)["status"], after_of(event)["status"]) == (office, "REVIEWED", "ONGOING")


@pytest.mark.parametrize("fix_type", [FixType.IMMEDIATE, FixType.FOLLOW_UP])
def test_make_ongoing_is_only_for_long_term_items(world: World, office: User, fix_type: str) -> None:
    """An immediate or follow-up item is closed, never kept ongoing."""
    item = item_in(world, Status.REVIEWED, fix_type=fix_type)

    with pytest.raises(Conflict):
        keep_ongoing(item, office)

    unchanged(item, Status.REVIEWED)


# reopen_item


@pytest.mark.parametrize("status", [Status.CLOSED, Status.ONGOING])
def test_reopen_item_takes_an_item_back_into_work(world: World, office: User, status: str) -> None:
    """A closed (or ongoing) item is back IN_PROGRESS with its new deadline; closure and verification are
    cleared and the count of reopenings goes up; the event holds the old and new deadline."""
    item = item_in(world, status, fix_type=FixType.LONG_TERM, verified_at=timezone.now(), closed_on=date(2024, 2, 1))
    new_deadline = later()

    actions.reopen_item(item, reason=" 群众反映问题反弹。 ", new_deadline=new_deadline, actor=office)

    item.refresh_from_db()
    assert (item.status, item.deadline, item.closed_on, item.verified_at, item.reopened) == (
        Status.IN_PROGRESS,
        new_deadline,
        None,
        None,
        1,
    )
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author) == (Progress.Kind.REOPEN, "群众反映问题反弹。", office)
    event = event_of(item, "rectification.item_reopen")
    assert event.actor == office
    assert event.before == {"status": status, "deadline": FOLLOW_UP_DEADLINE.isoformat()}
    assert event.after == {"status": "IN_PROGRESS", "deadline": new_deadline.isoformat(), "text": "群众反映问题反弹。"}


def test_reopen_item_counts_each_reopening(world: World, office: User) -> None:
    """An item reopened, closed again and reopened again has been reopened twice."""
    item = item_in(world, Status.CLOSED, reopened=1)

    reopen(item, office)

    item.refresh_from_db()
    assert item.reopened == 2


def test_reopen_item_counts_from_the_stored_item(world: World, office: User) -> None:
    """The office's page was loaded before a return visit reopened the item, which was then closed again: the
    second reopening makes two, whatever the page's copy said."""
    item = item_in(world, Status.CLOSED)
    stale = LedgerItem.objects.get(pk=item.pk)
    LedgerItem.objects.filter(pk=item.pk).update(reopened=1)

    reopen(stale, office)

    item.refresh_from_db()
    assert item.reopened == 2


@pytest.mark.parametrize("status", [Status.OPEN, Status.RETURNED])
def test_reopen_item_is_only_for_closed_or_ongoing_items(world: World, office: User, status: str) -> None:
    """Only what was closed (or kept ongoing) is reopened; an open item's deadline is moved by an extension."""
    item = item_in(world, status)

    with pytest.raises(TransitionNotAllowed):
        reopen(item, office)

    unchanged(item, status)


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.SUBMITTED, Status.REVIEWED])
def test_reopen_item_refuses_work_under_way(world: World, office: User, status: str) -> None:
    """An item being worked on or reviewed is not reopened."""
    item = item_in(world, status)

    with pytest.raises(TransitionNotAllowed):
        reopen(item, office)

    unchanged(item, status)


@pytest.mark.parametrize("days", [0, -1, -400])
def test_reopen_item_needs_a_deadline_in_the_future(world: World, office: User, days: int) -> None:
    """The new deadline lies after today."""
    item = item_in(world, Status.CLOSED)

    with pytest.raises(Conflict):
        actions.reopen_item(item, reason="问题反弹", new_deadline=later(days), actor=office)

    unchanged(item, Status.CLOSED)


def test_reopen_item_needs_a_reason(world: World, office: User) -> None:
    item = item_in(world, Status.CLOSED)

    with pytest.raises(Conflict):
        actions.reopen_item(item, reason="  ", new_deadline=later(), actor=office)

    unchanged(item, Status.CLOSED)


# extend_deadline


@pytest.mark.parametrize("status", [Status.OPEN, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED])
def test_extend_deadline_grants_more_time(world: World, office: User, status: str) -> None:
    """The office grants an item still open more time: the deadline moves, the status stays, an EXTENSION note
    keeps the reason and the event the deadline before and after."""
    item = item_in(world, status)

    actions.extend_deadline(item, new_deadline=date(2024, 3, 29), reason=" 需待春耕后实施。 ", actor=office)

    assert item.deadline == date(2024, 3, 29)
    item.refresh_from_db()
    assert (item.status, item.deadline) == (status, date(2024, 3, 29))
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author, note.on) == (
        Progress.Kind.EXTENSION,
        "需待春耕后实施。 (new deadline 2024-03-29)",
        office,
        timezone.localdate(),
    )
    event = event_of(item, "rectification.item_extended")
    assert event.actor == office
    assert event.before == {"deadline": FOLLOW_UP_DEADLINE.isoformat()}
    assert event.after == {"deadline": "2024-03-29", "reason": "需待春耕后实施。"}


@pytest.mark.parametrize("new_deadline", [FOLLOW_UP_DEADLINE, FOLLOW_UP_DEADLINE - timedelta(days=1)])
def test_extend_deadline_must_move_the_deadline_later(world: World, office: User, new_deadline: date) -> None:
    item = item_in(world, Status.IN_PROGRESS)

    with pytest.raises(Conflict):
        actions.extend_deadline(item, new_deadline=new_deadline, reason="延期", actor=office)

    unchanged(item, Status.IN_PROGRESS)
    assert item.deadline == FOLLOW_UP_DEADLINE


def test_extend_deadline_needs_a_reason(world: World, office: User) -> None:
    item = item_in(world, Status.IN_PROGRESS)

    with pytest.raises(Conflict):
        actions.extend_deadline(item, new_deadline=date(2024, 3, 29), reason="", actor=office)

    unchanged(item, Status.IN_PROGRESS)


@pytest.mark.parametrize("status", [Status.CLOSED, Status.ONGOING])
def test_extend_deadline_refuses_an_item_already_done(world: World, office: User, status: str) -> None:
    item = item_in(world, status)

    with pytest.raises(TransitionNotAllowed):
        extend(item, office)

    unchanged(item, status)
    assert item.deadline == FOLLOW_UP_DEADLINE


# require_return_visit


def test_require_return_visit_flags_an_item(world: World, office: User) -> None:
    """The office asks that an item of an ordinary village be verified on a visit before it closes."""
    item = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    assert not item.needs_return_visit

    actions.require_return_visit(item, actor=office)

    assert item.needs_return_visit
    item.refresh_from_db()
    assert item.needs_return_visit
    event = event_of(item, "rectification.item_flagged")
    assert (event.actor, event.unit, event.after) == (office, world.village_a2, {"needs_return_visit": True})


def test_require_return_visit_twice_logs_once(world: World, office: User) -> None:
    """Flagging an item already flagged (a key village's, here) changes nothing and logs nothing."""
    item = item_in(world, Status.IN_PROGRESS)
    assert item.needs_return_visit

    actions.require_return_visit(item, actor=office)

    assert not Event.objects.exists()


def test_a_flagged_item_closes_only_after_a_verified_visit(world: World, office: User) -> None:
    """Once flagged, an ordinary village's item is held back from closure like a key village's."""
    item = ledger_item(world.round, world.village_a2, status=Status.REVIEWED)
    actions.require_return_visit(item, actor=office)

    with pytest.raises(Conflict, match="return visit"):
        close(item, office)

    item.refresh_from_db()
    assert item.status == Status.REVIEWED
