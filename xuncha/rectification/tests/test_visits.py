"""Return visits (回访): the office or the group that inspected a village plans a visit and chooses items to
check, records a verdict for each (VERIFIED or REOPEN), photos, and the residents' satisfaction; an item of a key
village, or one the office flagged, closes only after a verified visit; REOPEN sends it back into work.

甲一村 is a key village, 甲二村 an ordinary one; group 3 inspected 甲一村 in round 4.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from xuncha.accounts.actors import Actor
from xuncha.accounts.models import User
from xuncha.audit.actions import WITHHELD
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.core.uploads import UploadRefused
from xuncha.evidence.models import Evidence
from xuncha.findings.tests.factories import pdf_bytes, persona
from xuncha.inspections.models import Round
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, assign
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem, Progress, ReturnVisit, VisitCheck
from xuncha.rectification.tests.factories import (
    FOLLOW_UP_DEADLINE,
    PROGRESS_TEXT,
    after_of,
    before_of,
    event_of,
    ledger_item,
    photo,
    publish,
    reported_round,
    visit,
)

Status = LedgerItem.Status
Verdict = VisitCheck.Verdict
VISITED_ON = date(2024, 3, 6)
# A REOPEN verdict's new deadline lies after the visit and after today, whenever the visit is recorded.
NEW_DEADLINE = timezone.localdate() + timedelta(days=60)
SEEN = "已重新安装并试水成功"
CHAIN_VERBS = {
    "rectification.item_planned",
    "rectification.item_submission",
    "rectification.item_approval",
    "rectification.item_closure",
}
NOT_PLANNERS = [
    "leader",
    "discipline",
    "township_user",
    "village_user",
    "outsider",
    "auditor",
    "sysadmin",
    "nobody",
]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def a1_item(world: World, status: str = Status.REVIEWED, **fields: Any) -> LedgerItem:
    return ledger_item(world.round, world.village_a1, status=status, **fields)


def record(
    planned: ReturnVisit,
    verdicts: dict[int, tuple[str, str, date | None]],
    actor: Actor,
    *,
    asked: int = 20,
    satisfied: int = 18,
    visited_on: date = VISITED_ON,
) -> ReturnVisit:
    return actions.record_visit(
        planned,
        visited_on=visited_on,
        verdicts=verdicts,
        people_asked=asked,
        people_satisfied=satisfied,
        actor=actor,
        visitors="县委巡察办 张三、李四",
        note="走访群众20人，满意18人。",
    )


def verified(*items: LedgerItem) -> dict[int, tuple[str, str, date | None]]:
    return {item.pk: (Verdict.VERIFIED, SEEN, None) for item in items}


# plan_visit


def test_plan_visit_chooses_the_items_to_check(world: World, office: User) -> None:
    """The office plans a visit to 甲一村 checking two of its three items; the event names them."""
    first, second, _third = (a1_item(world) for _ in range(3))

    planned = actions.plan_visit(
        world.village_a1, planned_on=date(2024, 3, 5), items=[first, second], actor=office, visitors=" 张三、李四 "
    )

    planned.refresh_from_db()
    assert (planned.village, planned.planned_on, planned.visitors, planned.status) == (
        world.village_a1,
        date(2024, 3, 5),
        "张三、李四",
        ReturnVisit.Status.PLANNED,
    )
    assert (planned.planned_by, planned.planned_by_group) == (office, None)
    assert set(planned.items.all()) == {first, second}
    assert {check.verdict for check in planned.checks.all()} == {""}
    event = event_of(planned, "rectification.visit_planned")
    assert (event.actor, event.unit) == (office, world.village_a1)
    assert event.after == {"planned_on": "2024-03-05", "items": [first.number, second.number]}


@pytest.mark.parametrize("name", ["group_leader", "group_member"])
def test_the_group_that_inspected_the_village_plans_a_visit(
    world: World, request: pytest.FixtureRequest, name: str
) -> None:
    """A member of group 3 plans a visit to 甲一村 for round 4; the visit is the group's."""
    item = a1_item(world)
    actor = persona(request, name)

    planned = actions.plan_visit(
        world.village_a1, planned_on=date(2024, 3, 5), items=[item], actor=actor, round_=world.round
    )

    assert (planned.planned_by, planned.planned_by_group) == (actor, world.group)


