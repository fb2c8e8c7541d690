"""The rectification API on ledger items: every move allowed and refused (403 for the wrong role, 409 for the
wrong state or a stale ``expected_status``), bodies, files and evidence, concurrent reviews, what an item shows
its reader, the item list's filters, and the dates a move may carry.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.core import workdays
from xuncha.evidence.models import Evidence
from xuncha.findings.models import FixType
from xuncha.findings.tests.factories import png_bytes
from xuncha.rectification.models import LedgerItem, Progress
from xuncha.rectification.tests.api_helpers import API, DONE_TEXT, Status, client_for, count, events, later
from xuncha.rectification.tests.factories import Reported, ledger_item, publish, township_person

pytestmark = pytest.mark.usefixtures("media")


MEASURES = "召开村民代表会议补办合同表决手续，追缴租金入账。"


def upload(name: str = "整改后照片.png") -> io.BytesIO:
    """A real PNG as a multipart file."""
    handle = io.BytesIO(png_bytes())
    handle.name = name
    return handle


# Ledger items: every move, allowed and refused --------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """A POST on an item: who may make it, from which state it succeeds, and a state that refuses it."""

    name: str
    body: dict[str, Any]
    by: str  # "village", "township", "office" or "director"
    allowed_in: str
    refused_in: str | None
    leaves: str
    verb: str
    fix_type: str = FixType.FOLLOW_UP
    multipart: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        # Multipart files are read once: each request gets fresh ones.
        return {**self.body, "files": [upload()]} if self.multipart else dict(self.body)

    def post(self, client: APIClient, item: LedgerItem) -> Any:
        url = f"{API}/items/{item.pk}/{self.name}/"
        if self.multipart:
            return client.post(url, self.payload())
        return client.post(url, self.payload(), format="json")


FUTURE = (timezone.localdate() + timedelta(days=90)).isoformat()
# Within the 180 days the office director grants alone beyond the item's deadline (factories.FOLLOW_UP_DEADLINE).
WITHIN_LIMITS = "2024-04-30"
MOVES = [
    Move(
        "plan",
        {"measures": MEASURES, "responsible_leader": "李四"},
        "village",
        "OPEN",
        "SUBMITTED",
        "IN_PROGRESS",
        "rectification.item_planned",
    ),  # fmt: skip
    Move(
        "progress",
        {"text": "已召开村民代表会议。"},
        "village",
        "OPEN",
        "CLOSED",
        "IN_PROGRESS",
        "rectification.item_progress",
        multipart=True,
    ),  # fmt: skip
    Move(
        "submit",
        {"text": DONE_TEXT},
        "village",
        "IN_PROGRESS",
        "REVIEWED",
        "SUBMITTED",
        "rectification.item_submission",
        multipart=True,
    ),  # fmt: skip
    Move(
        "review", {"approve": True}, "township", "SUBMITTED", "IN_PROGRESS", "REVIEWED", "rectification.item_approval"
    ),  # fmt: skip
    Move(
        "return",
        {"reason": "佐证材料不足。"},
        "office",
        "REVIEWED",
        "SUBMITTED",
        "RETURNED",
        "rectification.item_return",
    ),  # fmt: skip
    Move(
        "close", {"note": "经核查，整改到位。"}, "office", "REVIEWED", "OPEN", "CLOSED", "rectification.item_closure"
    ),  # fmt: skip
    Move(
        "ongoing", {}, "office", "REVIEWED", "OPEN", "ONGOING", "rectification.item_ongoing", fix_type=FixType.LONG_TERM
    ),  # fmt: skip
    Move(
        "reopen",
        {"reason": "群众反映问题反弹。", "new_deadline": FUTURE},
        "office",
        "CLOSED",
        "IN_PROGRESS",
        "IN_PROGRESS",
        "rectification.item_reopen",
    ),  # fmt: skip
    Move(
        "extend",
        {"new_deadline": WITHIN_LIMITS, "reason": "涉及上级审批，需延期。"},
        "director",
        "IN_PROGRESS",
        "CLOSED",
        "IN_PROGRESS",
        "rectification.item_extended",
    ),  # fmt: skip
    Move("flag", {}, "office", "OPEN", None, "OPEN", "rectification.item_flagged"),
]
# Personas by what they are to 甲二村's item: its village, its township, the office, and others who may read it.
ALLOWED = {
    "village": {"village_a2_user"},
    "township": {"township_user"},
    "office": {"office", "office_lead"},
    # A clerk of the office extends no deadline: the director does, within the limits (test_extensions.py).
    "director": {"office_lead"},
}
READERS = ["village_a2_user", "township_user", "office", "office_lead", "leader"]
STRANGERS = ["village_user", "township_b_user", "outsider", "nobody"]


def _item(world: World, move: Move, status: str) -> LedgerItem:
    """An item of 甲二村 (a general village: no return visit needed to close) in ``status``."""
    return ledger_item(world.round, world.village_a2, status=status, fix_type=move.fix_type)


@pytest.mark.parametrize("move", MOVES, ids=lambda move: move.name)
def test_each_move_is_made_by_its_role_and_audited(request: pytest.FixtureRequest, world: World, move: Move) -> None:
    item = _item(world, move, move.allowed_in)
    persona = sorted(ALLOWED[move.by])[0]
    response = move.post(client_for(request.getfixturevalue(persona)), item)
    assert response.status_code in (200, 201), response.content
    item.refresh_from_db()
    assert item.status == move.leaves
    assert events(move.verb, item) == 1
    if move.name == "flag":
        assert item.needs_return_visit is True
    if move.name == "reopen":
        assert item.deadline.isoformat() == FUTURE
    if move.name == "extend":
        assert item.deadline.isoformat() == WITHIN_LIMITS
    if move.multipart:
        assert Evidence.objects.filter(pk__in=item.progress.values("evidence")).count() == 1


@pytest.mark.parametrize("move", MOVES, ids=lambda move: move.name)
def test_each_move_is_refused_to_other_roles_with_403_and_hidden_from_strangers(
    request: pytest.FixtureRequest, world: World, move: Move
) -> None:
    """Whoever reads the item but does not hold the move's role gets 403; whoever cannot read it gets 404, the
    same as for an item that does not exist. Nothing changes and nothing is recorded."""
    item = _item(world, move, move.allowed_in)
    before = (item.status, item.deadline, item.needs_return_visit)
    for persona in READERS + STRANGERS:
        if persona in ALLOWED[move.by]:
            continue
        response = move.post(client_for(request.getfixturevalue(persona)), item)
        expected = 404 if persona in STRANGERS else 403
        assert response.status_code == expected, (persona, response.content)
        assert response.json()["detail"]
    item.refresh_from_db()
    assert (item.status, item.deadline, item.needs_return_visit) == before
    assert events(move.verb, item) == 0
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("move", [move for move in MOVES if move.refused_in], ids=lambda move: move.name)
def test_each_move_is_refused_in_a_wrong_state_with_409(
    request: pytest.FixtureRequest, world: World, move: Move
) -> None:
    assert move.refused_in is not None
    item = _item(world, move, move.refused_in)
    persona = sorted(ALLOWED[move.by])[0]
    response = move.post(client_for(request.getfixturevalue(persona)), item)
    assert response.status_code == 409, response.content
    assert response.json()["detail"]
    item.refresh_from_db()
    assert item.status == move.refused_in
    assert events(move.verb, item) == 0


@pytest.mark.parametrize("move", MOVES, ids=lambda move: move.name)
def test_the_inspecting_group_reads_items_but_makes_no_move(
    world: World, group_leader: User, group_member: User, move: Move
) -> None:
    """第三巡察组 inspected 甲一村: it follows the village's items and may not move them."""
    item = ledger_item(world.round, world.village_a1, status=move.allowed_in, fix_type=move.fix_type)
    for user in (group_leader, group_member):
        client = client_for(user)
        assert client.get(f"{API}/items/{item.pk}/").status_code == 200
        assert move.post(client, item).status_code == 403
    assert events(move.verb, item) == 0


