"""The rectification API on problem lists, feedback and receipts: signing in, scoping through ``visible_to``
(nothing for a township or village before feedback, only their own after, a group only its own villages),
building lists and common items with their fan-out, publishing feedback and signing receipts.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xuncha.accounts.actions import issue_token
from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.findings.models import Category, FixType, Problem
from xuncha.inspections.models import Membership, Round
from xuncha.inspections.tests.factories import member
from xuncha.rectification import actions
from xuncha.rectification.models import CommonItem, Feedback, LedgerItem, ProblemList, Receipt
from xuncha.rectification.tests.api_helpers import API, client_for, close_through_review, count, events, later
from xuncha.rectification.tests.factories import Reported, publish, village_person

pytestmark = pytest.mark.usefixtures("media")


# Signing in -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["lists/", "feedback/", "items/", "visits/", "figures/", "items/1/progress/"])
def test_anonymous_requests_are_refused_with_401(world: World, path: str) -> None:
    response = APIClient().get(f"{API}/{path}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_token_signs_requests(reported: Reported, world: World, office: User, village_user: User) -> None:
    publish(reported.round, world.village_a1, office)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(village_user, actor=village_user).key}")
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