def test_a_group_plans_only_visits_to_the_villages_it_inspected(world: World, group_member: User) -> None:
    """Group 3 did not inspect 甲二村; it cannot plan a visit there."""
    item = ledger_item(world.round, world.village_a2, status=Status.REVIEWED)

    with pytest.raises(PermissionDenied):
        actions.plan_visit(
            world.village_a2, planned_on=date(2024, 3, 5), items=[item], actor=group_member, round_=world.round
        )

    assert not ReturnVisit.objects.exists()


def test_a_group_plans_a_visit_only_for_its_round(world: World, group_member: User) -> None:
    """Without the round, a group member's membership gives no right to plan."""
    with pytest.raises(PermissionDenied):
        actions.plan_visit(world.village_a1, planned_on=date(2024, 3, 5), items=[a1_item(world)], actor=group_member)

    assert not ReturnVisit.objects.exists()


@pytest.mark.parametrize("name", NOT_PLANNERS)
def test_plan_visit_is_refused_to_others(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """The township and the village do not plan the visit that checks their own work; county leaders read only."""
    with pytest.raises(PermissionDenied):
        actions.plan_visit(
            world.village_a1,
            planned_on=date(2024, 3, 5),
            items=[a1_item(world)],
            actor=persona(request, name),
            round_=world.round,
        )

    assert not ReturnVisit.objects.exists()


def test_plan_visit_needs_items(world: World, office: User) -> None:
    with pytest.raises(Conflict):
        actions.plan_visit(world.village_a1, planned_on=date(2024, 3, 5), items=[], actor=office)

    assert not ReturnVisit.objects.exists()


def test_plan_visit_checks_only_the_villages_items(world: World, office: User) -> None:
    """An item of 甲二村 is not checked on a visit to 甲一村."""
    other = ledger_item(world.round, world.village_a2, status=Status.REVIEWED)

    with pytest.raises(Conflict, match="甲一村"):
        actions.plan_visit(world.village_a1, planned_on=date(2024, 3, 5), items=[a1_item(world), other], actor=office)

    assert not ReturnVisit.objects.exists()


@pytest.mark.parametrize("status", [Status.OPEN, Status.IN_PROGRESS, Status.RETURNED])
def test_plan_visit_refuses_work_not_reported_done(world: World, office: User, status: str) -> None:
    """A visit checks work the village reported done: an item still being worked on is not put on one."""
    done, unfinished = a1_item(world), a1_item(world, status)

    with pytest.raises(Conflict, match="still being worked on"):
        actions.plan_visit(world.village_a1, planned_on=date(2024, 3, 5), items=[done, unfinished], actor=office)

    assert not ReturnVisit.objects.exists()


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.REVIEWED, Status.CLOSED, Status.ONGOING])
def test_plan_visit_checks_work_reported_done(world: World, office: User, status: str) -> None:
    item = a1_item(world, status)

    planned = actions.plan_visit(world.village_a1, planned_on=date(2024, 3, 5), items=[item], actor=office)

    assert list(planned.items.all()) == [item]


def test_a_group_checks_only_the_items_of_the_round_it_inspected(world: World, group_member: User) -> None:
    """Group 3 inspected 甲一村 in round 4; an item of 甲一村 from round 5 is not its to check."""
    round5 = RoundFactory.create(term=world.term, number=5, status=Round.Status.RECTIFYING)
    assign(GroupFactory.create(round=round5, number=1), [world.village_a1])
    other_round = ledger_item(round5, world.village_a1, status=Status.REVIEWED)

    with pytest.raises(Conflict, match="round"):
        actions.plan_visit(
            world.village_a1,
            planned_on=date(2024, 3, 5),
            items=[a1_item(world), other_round],
            actor=group_member,
            round_=world.round,
        )

    assert not ReturnVisit.objects.exists()


