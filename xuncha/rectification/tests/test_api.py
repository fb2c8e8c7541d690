"""The rectification API: scoping through ``visible_to`` (nothing for a township or village before feedback, only
their own after), lists and fan-out, feedback and receipts, every ledger move allowed and refused (403 for the
wrong role, 409 for the wrong state or a stale ``expected_status``), return visits, figures and query budgets."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, Settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core import workdays
from xuncha.findings.models import Category, Evidence, FixType, Problem
from xuncha.findings.tests.factories import png_bytes
from xuncha.inspections.models import Membership, Round
from xuncha.inspections.tests.factories import member
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import actions
from xuncha.rectification.models import (
    CommonItem,
    Feedback,
    LedgerItem,
    ProblemList,
    Progress,
    Receipt,
    ReturnVisit,
    VisitCheck,
)
from xuncha.rectification.tests.factories import (
    Reported,
    ledger_item,
    photo,
    publish,
    reported_round,
    township_person,
    village_person,
    visit,
)

API = "/api/v1"
Status = LedgerItem.Status
MEASURES = "召开村民代表会议补办合同表决手续，追缴租金入账。"
DONE_TEXT = "合同已补办表决手续，租金3.2万元已全部入账。"


# Helpers ----------------------------------------------------------------------------------------------------------


def client_for(user: User | None) -> APIClient:
    """A client signed in by session (a fresh user object per request, as in production)."""
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def count(response: Any) -> int:
    assert response.status_code == 200, response.content
    return int(response.json()["count"])


def events(verb: str, obj: Any) -> int:
    return Event.objects.filter(verb=verb, object_type=obj._meta.label_lower, object_id=str(obj.pk)).count()


def upload(name: str = "整改后照片.png") -> io.BytesIO:
    """A real PNG as a multipart file."""
    handle = io.BytesIO(png_bytes())
    handle.name = name
    return handle


def later(days: int = 60) -> date:
    return timezone.localdate() + timedelta(days=days)


def submitted(item: LedgerItem) -> LedgerItem:
    """The village submits the item with a photo (the system acting, for a scene)."""
    return actions.submit_item(item, text=DONE_TEXT, actor=None, files=[photo()])


def close_through_review(item: LedgerItem) -> LedgerItem:
    """Submit, approve and close an item of a village that needs no return visit."""
    actions.review_item(submitted(item), approve=True, actor=None)
    return actions.close_item(item, actor=None)


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def reported(world: World) -> Reported:
    """Round 4 in REPORTING: 甲一村, 甲二村, 甲社区 and 乙一村 with two confirmed problems each."""
    return reported_round(world)


@pytest.fixture
def township_b_user(world: World) -> User:
    return township_person(world.township_b, "township_b")


@pytest.fixture
def village_a2_user(world: World) -> User:
    return village_person(world.village_a2, "village_a2")


# Signing in -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["lists/", "feedback/", "items/", "visits/", "figures/", "items/1/progress/"])
def test_anonymous_requests_are_refused_with_401(world: World, path: str) -> None:
    response = APIClient().get(f"{API}/{path}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_token_signs_requests(reported: Reported, world: World, office: User, village_user: User) -> None:
    publish(reported.round, world.village_a1, office)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=village_user).key}")
    assert count(client.get(f"{API}/items/")) == 2
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(f"{API}/items/").status_code == 401


# Scoping: nothing before feedback, both recipients at once after, only their own ---------------------------------


@pytest.mark.parametrize("persona", ["township_user", "village_user", "outsider", "auditor", "nobody"])
def test_nothing_is_visible_to_township_or_village_before_feedback(
    request: pytest.FixtureRequest, reported: Reported, office: User, world: World, persona: str
) -> None:
    """A built but unpublished list is the office's: 404 on it, empty lists of lists, items and feedback, and
    figures of nothing."""
    problem_list = actions.build_individual_list(reported.round, world.village_a1, actor=office)
    assert count(client_for(office).get(f"{API}/lists/")) == 1
    client = client_for(request.getfixturevalue(persona))
    assert count(client.get(f"{API}/lists/")) == 0
    assert client.get(f"{API}/lists/{problem_list.pk}/").status_code == 404
    assert count(client.get(f"{API}/items/")) == 0
    assert count(client.get(f"{API}/feedback/")) == 0
    assert client.get(f"{API}/figures/").json()["ledger_items"] == 0


def test_publication_shows_the_lists_to_township_and_village_at_once(
    reported: Reported, office: User, world: World, township_user: User, village_user: User
) -> None:
    """同步双向反馈: one POST feeds back the individual list and the common list; from that response on, both the
    township party committee and the village organisation see both lists, the items and the feedback."""
    client = client_for(office)
    built = client.post(
        f"{API}/lists/build/", {"round": reported.round.pk, "village": world.village_a1.code}, format="json"
    )
    assert built.status_code == 200, built.content
    assert built.json()["published"] is False
    assert len(built.json()["entries"]) == 2
    common = client.post(
        f"{API}/lists/common-items/",
        {
            "round": reported.round.pk,
            "text": "村务公开不及时。",
            "category": Category.DISCLOSURE,
            "fix_type": FixType.FOLLOW_UP,
            "problems": [reported.of(world.village_a1)[1].pk, reported.of(world.village_a2)[0].pk],
            "villages": [world.village_a1.code, world.village_a2.code],
        },
        format="json",
    )
    assert common.status_code == 201, common.content
    for user in (township_user, village_user):
        assert count(client_for(user).get(f"{API}/lists/")) == 0

    response = client.post(
        f"{API}/feedback/",
        {"round": reported.round.pk, "village": world.village_a1.code, "fed_back_on": "2023-12-04"},
        format="json",
    )
    assert response.status_code == 201, response.content
    feedback = Feedback.objects.get(pk=response.json()["id"])
    assert response.json()["plan_due"] == "2023-12-25"  # 15 working days
    assert [r["recipient"] for r in response.json()["receipts"]] == ["TOWNSHIP", "VILLAGE"]
    assert events("rectification.feedback_published", feedback) == 1
    for user in (township_user, village_user):
        local = client_for(user)
        lists = local.get(f"{API}/lists/").json()["results"]
        assert {row["kind"] for row in lists} == {"INDIVIDUAL", "COMMON"}
        assert all(row["published"] for row in lists)
        entries = local.get(f"{API}/lists/{built.json()['id']}/").json()["entries"]
        assert [entry["problem"] for entry in entries] == [reported.of(world.village_a1)[0].pk]  # the other is common
        assert count(local.get(f"{API}/items/")) == 2  # one of its own problems, one common item
        assert count(local.get(f"{API}/feedback/")) == 1
    assert set(Problem.objects.filter(village=world.village_a1).values_list("status", flat=True)) == {"FED_BACK"}


def test_after_feedback_each_sees_only_its_own(
    reported: Reported,
    office: User,
    world: World,
    township_user: User,
    village_user: User,
    township_b_user: User,
    village_a2_user: User,
    outsider: User,
) -> None:
    feedback_a1 = publish(reported.round, world.village_a1, office)
    feedback_b1 = publish(reported.round, world.village_b1, office)
    item_a1 = LedgerItem.objects.filter(village=world.village_a1).first()
    item_b1 = LedgerItem.objects.filter(village=world.village_b1).first()
    assert item_a1 is not None and item_b1 is not None
    expected = {
        office: {feedback_a1.pk, feedback_b1.pk},
        township_user: {feedback_a1.pk},
        village_user: {feedback_a1.pk},
        township_b_user: {feedback_b1.pk},
        village_a2_user: set(),
        outsider: set(),
    }
    for user, feedbacks in expected.items():
        client = client_for(user)
        rows = client.get(f"{API}/feedback/").json()["results"]
        assert {row["id"] for row in rows} == feedbacks, user
        items = {row["id"] for row in client.get(f"{API}/items/").json()["results"]}
        assert (item_a1.pk in items, item_b1.pk in items) == (feedback_a1.pk in feedbacks, feedback_b1.pk in feedbacks)
        list_a1 = client.get(f"{API}/lists/{feedback_a1.individual_list_id}/")
        assert list_a1.status_code == (200 if feedback_a1.pk in feedbacks else 404), user
        assert client.get(f"{API}/items/{item_b1.pk}/").status_code == (200 if item_b1.pk in items else 404)


def test_a_missing_item_answers_404_like_a_hidden_one(reported: Reported, office: User, world: World) -> None:
    publish(reported.round, world.village_b1, office)
    item = LedgerItem.objects.filter(village=world.village_b1).first()
    assert item is not None
    hidden = client_for(village_person(world.village_a1)).get(f"{API}/items/{item.pk}/")
    missing = client_for(office).get(f"{API}/items/{item.pk + 1000}/")
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.json() == missing.json()


# Lists ------------------------------------------------------------------------------------------------------------


def test_only_the_office_builds_lists(
    reported: Reported, world: World, office: User, township_user: User, group_leader: User, outsider: User
) -> None:
    body = {"round": reported.round.pk, "village": world.village_a1.code}
    assert client_for(township_user).post(f"{API}/lists/build/", body, format="json").status_code == 403
    assert client_for(group_leader).post(f"{API}/lists/build/", body, format="json").status_code == 403
    hidden = client_for(outsider).post(f"{API}/lists/build/", body, format="json")
    assert hidden.status_code == 400
    assert set(hidden.json()) == {"round", "village"}
    assert not ProblemList.objects.exists()
    response = client_for(office).post(f"{API}/lists/build/", body, format="json")
    assert response.status_code == 200
    assert response.json()["kind"] == "INDIVIDUAL"
    assert response.json()["village"] == world.village_a1.code
    assert [entry["problem"] for entry in response.json()["entries"]] == [p.pk for p in reported.of(world.village_a1)]


def test_lists_are_built_only_after_stationing_and_until_fed_back(
    world: World, reported: Reported, office: User
) -> None:
    client = client_for(office)
    body = {"round": reported.round.pk, "village": world.village_a1.code}
    Round.objects.filter(pk=reported.round.pk).update(status=Round.Status.STATIONED)
    assert client.post(f"{API}/lists/build/", body, format="json").status_code == 409
    Round.objects.filter(pk=reported.round.pk).update(status=Round.Status.REPORTING)
    publish(reported.round, world.village_a1, office)
    again = client.post(f"{API}/lists/build/", body, format="json")
    assert again.status_code == 409
    assert "already fed back" in again.json()["detail"]


def test_a_common_item_needs_problems_of_two_villages(reported: Reported, world: World, office: User) -> None:
    body = {
        "round": reported.round.pk,
        "text": "财务收支未按季度公开。",
        "category": Category.DISCLOSURE,
        "fix_type": FixType.FOLLOW_UP,
        "problems": [p.pk for p in reported.of(world.village_a1)],
        "villages": [world.village_a1.code, world.village_a2.code],
    }
    client = client_for(office)
    assert client.post(f"{API}/lists/common-items/", body, format="json").status_code == 409
    assert client.post(f"{API}/lists/common-items/", {**body, "category": "NOPE"}, format="json").status_code == 400
    assert not CommonItem.objects.exists()


def test_a_common_item_is_built_by_the_office_only(reported: Reported, world: World, group_leader: User) -> None:
    body = {
        "round": reported.round.pk,
        "text": "财务收支未按季度公开。",
        "category": Category.DISCLOSURE,
        "fix_type": FixType.FOLLOW_UP,
        "problems": [reported.of(world.village_a1)[0].pk],
        "villages": [world.village_a1.code],
    }
    assert client_for(group_leader).post(f"{API}/lists/common-items/", body, format="json").status_code == 403


def test_a_common_item_over_three_villages_fans_out_and_rolls_up(
    reported: Reported,
    world: World,
    office: User,
    township_user: User,
    village_user: User,
) -> None:
    """Each village fed back gets its own ledger item of the common item; closing two of three shows 2/3 to the
    office, while a township or village counts only the items it sees."""
    client = client_for(office)
    villages = [world.village_a1, world.village_a2, world.village_b1]
    created = client.post(
        f"{API}/lists/common-items/",
        {
            "round": reported.round.pk,
            "text": "村务公开不及时、不规范，财务收支未按季度公开。",
            "category": Category.DISCLOSURE,
            "fix_type": FixType.FOLLOW_UP,
            "problems": [reported.of(world.village_a1)[0].pk, reported.of(world.village_a2)[0].pk],
            "villages": [village.code for village in villages],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["number"], body["items_total"]) == (1, 0)
    assert {unit["code"] for unit in body["villages"]} == {village.code for village in villages}
    common = CommonItem.objects.get(pk=body["id"])

    for village in villages:
        built = client.post(f"{API}/lists/build/", {"round": reported.round.pk, "village": village.code}, format="json")
        assert built.status_code == 200
        published = client.post(
            f"{API}/feedback/", {"round": reported.round.pk, "village": village.code}, format="json"
        )
        assert published.status_code == 201, published.content
    fanned = LedgerItem.objects.filter(common_item=common)
    assert sorted(fanned.values_list("village_id", flat=True)) == sorted(village.pk for village in villages)
    assert set(fanned.values_list("number", flat=True)) == {"[2023]4巡-共性-01"}

    for village in (world.village_a2, world.village_b1):
        close_through_review(fanned.get(village=village))

    def rollup(user: User) -> tuple[int, int]:
        row = client_for(user).get(f"{API}/lists/{common.problem_list_id}/").json()["common_items"][0]
        return row["items_closed"], row["items_total"]

    assert rollup(office) == (2, 3)
    assert rollup(township_user) == (1, 2)  # 甲一村 and 甲二村
    assert rollup(village_user) == (0, 1)
    listed = client.get(f"{API}/items/", {"status": "CLOSED"}).json()["results"]
    assert {row["common_item"] for row in listed} == {common.pk}


# Feedback and receipts --------------------------------------------------------------------------------------------


def test_only_the_office_publishes_and_only_once(
    reported: Reported, world: World, office: User, township_user: User, outsider: User
) -> None:
    actions.build_individual_list(reported.round, world.village_a1, actor=office)
    body = {"round": reported.round.pk, "village": world.village_a1.code}
    assert client_for(township_user).post(f"{API}/feedback/", body, format="json").status_code == 403
    assert client_for(outsider).post(f"{API}/feedback/", body, format="json").status_code == 400
    client = client_for(office)
    future = {**body, "fed_back_on": later().isoformat()}
    assert client.post(f"{API}/feedback/", future, format="json").status_code == 409
    assert not Feedback.objects.exists()
    assert client.post(f"{API}/feedback/", body, format="json").status_code == 201
    again = client.post(f"{API}/feedback/", body, format="json")
    assert again.status_code == 409
    assert again.json()["detail"]
    assert Feedback.objects.count() == 1


def test_publishing_needs_the_list_built_first(reported: Reported, world: World, office: User) -> None:
    body = {"round": reported.round.pk, "village": world.village_a1.code}
    response = client_for(office).post(f"{API}/feedback/", body, format="json")
    assert response.status_code == 409
    assert "Build the individual list" in response.json()["detail"]


def test_each_recipient_signs_its_own_receipt_once(
    reported: Reported, world: World, office: User, township_user: User, village_user: User, outsider: User
) -> None:
    feedback = publish(reported.round, world.village_a1, office)
    township_receipt = feedback.receipts.get(recipient=Receipt.Recipient.TOWNSHIP)
    village_receipt = feedback.receipts.get(recipient=Receipt.Recipient.VILLAGE)
    sign_township = f"{API}/receipts/{township_receipt.pk}/sign/"
    sign_village = f"{API}/receipts/{village_receipt.pk}/sign/"

    assert client_for(village_user).post(sign_township).status_code == 403
    assert client_for(office).post(sign_township).status_code == 403
    assert client_for(outsider).post(sign_township).status_code == 404
    assert count(client_for(office).get(f"{API}/feedback/", {"signed": "false"})) == 1

    signed = client_for(township_user).post(sign_township)
    assert signed.status_code == 200, signed.content
    assert signed.json()["signed"] is True
    assert signed.json()["signed_by"] == str(township_user)
    assert events("rectification.receipt_signed", township_receipt) == 1
    assert client_for(township_user).post(sign_township).status_code == 409
    assert client_for(township_user).post(sign_village).status_code == 403
    assert client_for(village_user).post(sign_village).status_code == 200

    client = client_for(office)
    assert count(client.get(f"{API}/feedback/", {"signed": "false"})) == 0
    detail = client.get(f"{API}/feedback/{feedback.pk}/").json()
    assert [receipt["signed"] for receipt in detail["receipts"]] == [True, True]
    assert client.get(f"{API}/receipts/{township_receipt.pk}/sign/").status_code == 405


# Ledger items: every move, allowed and refused --------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """A POST on an item: who may make it, from which state it succeeds, and a state that refuses it."""

    name: str
    body: dict[str, Any]
    by: str  # "village", "township" or "office"
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
        {"new_deadline": FUTURE, "reason": "涉及上级审批，需延期。"},
        "office",
        "IN_PROGRESS",
        "CLOSED",
        "IN_PROGRESS",
        "rectification.item_extended",
    ),  # fmt: skip
    Move("flag", {}, "office", "OPEN", None, "OPEN", "rectification.item_flagged"),
]
# Personas by what they are to 甲二村's item: its village, its township, the office, and others who may read it.
ALLOWED = {"village": {"village_a2_user"}, "township": {"township_user"}, "office": {"office", "office_lead"}}
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
    if move.name in ("reopen", "extend"):
        assert item.deadline.isoformat() == FUTURE
    if move.multipart:
        assert Evidence.objects.filter(progress__item=item).count() == 1


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
    world: World, office: User, village_user: User, township_user: User
) -> None:
    """甲一村 is a key village: the office cannot close its reviewed item until a return visit verifies it."""
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
    closed = client.post(f"{API}/items/{item.pk}/close/", {"closed_on": "2024-03-06"}, format="json")
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


def test_dates_of_office_moves_are_checked(world: World, office: User) -> None:
    client = client_for(office)
    reviewed = ledger_item(world.round, world.village_a2, status=Status.REVIEWED)
    tomorrow = later(1).isoformat()
    assert client.post(f"{API}/items/{reviewed.pk}/close/", {"closed_on": tomorrow}, format="json").status_code == 409
    closed = ledger_item(world.round, world.village_a2, status=Status.CLOSED)
    past = {"reason": "反弹", "new_deadline": "2024-01-01"}
    assert client.post(f"{API}/items/{closed.pk}/reopen/", past, format="json").status_code == 409
    working = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    earlier = {"new_deadline": "2024-01-01", "reason": "延期"}
    assert client.post(f"{API}/items/{working.pk}/extend/", earlier, format="json").status_code == 409


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


# Return visits ----------------------------------------------------------------------------------------------------


def test_the_office_or_the_inspecting_group_plans_a_visit(
    world: World, office: User, group_leader: User, township_user: User, village_user: User
) -> None:
    item = ledger_item(world.round, world.village_a1, status=Status.REVIEWED)
    body = {"village": world.village_a1.code, "planned_on": "2024-03-05", "items": [item.pk]}
    assert client_for(township_user).post(f"{API}/visits/", body, format="json").status_code == 403
    assert client_for(village_user).post(f"{API}/visits/", body, format="json").status_code == 403
    by_group = client_for(group_leader).post(f"{API}/visits/", body, format="json")
    assert by_group.status_code == 201, by_group.content
    assert by_group.json()["planned_by_group"] == world.group.pk
    assert [check["item"] for check in by_group.json()["checks"]] == [item.pk]
    assert by_group.json()["checks"][0]["verdict"] == ""
    visit_ = ReturnVisit.objects.get(pk=by_group.json()["id"])
    assert events("rectification.visit_planned", visit_) == 1
    assert client_for(office).post(f"{API}/visits/", body, format="json").json()["planned_by_group"] is None
    # The township and village see the visits to their village; the group sees its own.
    assert count(client_for(township_user).get(f"{API}/visits/")) == 2
    assert count(client_for(group_leader).get(f"{API}/visits/")) == 1


def test_a_visit_checks_items_of_its_village_only(world: World, office: User, outsider: User) -> None:
    other = ledger_item(world.round, world.village_a2)
    body = {"village": world.village_a1.code, "planned_on": "2024-03-05", "items": [other.pk]}
    response = client_for(office).post(f"{API}/visits/", body, format="json")
    assert response.status_code == 409
    assert not ReturnVisit.objects.exists()
    hidden = client_for(outsider).post(f"{API}/visits/", body, format="json")
    assert hidden.status_code == 400
    assert set(hidden.json()) == {"village", "items"}


def test_recording_a_visit_verifies_and_reopens(world: World, office: User, township_user: User) -> None:
    """A VERIFIED verdict lets the item close; a REOPEN verdict sends the item back into work with a new deadline.
    Only the office or the planning group records, once."""
    fixed = ledger_item(world.round, world.village_a1, status=Status.REVIEWED)
    broken = ledger_item(world.round, world.village_a1, status=Status.CLOSED, needs_return_visit=False)
    planned = visit(world.village_a1, [fixed, broken], planned_by=office)
    url = f"{API}/visits/{planned.pk}/record/"
    new_deadline = later(30).isoformat()
    verified = {"item": fixed.pk, "verdict": "VERIFIED", "note": "已重新安装并试水成功"}
    reopen = {"item": broken.pk, "verdict": "REOPEN", "note": "消防栓仍无水。", "new_deadline": new_deadline}
    body = {
        "visited_on": "2024-03-05",
        "people_asked": 12,
        "people_satisfied": 9,
        "note": "走访群众12人。",
        "verdicts": [verified, reopen],
    }
    assert client_for(township_user).post(url, body, format="json").status_code == 403
    client = client_for(office)
    assert client.post(url, {**body, "verdicts": [verified]}, format="json").status_code == 409
    assert client.post(url, {**body, "people_satisfied": 13}, format="json").status_code == 409
    twice = {**body, "verdicts": [verified, verified]}
    assert client.post(url, twice, format="json").status_code == 400
    crowd = {**body, "people_asked": 10**12, "people_satisfied": 10**12}
    assert set(client.post(url, crowd, format="json").json()) == {"people_asked", "people_satisfied"}
    no_deadline = {**body, "verdicts": [verified, {"item": broken.pk, "verdict": "REOPEN"}]}
    assert client.post(url, no_deadline, format="json").status_code == 409
    assert ReturnVisit.objects.get(pk=planned.pk).status == ReturnVisit.Status.PLANNED

    response = client.post(url, body, format="json")
    assert response.status_code == 200, response.content
    result = response.json()
    assert (result["status"], result["people_asked"], result["people_satisfied"], result["satisfaction"]) == (
        "DONE",
        12,
        9,
        75,
    )
    assert {check["item"]: check["verdict"] for check in result["checks"]} == {
        fixed.pk: "VERIFIED",
        broken.pk: "REOPEN",
    }
    fixed.refresh_from_db()
    broken.refresh_from_db()
    assert fixed.verified_at is not None
    assert (broken.status, broken.deadline.isoformat(), broken.reopened) == ("IN_PROGRESS", new_deadline, 1)
    assert events("rectification.visit_recorded", planned) == 1
    assert events("rectification.item_reopen", broken) == 1
    assert client.post(url, body, format="json").status_code == 409
    assert client.post(f"{API}/items/{fixed.pk}/close/", {}, format="json").status_code == 200


def test_the_visit_shows_its_photos(world: World, office: User, village_user: User) -> None:
    item = ledger_item(world.round, world.village_a1, status=Status.REVIEWED)
    planned = visit(world.village_a1, [item], planned_by=office)
    check = VisitCheck.objects.get(visit=planned)
    handle, name, size = photo("消防栓.png")
    actions.attach_check_photo(check, handle, name, size, actor=office, caption="试水")
    body = client_for(village_user).get(f"{API}/visits/{planned.pk}/").json()
    assert [(p["original_name"], p["caption"]) for p in body["checks"][0]["photos"]] == [("消防栓.png", "试水")]


# Figures ----------------------------------------------------------------------------------------------------------


def test_the_figures_count_the_items_the_user_sees(
    reported: Reported, world: World, office: User, township_user: User, village_user: User, outsider: User
) -> None:
    """Completion rate = closed ÷ fed-back items (in percent, one decimal), over each user's own scope."""
    for village in (world.village_a1, world.village_a2, world.village_b1):
        publish(reported.round, village, office)
    close_through_review(LedgerItem.objects.filter(village=world.village_a2).first())  # type: ignore[arg-type]
    ongoing = ledger_item(world.round, world.village_b1, status=Status.ONGOING, fix_type=FixType.LONG_TERM)
    assert ongoing.pk

    figures = client_for(office).get(f"{API}/figures/").json()
    assert figures["ledger_items"] == 7
    assert (figures["closed"], figures["ongoing"], figures["open"]) == (1, 1, 5)
    assert figures["completion_rate"] == 14.3  # 1 ÷ 7
    assert figures["overdue"] == 5  # fed back in December 2023: all open items are past their deadline
    assert (figures["closed_on_time"], figures["closed_late"], figures["on_time_rate"]) == (0, 1, 0.0)

    township = client_for(township_user).get(f"{API}/figures/").json()
    assert (township["ledger_items"], township["closed"], township["completion_rate"]) == (4, 1, 25.0)
    village = client_for(village_user).get(f"{API}/figures/").json()
    assert (village["ledger_items"], village["closed"], village["completion_rate"]) == (2, 0, 0.0)
    assert client_for(outsider).get(f"{API}/figures/").json()["ledger_items"] == 0

    client = client_for(office)
    assert client.get(f"{API}/figures/", {"township": world.township_b.code}).json()["ledger_items"] == 3
    assert client.get(f"{API}/figures/", {"round": reported.round.pk}).json()["ledger_items"] == 7
    assert client.get(f"{API}/figures/", {"round": 0}).status_code == 400
    assert client_for(outsider).get(f"{API}/figures/", {"round": reported.round.pk}).status_code == 400