def test_the_wrong_body_is_invalid(world: World, village_a2_user: User, office: User) -> None:
    item = ledger_item(world.round, world.village_a2)
    client = client_for(village_a2_user)
    response = client.post(f"{API}/items/{item.pk}/plan/", {"measures": ""}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"measures", "responsible_leader"}
    reopen = client_for(office).post(f"{API}/items/{item.pk}/reopen/", {"reason": "x"}, format="json")
    assert reopen.status_code == 400
    assert "new_deadline" in reopen.json()


def test_progress_and_submissions_take_multipart_only(world: World, village_a2_user: User) -> None:
    item = ledger_item(world.round, world.village_a2)
    client = client_for(village_a2_user)
    for name in ("progress", "submit"):
        response = client.post(f"{API}/items/{item.pk}/{name}/", {"text": "x"}, format="json")
        assert response.status_code == 415, name


def test_a_progress_report_with_files_is_in_the_history(world: World, village_a2_user: User, office: User) -> None:
    item = ledger_item(world.round, world.village_a2)
    client = client_for(village_a2_user)
    response = client.post(
        f"{API}/items/{item.pk}/progress/", {"text": "已完成一半。", "files": [upload("a.png"), upload("b.png")]}
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "PROGRESS"
    assert sorted(e["original_name"] for e in response.json()["evidence"]) == ["a.png", "b.png"]
    history = client_for(office).get(f"{API}/items/{item.pk}/progress/")
    assert history.status_code == 200
    assert [(row["kind"], len(row["evidence"])) for row in history.json()] == [("PROGRESS", 2)]
    assert history.json()[0]["author"] == str(village_a2_user)


def test_a_refused_file_is_a_bad_request_and_keeps_nothing(world: World, village_a2_user: User) -> None:
    item = ledger_item(world.round, world.village_a2)
    script = io.BytesIO(b"#!/bin/sh\necho hello\n")
    script.name = "photo.png"
    response = client_for(village_a2_user).post(f"{API}/items/{item.pk}/progress/", {"text": "x", "files": [script]})
    assert response.status_code == 400
    assert not Progress.objects.exists()
    item.refresh_from_db()
    assert item.status == Status.OPEN


def test_a_submission_needs_evidence(world: World, village_a2_user: User) -> None:
    item = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    client = client_for(village_a2_user)
    response = client.post(f"{API}/items/{item.pk}/submit/", {"text": DONE_TEXT})
    assert response.status_code == 409
    assert "evidence" in response.json()["detail"]
    client.post(f"{API}/items/{item.pk}/progress/", {"text": "进展", "files": [upload()]})
    assert client.post(f"{API}/items/{item.pk}/submit/", {"text": DONE_TEXT}).json()["status"] == "SUBMITTED"


def test_a_stale_expected_status_is_refused_on_submission(world: World, village_a2_user: User) -> None:
    item = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    response = client_for(village_a2_user).post(
        f"{API}/items/{item.pk}/submit/", {"text": DONE_TEXT, "expected_status": "RETURNED", "files": [upload()]}
    )
    assert response.status_code == 409
    assert "Reload" in response.json()["detail"]
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS


def test_returning_a_submission_needs_a_reason(world: World, township_user: User) -> None:
    item = ledger_item(world.round, world.village_a2, status=Status.SUBMITTED)
    client = client_for(township_user)
    assert client.post(f"{API}/items/{item.pk}/review/", {"approve": False}, format="json").status_code == 409
    returned = client.post(
        f"{API}/items/{item.pk}/review/", {"approve": False, "reason": "照片不清晰。"}, format="json"
    )
    assert returned.status_code == 200
    assert returned.json()["status"] == "RETURNED"
    assert events("rectification.item_return", item) == 1


def test_the_second_of_two_reviewers_gets_a_conflict_and_nothing_is_lost(
    world: World, township_user: User, office: User
) -> None:
    """Two township reviewers open the same submission; the first approves, the second (who still saw it
    submitted) tries to return it: 409 naming who acted first, and the approval stands."""
    other = township_person(world.township_a, "township_a_2")
    item = ledger_item(world.round, world.village_a2, status=Status.SUBMITTED)
    url = f"{API}/items/{item.pk}/review/"
    first = client_for(township_user).post(url, {"approve": True, "expected_status": "SUBMITTED"}, format="json")
    assert first.status_code == 200
    second = client_for(other).post(
        url, {"approve": False, "reason": "材料不全。", "expected_status": "SUBMITTED"}, format="json"
    )
    assert second.status_code == 409
    detail = second.json()["detail"]
    assert str(township_user) in detail
    assert "Reviewed by the township" in detail
    assert "Reload" in detail
    item.refresh_from_db()
    assert item.status == Status.REVIEWED
    assert list(item.progress.values_list("kind", flat=True)) == [Progress.Kind.APPROVAL]
    assert events("rectification.item_approval", item) == 1
    assert events("rectification.item_return", item) == 0
    # Without expected_status a review still expects a submission: the same conflict.
    assert client_for(other).post(url, {"approve": True}, format="json").status_code == 409


def test_a_key_village_item_closes_only_after_a_verified_visit(
    world: World, office: User, office_lead: User, village_user: User, township_user: User
) -> None:
    """甲一村 is a key village: the office cannot close its reviewed item until a return visit verifies it; then the
    clerk who recorded the visit may not close it (four eyes), the director does."""
    item = ledger_item(world.round, world.village_a1, status=Status.REVIEWED)
    assert item.needs_return_visit
    client = client_for(office)
    refused = client.post(f"{API}/items/{item.pk}/close/", {}, format="json")
    assert refused.status_code == 409
    assert "return visit" in refused.json()["detail"]

    planned = client.post(
        f"{API}/visits/",
        {"village": world.village_a1.code, "planned_on": "2024-03-05", "items": [item.pk], "visitors": "县委巡察办"},
        format="json",
    )
    assert planned.status_code == 201, planned.content
    recorded = client.post(
        f"{API}/visits/{planned.json()['id']}/record/",
        {
            "visited_on": "2024-03-05",
            "people_asked": 20,
            "people_satisfied": 19,
            "verdicts": [{"item": item.pk, "verdict": "VERIFIED", "note": "已重新安装并试水成功"}],
        },
        format="json",
    )
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["satisfaction"] == 95
    by_verifier = client.post(f"{API}/items/{item.pk}/close/", {"closed_on": "2024-03-06"}, format="json")
    assert by_verifier.status_code == 403
    assert "four eyes" in by_verifier.json()["detail"]
    closed = client_for(office_lead).post(f"{API}/items/{item.pk}/close/", {"closed_on": "2024-03-06"}, format="json")
    assert closed.status_code == 200, closed.content
    assert (closed.json()["status"], closed.json()["closed_on"], closed.json()["light"]) == (
        "CLOSED",
        "2024-03-06",
        "DONE",
    )


def test_a_reviewed_long_term_item_is_kept_ongoing_not_closed(world: World, office: User) -> None:
    item = ledger_item(world.round, world.village_a2, status=Status.REVIEWED, fix_type=FixType.LONG_TERM)
    client = client_for(office)
    assert client.post(f"{API}/items/{item.pk}/close/", {}, format="json").status_code == 409
    assert client.post(f"{API}/items/{item.pk}/ongoing/", {}, format="json").json()["status"] == "ONGOING"
    follow_up = ledger_item(world.round, world.village_a2, status=Status.REVIEWED)
    assert client.post(f"{API}/items/{follow_up.pk}/ongoing/", {}, format="json").status_code == 409


def test_dates_of_office_moves_are_checked(world: World, office: User, office_lead: User) -> None:
    client = client_for(office)
    reviewed = ledger_item(world.round, world.village_a2, status=Status.REVIEWED)
    tomorrow = later(1).isoformat()
    assert client.post(f"{API}/items/{reviewed.pk}/close/", {"closed_on": tomorrow}, format="json").status_code == 409
    closed = ledger_item(world.round, world.village_a2, status=Status.CLOSED)
    past = {"reason": "反弹", "new_deadline": "2024-01-01"}
    assert client.post(f"{API}/items/{closed.pk}/reopen/", past, format="json").status_code == 409
    working = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    earlier = {"new_deadline": "2024-01-01", "reason": "延期"}
    assert client.post(f"{API}/items/{working.pk}/extend/", earlier, format="json").status_code == 403
    director = client_for(office_lead)
    assert director.post(f"{API}/items/{working.pk}/extend/", earlier, format="json").status_code == 409


def test_an_item_shows_its_light_and_what_the_reader_may_do(
    world: World, office: User, township_user: User, village_a2_user: User, leader: User
) -> None:
    overdue = ledger_item(world.round, world.village_a2)  # due 2024-02-04
    soon = ledger_item(world.round, world.village_a2, deadline=later(3))
    green = ledger_item(world.round, world.village_a2, deadline=later(90))
    done = ledger_item(world.round, world.village_a2, status=Status.CLOSED)
    client = client_for(office)
    lights = {row["id"]: row["light"] for row in client.get(f"{API}/items/").json()["results"]}
    assert lights == {overdue.pk: "RED", soon.pk: "YELLOW", green.pk: "GREEN", done.pk: "DONE"}
    assert count(client.get(f"{API}/items/", {"light": "RED"})) == 1
    may = {
        user: client_for(user).get(f"{API}/items/{overdue.pk}/").json()["may"]
        for user in (office, township_user, village_a2_user, leader)
    }
    assert may[office] == {"report": False, "review": False, "close": True}
    assert may[township_user] == {"report": False, "review": True, "close": False}
    assert may[village_a2_user] == {"report": True, "review": False, "close": False}
    assert may[leader] == {"report": False, "review": False, "close": False}


def test_filters_narrow_the_item_list(reported: Reported, world: World, office: User, village_user: User) -> None:
    publish(reported.round, world.village_a1, office)
    publish(reported.round, world.village_b1, office)
    ledger_item(world.round, world.village_a2, status=Status.SUBMITTED, fix_type=FixType.IMMEDIATE)
    client = client_for(office)
    assert count(client.get(f"{API}/items/")) == 5
    assert count(client.get(f"{API}/items/", {"round": reported.round.pk})) == 5
    assert count(client.get(f"{API}/items/", {"village": world.village_a1.code})) == 2
    assert count(client.get(f"{API}/items/", {"township": world.township_a.code})) == 3
    assert count(client.get(f"{API}/items/", {"status": "SUBMITTED"})) == 1
    assert count(client.get(f"{API}/items/", {"fix_type": "IMMEDIATE"})) == 1
    assert count(client.get(f"{API}/items/", {"village": world.village_b1.code, "status": "OPEN"})) == 2
    assert client.get(f"{API}/items/", {"status": "NOPE"}).status_code == 400
    assert client.get(f"{API}/items/", {"village": world.other_village.code}).status_code == 400
    # A village cannot use a filter to learn of another village.
    assert client_for(village_user).get(f"{API}/items/", {"village": world.village_b1.code}).status_code == 400


# Dates: between the feedback and today, deadlines within reach -------------------------------------------------


def test_progress_cannot_be_dated_in_the_future(world: World, village_a2_user: User) -> None:
    """Like a closure (refused after today) and a finding, a progress report happens by the day it is written."""
    item = ledger_item(world.round, world.village_a2)
    response = client_for(village_a2_user).post(
        f"{API}/items/{item.pk}/progress/", {"text": "已完成。", "on": "2099-01-01", "files": [upload()]}
    )
    assert response.status_code == 409
    assert not Progress.objects.filter(item=item).exists()


def test_an_item_cannot_be_closed_before_it_was_fed_back(world: World, office: User) -> None:
    """An item exists from its feedback (2023-12-04); a closing date before it would count the item as closed on
    time in the figures."""
    item = ledger_item(world.round, world.village_a2, status=Status.REVIEWED)
    response = client_for(office).post(f"{API}/items/{item.pk}/close/", {"closed_on": "2023-06-01"}, format="json")
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.status == Status.REVIEWED


def test_a_deadline_more_than_three_years_ahead_is_refused(world: World, office_lead: User) -> None:
    """A mistyped year (2036 for 2026) is a typing error, not a plan: the extension is refused and the item keeps its
    deadline."""
    item = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    deadline = item.deadline
    extended = client_for(office_lead).post(
        f"{API}/items/{item.pk}/extend/",
        {"new_deadline": (timezone.localdate() + timedelta(days=3 * 366 + 1)).isoformat(), "reason": "延期"},
        format="json",
    )
    assert extended.status_code == 409
    item.refresh_from_db()
    assert item.deadline == deadline


def test_a_far_deadline_does_not_slow_the_item_list(
    world: World, office: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An item's light costs a few calendar look-ups, not one per day up to its deadline, however far it lies (here
    a deadline stored before the three-year limit existed)."""
    item = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    LedgerItem.objects.filter(pk=item.pk).update(deadline=date(2036, 12, 31))
    looked_up = 0
    is_workday = workdays.is_workday

    def counting(day: date) -> bool:
        nonlocal looked_up
        looked_up += 1
        return is_workday(day)

    monkeypatch.setattr(workdays, "is_workday", counting)
    assert client_for(office).get(f"{API}/items/").json()["results"][0]["light"] == "GREEN"
    assert looked_up <= 60