def test_the_office_checks_items_of_any_round(world: World, office: User) -> None:
    round5 = RoundFactory.create(term=world.term, number=5, status=Round.Status.RECTIFYING)
    assign(GroupFactory.create(round=round5, number=1), [world.village_a1])
    items = [a1_item(world), ledger_item(round5, world.village_a1, status=Status.REVIEWED)]

    planned = actions.plan_visit(world.village_a1, planned_on=date(2024, 3, 5), items=items, actor=office)

    assert set(planned.items.all()) == set(items)


# record_visit


def test_record_visit_keeps_verdicts_and_satisfaction(world: World, office: User) -> None:
    """The visit is DONE on its day with its visitors and residents' counts; a VERIFIED item is marked verified;
    the event holds every verdict and the counts."""
    first, second = a1_item(world), a1_item(world)
    planned = visit(world.village_a1, [first, second], office)

    record(planned, verified(first, second), office, asked=50, satisfied=45)

    planned.refresh_from_db()
    assert (planned.status, planned.visited_on, planned.visitors, planned.note) == (
        ReturnVisit.Status.DONE,
        VISITED_ON,
        "县委巡察办 张三、李四",
        "走访群众20人，满意18人。",
    )
    assert (planned.people_asked, planned.people_satisfied, planned.satisfaction) == (50, 45, 90)
    assert [(check.verdict, check.note) for check in planned.checks.all()] == [(Verdict.VERIFIED, SEEN)] * 2
    for item in (first, second):
        item.refresh_from_db()
        assert item.verified_at is not None
        assert item.status == Status.REVIEWED
    event = event_of(planned, "rectification.visit_recorded")
    assert event.actor == office
    assert event.after == {
        "visited_on": "2024-03-06",
        "verdicts": {first.number: "VERIFIED", second.number: "VERIFIED"},
        "people_asked": 50,
        "people_satisfied": 45,
    }


@pytest.mark.parametrize("status", [Status.REVIEWED, Status.CLOSED, Status.ONGOING])
def test_a_reopen_verdict_sends_the_item_back_into_work(world: World, office: User, status: str) -> None:
    """REOPEN: the item is IN_PROGRESS again with its new deadline, its closure and verification cleared and its
    count of reopenings up by one; a REOPEN note dated the visit and an event with before and after."""
    item = a1_item(world, status, verified_at=timezone.now(), closed_on=date(2024, 2, 1))
    planned = visit(world.village_a1, [item], office)

    record(planned, {item.pk: (Verdict.REOPEN, " 消防栓仍无水 ", NEW_DEADLINE)}, office)

    item.refresh_from_db()
    assert (item.status, item.deadline, item.closed_on, item.verified_at, item.reopened) == (
        Status.IN_PROGRESS,
        NEW_DEADLINE,
        None,
        None,
        1,
    )
    note = Progress.objects.get(item=item)
    assert (note.kind, note.on, note.author) == (Progress.Kind.REOPEN, VISITED_ON, office)
    assert "消防栓仍无水" in note.text
    check = planned.checks.get()
    assert (check.verdict, check.note, check.new_deadline) == (Verdict.REOPEN, "消防栓仍无水", NEW_DEADLINE)
    event = event_of(item, "rectification.item_reopen")
    assert event.actor == office
    assert event.before == {"status": status, "deadline": FOLLOW_UP_DEADLINE.isoformat()}
    assert event.after == {
        "status": "IN_PROGRESS",
        "deadline": NEW_DEADLINE.isoformat(),
        "text": WITHHELD,
    }


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.REVIEWED])
def test_a_reopen_verdict_moves_along_the_transition_table(world: World, office: User, status: str) -> None:
    """Every status change of an item is a move of ITEM_TRANSITIONS, the visit's too."""
    item = a1_item(world, status)
    planned = visit(world.village_a1, [item], office)

    record(planned, {item.pk: (Verdict.REOPEN, "未整改到位", NEW_DEADLINE)}, office)

    event = event_of(item, "rectification.item_reopen")
    assert after_of(event)["status"] in actions.ITEM_TRANSITIONS[before_of(event)["status"]]