# Query budgets ----------------------------------------------------------------------------------------------------


def _grow(world: World, office: User, villages: list[AdminUnit]) -> None:
    """More of every kind of row each list shows: feedbacks with receipts signed, items with progress, visits
    with checks and photos."""
    for village in villages:
        feedback = publish(world.round, village, office)
        actions.sign_receipt(feedback.receipts.get(recipient=Receipt.Recipient.TOWNSHIP), actor=None)
        items = list(LedgerItem.objects.filter(village=village))
        actions.report_progress(items[0], text="进展", actor=None, files=[photo()])
        planned = visit(village, items, planned_by=office)
        for check in planned.checks.all():
            handle, name, size = photo()
            actions.attach_check_photo(check, handle, name, size, actor=office)


@pytest.mark.parametrize("path", ["lists/", "feedback/", "items/", "visits/"])
def test_a_list_costs_the_same_for_one_or_many_rows(
    reported: Reported,
    world: World,
    office: User,
    office_lead: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    path: str,
) -> None:
    all_villages = [world.village_a1, world.village_a2, world.community_a, world.village_b1]
    actions.add_common_item(
        reported.round,
        text="村务公开不及时。",
        category=Category.DISCLOSURE,
        fix_type=FixType.FOLLOW_UP,
        problems=[reported.of(world.village_a1)[0], reported.of(world.village_a2)[0]],
        villages=all_villages,
        actor=office,
    )
    _grow(world, office, all_villages[:1])
    client = client_for(office_lead)
    with CaptureQueriesContext(connection) as one:
        assert count(client.get(f"{API}/{path}")) >= 1
    _grow(world, office, all_villages[1:])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert count(client.get(f"{API}/{path}")) >= 4


