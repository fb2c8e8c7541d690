"""The rectification API on return visits and figures: planning and recording a visit with its checks and photos,
the figures a user sees, and the query budgets of the lists and the figures.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.findings.models import Category, FixType
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem, Receipt, ReturnVisit, VisitCheck
from xuncha.rectification.tests.api_helpers import API, Status, client_for, close_through_review, count, events, later
from xuncha.rectification.tests.factories import Reported, ledger_item, photo, publish, visit

pytestmark = pytest.mark.usefixtures("media")


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


def test_recording_a_visit_verifies_and_reopens(
    world: World, office: User, office_lead: User, township_user: User
) -> None:
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
    assert (broken.failed_visits, fixed.verified_by) == (1, office)
    # The clerk who verified does not close (four eyes); the director does.
    assert client.post(f"{API}/items/{fixed.pk}/close/", {}, format="json").status_code == 403
    assert client_for(office_lead).post(f"{API}/items/{fixed.pk}/close/", {}, format="json").status_code == 200


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
        actions.sign_receipt(feedback.receipts.get(recipient=Receipt.Recipient.TOWNSHIP), actor=SYSTEM)
        items = list(LedgerItem.objects.filter(village=village))
        actions.report_progress(items[0], text="进展", actor=SYSTEM, files=[photo()])
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