def test_a_verified_verdict_shows_on_the_items_timeline(world: World, office: User) -> None:
    """The verification that allows a key village's item to close is a step of the item's own history, as a
    REOPEN verdict is."""
    item = a1_item(world)
    planned = visit(world.village_a1, [item], office)

    record(planned, verified(item), office)

    timeline = Event.objects.filter(object_type="rectification.ledgeritem", object_id=str(item.pk))
    assert [(event.verb, event.actor) for event in timeline] == [("rectification.item_verified", office)]
    assert timeline.get().after == {"visit": planned.pk, "visited_on": "2024-03-06", "note": WITHHELD}


def test_a_verified_item_is_verified_on_the_day_of_the_visit(world: World, office: User) -> None:
    """A visit recorded later is dated by the day it took place (at noon), not by the day it was written down."""
    item = a1_item(world)

    record(visit(world.village_a1, [item], office), verified(item), office)

    item.refresh_from_db()
    assert item.verified_at == datetime(2024, 3, 6, 12, tzinfo=timezone.get_current_timezone())
    assert timezone.localdate(item.verified_at) == VISITED_ON


def test_every_checked_item_needs_a_verdict(world: World, office: User) -> None:
    """A verdict missing for one of the checked items, or given for an item not checked, is refused."""
    first, second = a1_item(world), a1_item(world)
    other = a1_item(world)
    planned = visit(world.village_a1, [first, second], office)

    for verdicts in (verified(first), verified(first, second, other), {}):
        with pytest.raises(Conflict, match="every item"):
            record(planned, verdicts, office)

    planned.refresh_from_db()
    assert planned.status == ReturnVisit.Status.PLANNED
    assert not LedgerItem.objects.filter(verified_at__isnull=False).exists()


def test_an_unknown_verdict_is_refused(world: World, office: User) -> None:
    item = a1_item(world)
    planned = visit(world.village_a1, [item], office)

    with pytest.raises(Conflict):
        record(planned, {item.pk: ("MAYBE", "", None)}, office)

    item.refresh_from_db()
    assert item.verified_at is None


@pytest.mark.parametrize(("asked", "satisfied"), [(20, 21), (0, 1), (-1, 0), (10, -1)])
def test_satisfied_residents_cannot_outnumber_those_asked(
    world: World, office: User, asked: int, satisfied: int
) -> None:
    item = a1_item(world)
    planned = visit(world.village_a1, [item], office)

    with pytest.raises(Conflict):
        record(planned, verified(item), office, asked=asked, satisfied=satisfied)

    planned.refresh_from_db()
    assert (planned.status, planned.people_asked, planned.people_satisfied) == (ReturnVisit.Status.PLANNED, None, None)


def test_all_residents_may_be_satisfied(world: World, office: User) -> None:
    item = a1_item(world)
    planned = visit(world.village_a1, [item], office)

    record(planned, verified(item), office, asked=12, satisfied=12)

    planned.refresh_from_db()
    assert planned.satisfaction == 100


@pytest.mark.parametrize(
    "new_deadline",
    [
        None,
        VISITED_ON,
        VISITED_ON - timedelta(days=1),
    ],
)
def test_a_reopen_verdict_needs_a_deadline_after_the_visit(
    world: World, office: User, new_deadline: date | None
) -> None:
    """Without a new deadline after the visit (as with an extension, the day the work was judged is what counts) the
    whole record is refused: the VERIFIED verdict given for the other item in the same record is not kept either."""
    good, bad = a1_item(world), a1_item(world, Status.CLOSED)
    planned = visit(world.village_a1, [good, bad], office)

    with pytest.raises(Conflict):
        record(planned, {**verified(good), bad.pk: (Verdict.REOPEN, "未整改", new_deadline)}, office)

    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.verified_at is None
    assert (bad.status, bad.reopened) == (Status.CLOSED, 0)
    assert not Event.objects.exists()