def test_the_figures_cost_the_same_for_one_or_many_items(
    reported: Reported,
    world: World,
    office: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    publish(reported.round, world.village_a1, office)
    client = client_for(office)
    with CaptureQueriesContext(connection) as one:
        client.get(f"{API}/figures/")
    for village in (world.village_a2, world.community_a, world.village_b1):
        publish(reported.round, village, office)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"{API}/figures/").json()["ledger_items"] == 8


# A group's own villages -------------------------------------------------------------------------------------------


def test_a_group_sees_the_lists_and_items_of_the_villages_it_inspected_only(
    reported: Reported, world: World, office: User
) -> None:
    """Group members see what their own assignments cover (DESIGN: "own assignments"), as with working papers: a
    member of 第五巡察组, which inspected 乙一村, has no business with 甲一村's list, items or feedback."""
    feedback = publish(reported.round, world.village_a1, office)
    item = LedgerItem.objects.filter(village=world.village_a1).first()
    assert item is not None
    group5 = reported.assignments[world.village_b1.pk].group
    stranger = User.objects.create(username="group5_member")
    member(group5, stranger, Membership.GroupRole.MEMBER)
    client = client_for(stranger)
    assert client.get(f"{API}/problems/{reported.of(world.village_a1)[0].pk}/").status_code == 404
    assert client.get(f"{API}/lists/{feedback.individual_list_id}/").status_code == 404
    assert client.get(f"{API}/items/{item.pk}/").status_code == 404
    assert client.get(f"{API}/feedback/{feedback.pk}/").status_code == 404


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


def test_a_deadline_more_than_three_years_ahead_is_refused(world: World, office: User) -> None:
    """A mistyped year (2036 for 2026) is a typing error, not a plan: the extension is refused and the item keeps its
    deadline."""
    item = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    deadline = item.deadline
    extended = client_for(office).post(
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