def test_a_visit_is_recorded_once(world: World, office: User) -> None:
    item = a1_item(world)
    planned = visit(world.village_a1, [item], office)
    record(planned, verified(item), office)

    with pytest.raises(TransitionNotAllowed):
        record(ReturnVisit.objects.get(pk=planned.pk), {item.pk: (Verdict.REOPEN, "", NEW_DEADLINE)}, office)

    item.refresh_from_db()
    assert item.status == Status.REVIEWED


def test_a_visit_is_not_recorded_before_it_happens(world: World, office: User) -> None:
    item = a1_item(world)
    planned = visit(world.village_a1, [item], office)

    with pytest.raises(Conflict):
        record(planned, verified(item), office, visited_on=timezone.localdate() + timedelta(days=1))

    planned.refresh_from_db()
    assert planned.status == ReturnVisit.Status.PLANNED


def test_the_group_records_its_own_visit(world: World, group_member: User) -> None:
    item = a1_item(world)
    planned = visit(world.village_a1, [item], group_member, planned_by_group=world.group)

    record(planned, verified(item), group_member)

    planned.refresh_from_db()
    assert planned.status == ReturnVisit.Status.DONE


@pytest.mark.parametrize("name", [*NOT_PLANNERS, "group_member"])
def test_record_visit_is_refused_to_others(
    world: World, office: User, request: pytest.FixtureRequest, name: str
) -> None:
    """Only the office, or the group whose visit it is, records it: a group member cannot record the office's
    visit, and the township and village cannot give verdicts on their own work."""
    item = a1_item(world)
    planned = visit(world.village_a1, [item], office)

    with pytest.raises(PermissionDenied):
        record(planned, verified(item), persona(request, name))

    planned.refresh_from_db()
    item.refresh_from_db()
    assert (planned.status, item.verified_at) == (ReturnVisit.Status.PLANNED, None)


# photos


def test_attach_check_photo_keeps_a_photo_of_what_was_seen(world: World, office: User) -> None:
    item = a1_item(world)
    planned = visit(world.village_a1, [item], office)
    check = planned.checks.get()
    handle, name, size = photo("消防栓试水.png")

    evidence = actions.attach_check_photo(check, handle, name, size, actor=office, caption=" 试水 ")

    assert list(check.evidence.all()) == [evidence]
    assert (evidence.original_name, evidence.caption, evidence.uploaded_by) == (
        "消防栓试水.png",
        "试水",
        office,
    )
    event = event_of(evidence, "rectification.visit_photo_attached")
    assert event.after == {"item": item.number, "sha256": evidence.sha256}


def test_attach_check_photo_takes_only_images(world: World, office: User) -> None:
    """A visit's evidence is photos: a PDF is refused."""
    planned = visit(world.village_a1, [a1_item(world)], office)
    data = pdf_bytes()

    with pytest.raises(UploadRefused):
        actions.attach_check_photo(planned.checks.get(), io.BytesIO(data), "记录.pdf", len(data), actor=office)

    assert not Evidence.objects.exists()


@pytest.mark.parametrize("name", ["township_user", "village_user", "group_member", "outsider"])
def test_attach_check_photo_is_refused_to_others(
    world: World, office: User, request: pytest.FixtureRequest, name: str
) -> None:
    planned = visit(world.village_a1, [a1_item(world)], office)
    handle, file_name, size = photo()

    with pytest.raises(PermissionDenied):
        actions.attach_check_photo(planned.checks.get(), handle, file_name, size, actor=persona(request, name))

    assert not Evidence.objects.exists()


# no closure without a verified return visit


def test_a_key_villages_item_closes_only_after_a_verified_visit(world: World, office: User, office_lead: User) -> None:
    """甲一村 is a key village: its reviewed item is held back until a visit verifies it, then the director closes
    it (the clerk who recorded the visit may not: four eyes)."""
    item = a1_item(world)
    assert item.needs_return_visit

    with pytest.raises(Conflict, match="return visit"):
        actions.close_item(item, actor=office)
    item.refresh_from_db()
    assert item.status == Status.REVIEWED

    record(visit(world.village_a1, [item], office), verified(item), office)
    with pytest.raises(PermissionDenied, match="four eyes"):
        actions.close_item(item, actor=office)
    actions.close_item(item, actor=office_lead)

    item.refresh_from_db()
    assert item.status == Status.CLOSED


def test_a_planned_but_unrecorded_visit_does_not_allow_closure(world: World, office: User) -> None:
    item = a1_item(world)
    visit(world.village_a1, [item], office)

    with pytest.raises(Conflict):
        actions.close_item(item, actor=office)


def test_an_ordinary_villages_item_closes_without_a_visit(world: World, office: User) -> None:
    item = ledger_item(world.round, world.village_a2, status=Status.REVIEWED)
    assert not item.needs_return_visit

    actions.close_item(item, actor=office)

    item.refresh_from_db()
    assert item.status == Status.CLOSED


def test_a_flagged_item_closes_after_a_verified_visit(world: World, office: User, office_lead: User) -> None:
    item = ledger_item(world.round, world.village_a2, status=Status.REVIEWED)
    actions.require_return_visit(item, actor=office)
    with pytest.raises(Conflict):
        actions.close_item(item, actor=office)

    record(visit(world.village_a2, [item], office_lead), verified(item), office_lead)
    actions.close_item(item, actor=office)

    item.refresh_from_db()
    assert item.status == Status.CLOSED


def test_a_reopened_item_needs_a_new_verification(world: World, office: User, office_lead: User) -> None:
    """An item verified, closed and reopened by the office must be verified again before it closes anew."""
    item = a1_item(world)
    record(visit(world.village_a1, [item], office), verified(item), office)
    actions.close_item(item, actor=office_lead)
    actions.reopen_item(
        item, reason="群众反映问题反弹", new_deadline=timezone.localdate() + timedelta(days=30), actor=office
    )
    LedgerItem.objects.filter(pk=item.pk).update(status=Status.REVIEWED)

    with pytest.raises(Conflict, match="return visit"):
        actions.close_item(LedgerItem.objects.get(pk=item.pk), actor=office_lead)


def test_the_whole_chain_to_a_verified_closure(
    world: World, office: User, office_lead: User, township_user: User, village_user: User
) -> None:
    """The office publishes 甲一村's lists, the village submits with evidence, the township approves, the office
    cannot close until a return visit verifies the work, then closes; the item's timeline holds every step."""
    reported = reported_round(world, per_village=1)
    publish(reported.round, world.village_a1, office, fed_back_on=date(2023, 12, 4))
    item = LedgerItem.objects.get(village=world.village_a1)

    actions.plan_item(
        item, measures="重新安装消防栓并试水", goal="消防栓正常出水", responsible_leader="王建华", actor=village_user
    )
    actions.submit_item(item, text=PROGRESS_TEXT, actor=village_user, files=[photo()])
    actions.review_item(item, approve=True, actor=township_user)
    with pytest.raises(Conflict):
        actions.close_item(item, actor=office)
    planned = actions.plan_visit(world.village_a1, planned_on=date(2024, 3, 5), items=[item], actor=office)
    record(planned, verified(item), office, asked=30, satisfied=30)
    actions.close_item(item, actor=office_lead)

    item.refresh_from_db()
    assert item.status == Status.CLOSED
    assert list(item.progress.values_list("kind", flat=True).order_by("pk")) == [
        Progress.Kind.PLAN,
        Progress.Kind.SUBMISSION,
        Progress.Kind.APPROVAL,
        Progress.Kind.CLOSURE,
    ]
    timeline = list(
        Event.objects.filter(object_type="rectification.ledgeritem", object_id=str(item.pk)).order_by("seq")
    )
    steps = [(event.verb, event.actor) for event in timeline if event.verb in CHAIN_VERBS]
    assert timeline[-1].verb == "rectification.item_closure"
    assert steps == [
        ("rectification.item_planned", village_user),
        ("rectification.item_submission", village_user),
        ("rectification.item_approval", township_user),
        ("rectification.item_closure", office_lead),
    ]
    assert Event.objects.filter(verb="rectification.visit_recorded").exists()
