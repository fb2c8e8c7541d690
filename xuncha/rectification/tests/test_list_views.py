"""The pages of the two lists and the feedback: the office builds and publishes, township and village see the lists
only from publication and sign for them, the office sees who has not signed, and common items roll up."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import BrowserPage, World
from xuncha.core.exceptions import ActionRefused
from xuncha.findings.models import Category, FixType, Problem
from xuncha.findings.tests.factories import ProblemFactory
from xuncha.inspections.models import Assignment, Round
from xuncha.inspections.tests.factories import GroupFactory, assign
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import actions
from xuncha.rectification.models import CommonItem, Feedback, LedgerItem, ProblemList, Receipt
from xuncha.reporting.tests.factories import approve_round_report

HTMX = {"HX-Request": "true", "HX-Target": "problem-picker"}
OVERVIEW = reverse("rectification:list-overview")


@pytest.fixture
def reporting(world: World) -> World:
    """Round 4 after the groups have reported: lists may be built and fed back."""
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.REPORTING)
    approve_round_report(world.round)
    world.round.refresh_from_db()
    return world


@pytest.fixture
def second_assignment(reporting: World) -> Assignment:
    """A second group inspecting 甲二村 and 乙一村 in the same round."""
    group = GroupFactory.create(round=reporting.round, number=5)
    return assign(group, [reporting.village_a2, reporting.village_b1])


def _confirmed(assignment: Assignment, village: AdminUnit | None = None, **fields: object) -> Problem:
    values: dict[str, object] = {"status": Problem.Status.CONFIRMED, **fields}
    if village is not None:
        values["village"] = village
    return ProblemFactory.create(assignment=assignment, **values)


def _build_url(world: World, village: AdminUnit) -> str:
    return reverse("rectification:list-build", args=[world.round.pk, village.code])


def _publish_url(world: World, village: AdminUnit) -> str:
    return reverse("rectification:feedback-publish", args=[world.round.pk, village.code])


def _sign_url(receipt: Receipt) -> str:
    return reverse("rectification:receipt-sign", args=[receipt.pk])


def _published(world: World, office: User, village: AdminUnit | None = None) -> Feedback:
    """Build and publish a village's list through the actions (the pages are tested elsewhere)."""
    village = village or world.village_a1
    actions.build_individual_list(world.round, village, actor=office)
    return actions.publish_feedback(world.round, village, actor=office)


def _receipt(feedback: Feedback, recipient: str) -> Receipt:
    return Receipt.objects.get(feedback=feedback, recipient=recipient)


def _html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_office_builds_and_publishes_through_the_pages(client: Client, reporting: World, office: User) -> None:
    """Building makes the village's list from its confirmed problems; publishing feeds it back with its ledger."""
    problems = [_confirmed(reporting.assignment) for _ in range(2)]
    client.force_login(office)

    response = client.post(_build_url(reporting, reporting.village_a1))
    assert response.status_code == 302
    assert response["Location"].endswith(f"?round={reporting.round.pk}#village-{reporting.village_a1.code}")
    problem_list = ProblemList.objects.get(kind=ProblemList.Kind.INDIVIDUAL, village=reporting.village_a1)
    assert problem_list.entries.count() == 2
    html = _html(client, response["Location"])
    assert "is up to date" in html
    assert 'data-testid="publish-' + reporting.village_a1.code + '"' in html

    response = client.post(
        _publish_url(reporting, reporting.village_a1), {"fed_back_on": timezone.localdate().isoformat()}, follow=True
    )
    assert "at the same time" in response.content.decode()
    feedback = Feedback.objects.get(village=reporting.village_a1)
    assert feedback.fed_back_on == timezone.localdate()
    assert feedback.receipts.count() == 2
    assert {p.status for p in Problem.objects.filter(pk__in=[p.pk for p in problems])} == {Problem.Status.FED_BACK}
    assert LedgerItem.objects.filter(feedback=feedback).count() == 2
    assert Event.objects.filter(verb="rectification.feedback_published", actor=office).exists()


def test_the_list_page_links_each_problem_to_its_ledger_item_once_fed_back(
    client: Client, reporting: World, office: User
) -> None:
    """Before feedback a problem has no item; after it, the list shows the item's number, status and link."""
    problem = _confirmed(reporting.assignment)
    problem_list = actions.build_individual_list(reporting.round, reporting.village_a1, actor=office)
    client.force_login(office)
    html = _html(client, problem_list.get_absolute_url())
    assert problem.serial in html
    assert 'data-testid="item-link"' not in html
    assert 'data-testid="publish"' in html

    feedback = actions.publish_feedback(reporting.round, reporting.village_a1, actor=office)
    item = LedgerItem.objects.get(problem=problem)
    html = _html(client, problem_list.get_absolute_url())
    assert item.get_absolute_url() in html
    assert feedback.plan_due.isoformat() in html
    assert 'data-testid="publish"' not in html


def test_township_and_village_see_the_lists_only_from_publication(
    client: Client, reporting: World, office: User, township_user: User, village_user: User
) -> None:
    """Before feedback neither the township nor the village sees the lists (404); from it both do, at once."""
    problems = [_confirmed(reporting.assignment), _confirmed(reporting.assignment)]
    other = _confirmed(reporting.assignment)
    individual = actions.build_individual_list(reporting.round, reporting.village_a1, actor=office)
    # The common list needs problems of two villages; 甲二村 gets a group of its own.
    group = GroupFactory.create(round=reporting.round, number=5)
    second = assign(group, [reporting.village_a2])
    shared = _confirmed(second)
    item = actions.add_common_item(
        reporting.round,
        text="村务公开不及时、不规范。",
        category=Category.DISCLOSURE,
        fix_type=FixType.FOLLOW_UP,
        problems=[other, shared],
        villages=[reporting.village_a1, reporting.village_a2],
        actor=office,
    )
    for user in (township_user, village_user):
        client.force_login(user)
        assert client.get(individual.get_absolute_url()).status_code == 404
        assert client.get(item.problem_list.get_absolute_url()).status_code == 404
        html = _html(client, OVERVIEW)
        assert "Nothing has been fed back to you yet." in html
        assert problems[0].serial not in html

    actions.publish_feedback(reporting.round, reporting.village_a1, actor=office)

    for user in (township_user, village_user):
        client.force_login(user)
        html = _html(client, individual.get_absolute_url())
        assert problems[0].serial in html and problems[1].serial in html
        html = _html(client, item.problem_list.get_absolute_url())
        assert "村务公开不及时" in html
        # The problem picked from another village is not the reader's to see.
        assert shared.serial not in html
        html = _html(client, OVERVIEW)
        assert f'data-testid="received-row-{reporting.village_a1.code}"' in html
        assert individual.get_absolute_url() in html


def test_township_and_village_each_sign_their_receipt(
    client: Client, reporting: World, office: User, township_user: User, village_user: User
) -> None:
    """Each recipient signs its own receipt through the page; the signer and the time are kept."""
    _confirmed(reporting.assignment)
    feedback = _published(reporting, office)
    for user, recipient in ((township_user, "TOWNSHIP"), (village_user, "VILLAGE")):
        receipt = _receipt(feedback, recipient)
        client.force_login(user)
        html = _html(client, OVERVIEW)
        assert f'data-testid="sign-{recipient.lower()}"' in html
        response = client.post(_sign_url(receipt), {"next": OVERVIEW}, follow=True)
        assert response.redirect_chain[-1][0] == OVERVIEW
        assert "Signed for the lists" in response.content.decode()
        receipt.refresh_from_db()
        assert receipt.signed_by == user
        assert receipt.signed_at is not None
    assert Event.objects.filter(verb="rectification.receipt_signed").count() == 2


def test_the_office_overview_shows_who_has_not_signed(
    client: Client, reporting: World, office: User, township_user: User
) -> None:
    """After the township signs, the office sees its name and time, and the village's receipt marked unsigned."""
    _confirmed(reporting.assignment)
    feedback = _published(reporting, office)
    actions.sign_receipt(_receipt(feedback, "TOWNSHIP"), actor=township_user)
    client.force_login(office)
    html = _html(client, OVERVIEW)
    row = html.split(f'data-testid="village-row-{reporting.village_a1.code}"')[1].split("</tr>")[0]
    township_cell, village_cell = row.split('data-testid="receipt-township"')[1].split('data-testid="receipt-village"')
    assert str(township_user) in township_cell and "Not signed" not in township_cell
    assert "Not signed" in village_cell
    assert 'class="table-warning"' in html
    assert 'data-testid="unsigned-count">1<' in html
    # The office sees the state; it does not sign for others.
    assert 'data-testid="sign-village"' not in html


def test_a_township_cannot_sign_the_villages_receipt(
    client: Client, reporting: World, office: User, township_user: User
) -> None:
    """The township's attempt to sign the village's receipt is refused with a message; nothing is signed."""
    _confirmed(reporting.assignment)
    feedback = _published(reporting, office)
    receipt = _receipt(feedback, "VILLAGE")
    client.force_login(township_user)
    html = _html(client, feedback.individual_list.get_absolute_url())
    assert 'data-testid="sign-township"' in html
    assert 'data-testid="sign-village"' not in html
    response = client.post(_sign_url(receipt), follow=True)
    assert "Only the recipient signs its receipt." in response.content.decode()
    receipt.refresh_from_db()
    assert receipt.signed_at is None
    assert not Event.objects.filter(verb="rectification.receipt_signed").exists()


def test_a_common_item_added_through_the_page_rolls_up_its_fanned_out_items(
    client: Client, reporting: World, second_assignment: Assignment, office: User
) -> None:
    """A common item over three villages makes three ledger items; with two closed the list shows 2/3."""
    first = _confirmed(reporting.assignment)
    second = _confirmed(second_assignment, reporting.village_a2)
    client.force_login(office)
    html = _html(client, f"{OVERVIEW}?round={reporting.round.pk}")
    assert first.serial in html and second.serial in html  # offered in the picker
    villages = [reporting.village_a1, reporting.village_a2, reporting.village_b1]
    response = client.post(
        reverse("rectification:common-item-add", args=[reporting.round.pk]),
        {
            "text": "村集体资产台账不健全，资产底数不清。",
            "category": Category.ASSETS,
            "fix_type": FixType.FOLLOW_UP,
            "villages": [v.pk for v in villages],
            "problems": [first.pk, second.pk],
        },
        follow=True,
    )
    assert "The item was added to the common list." in response.content.decode()
    item = CommonItem.objects.get()
    assert set(item.villages.all()) == set(villages)
    for village in villages:
        _published(reporting, office, village)
    assert LedgerItem.objects.filter(common_item=item).count() == 3
    LedgerItem.objects.filter(common_item=item, village__in=villages[:2]).update(status=LedgerItem.Status.CLOSED)

    html = _html(client, item.problem_list.get_absolute_url())
    rollup = html.split('data-testid="rollup"')[1].split("</td>")[0]
    assert "2/3 closed" in rollup
    for ledger_item in LedgerItem.objects.filter(common_item=item):
        assert ledger_item.get_absolute_url() in html
    overview = _html(client, f"{OVERVIEW}?round={reporting.round.pk}")
    assert "村集体资产台账不健全" in overview


def test_a_refused_common_item_is_shown_as_a_message(client: Client, reporting: World, office: User) -> None:
    """Problems of a single village do not make a common item: the action's reason is shown, nothing is added."""
    problems = [_confirmed(reporting.assignment), _confirmed(reporting.assignment)]
    client.force_login(office)
    response = client.post(
        reverse("rectification:common-item-add", args=[reporting.round.pk]),
        {
            "text": "三资管理不规范。",
            "category": Category.ASSETS,
            "fix_type": FixType.FOLLOW_UP,
            "villages": [reporting.village_a1.pk],
            "problems": [p.pk for p in problems],
        },
        follow=True,
    )
    assert "at least two villages" in response.content.decode()
    assert not CommonItem.objects.exists()


def test_the_problem_picker_filters_by_words_and_keeps_ticked_problems(
    client: Client, reporting: World, office: User
) -> None:
    """The htmx filter answers with the picker alone: matching problems and those already ticked."""
    roads = _confirmed(reporting.assignment, phenomenon="村道硬化工程未按设计厚度施工。")
    ticked = _confirmed(reporting.assignment, phenomenon="低保评定未公示。")
    hidden = _confirmed(reporting.assignment, phenomenon="误工补贴无会议记录。")
    client.force_login(office)
    query: dict[str, str | list[int]] = {"round": str(reporting.round.pk), "q": "村道", "problems": [ticked.pk]}
    response = client.get(OVERVIEW, query, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="problem-picker"')
    assert roads.serial in html and ticked.serial in html
    assert hidden.serial not in html
    assert f'value="{ticked.pk}" id="pick-{ticked.pk}" checked' in html


def test_an_outsider_gets_404_everywhere(client: Client, reporting: World, office: User, outsider: User) -> None:
    """Another county's office neither sees nor changes this county's lists."""
    _confirmed(reporting.assignment)
    feedback = _published(reporting, office)
    client.force_login(outsider)
    assert client.get(feedback.individual_list.get_absolute_url()).status_code == 404
    assert client.get(OVERVIEW, {"round": reporting.round.pk}).status_code == 404
    assert client.post(_build_url(reporting, reporting.village_a2)).status_code == 404
    assert client.post(_publish_url(reporting, reporting.village_a1), {"fed_back_on": "2026-01-05"}).status_code == 404
    assert client.post(_sign_url(_receipt(feedback, "VILLAGE"))).status_code == 404
    html = _html(client, OVERVIEW)
    assert reporting.village_a1.code not in html


@pytest.mark.parametrize("persona", ["group_member", "leader"])
def test_group_members_and_leaders_see_the_overview_read_only(
    client: Client, reporting: World, office: User, persona: str, request: pytest.FixtureRequest
) -> None:
    """They see the villages, lists and receipts, but no build, publish or common-item form; a POST is refused."""
    _confirmed(reporting.assignment)
    problem_list = actions.build_individual_list(reporting.round, reporting.village_a1, actor=office)
    user: User = request.getfixturevalue(persona)
    client.force_login(user)
    html = _html(client, OVERVIEW)
    assert f'data-testid="village-row-{reporting.village_a1.code}"' in html
    assert problem_list.get_absolute_url() in html
    assert 'data-testid="build-' not in html
    assert 'data-testid="publish-' not in html
    assert 'data-testid="common-item-form"' not in html
    assert _html(client, problem_list.get_absolute_url())
    response = client.post(_publish_url(reporting, reporting.village_a1), {"fed_back_on": "2026-01-05"}, follow=True)
    assert "Only the inspection office feeds back lists." in response.content.decode()
    assert not Feedback.objects.exists()


def test_someone_without_a_role_is_told_so(client: Client, reporting: World, nobody: User) -> None:
    """An account without a role gets the no-role page, not an empty overview."""
    client.force_login(nobody)
    assert "Your account has no role yet" in _html(client, OVERVIEW)


def test_the_discipline_commission_is_told_lists_are_not_its_part(
    client: Client, reporting: World, office: User, discipline: User
) -> None:
    """A role with no part in feedback sees neither the round's villages nor any list."""
    _confirmed(reporting.assignment)
    _published(reporting, office)
    client.force_login(discipline)
    html = _html(client, OVERVIEW)
    assert 'data-testid="not-for-role"' in html
    assert reporting.village_a1.code not in html


def test_a_publication_refused_by_the_action_is_shown_as_a_message(
    client: Client, reporting: World, office: User
) -> None:
    """A feedback date before the end of stationing is refused with the action's reason."""
    _confirmed(reporting.assignment)
    actions.build_individual_list(reporting.round, reporting.village_a1, actor=office)
    client.force_login(office)
    response = client.post(_publish_url(reporting, reporting.village_a1), {"fed_back_on": "2023-10-01"}, follow=True)
    assert "Feedback is given after stationing ends" in response.content.decode()
    assert not Feedback.objects.exists()


def test_the_round_selector_offers_only_rounds_past_reporting(client: Client, world: World, office: User) -> None:
    """A stationed round has no lists yet: the selector is empty and the page says why."""
    client.force_login(office)
    html = _html(client, OVERVIEW)
    assert 'data-testid="no-rounds"' in html
    assert client.get(OVERVIEW, {"round": world.round.pk}).status_code == 404


# Query budgets ------------------------------------------------------------------------------------------------------


def _overview_queries(client: Client, world: World) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(OVERVIEW, {"round": world.round.pk}).status_code == 200
    return len(queries)


def test_the_overview_costs_the_same_whatever_the_number_of_villages(
    client: Client,
    reporting: World,
    second_assignment: Assignment,
    office: User,
    township_user: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """Villages, lists, common items, feedbacks and receipts are read in a fixed number of queries."""
    first = _confirmed(reporting.assignment)
    second = _confirmed(second_assignment, reporting.village_a2)
    actions.add_common_item(
        reporting.round,
        text="三资管理不规范。",
        category=Category.ASSETS,
        fix_type=FixType.FOLLOW_UP,
        problems=[first, second],
        villages=[reporting.village_a1, reporting.village_a2],
        actor=office,
    )
    feedback = _published(reporting, office)
    client.force_login(office)
    # Session, user, grants, memberships, rounds, common list, its items, villages and problems, covered villages,
    # problem counts, individual lists, feedbacks, receipts, pickable problems, the notification bell.
    with django_assert_num_queries(16):
        client.get(OVERVIEW, {"round": reporting.round.pk})
    few = _overview_queries(client, reporting)

    for village in (reporting.village_a2, reporting.village_b1):
        _confirmed(second_assignment, village)
        _confirmed(second_assignment, village)
        _published(reporting, office, village)
    actions.sign_receipt(_receipt(feedback, "TOWNSHIP"), actor=township_user)
    assert _overview_queries(client, reporting) == few


def test_the_list_page_costs_the_same_whatever_the_number_of_problems(
    client: Client, reporting: World, office: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """A fed-back individual list with its items, receipts and timeline is read in a fixed number of queries."""
    _confirmed(reporting.assignment)
    feedback = _published(reporting, office)
    url = feedback.individual_list.get_absolute_url()
    client.force_login(office)
    # Session, user, grants, memberships, the list, entries, ledger items, feedback, receipts, common items,
    # which entries have a clue (the office counts clues), the village's responsible people, timeline, the
    # deliverables, the notification bell.
    with django_assert_num_queries(15):
        client.get(url)

    round_b = Round.objects.create(
        term=reporting.term, number=5, start_date=date(2024, 3, 1), end_date=date(2024, 4, 30), status="REPORTING"
    )
    group = GroupFactory.create(round=round_b, number=1)
    assignment = assign(group, [reporting.village_a1])
    for _ in range(4):
        _confirmed(assignment)
    actions.build_individual_list(round_b, reporting.village_a1, actor=office)
    approve_round_report(round_b)
    bigger = actions.publish_feedback(round_b, reporting.village_a1, actor=office)
    with django_assert_num_queries(15):
        client.get(bigger.individual_list.get_absolute_url())


def test_the_common_list_page_costs_the_same_whatever_the_number_of_items(
    client: Client, reporting: World, second_assignment: Assignment, office: User
) -> None:
    """Common items, their villages, problems and fanned-out items are prefetched, not read per row."""
    villages = [reporting.village_a1, reporting.village_a2]

    def add_item(*more: AdminUnit) -> CommonItem:
        problems = [_confirmed(reporting.assignment), _confirmed(second_assignment, reporting.village_a2)]
        return actions.add_common_item(
            reporting.round,
            text="三资管理不规范。",
            category=Category.ASSETS,
            fix_type=FixType.FOLLOW_UP,
            problems=problems,
            villages=[*villages, *more],
            actor=office,
        )

    item = add_item(reporting.village_b1)
    _published(reporting, office, reporting.village_b1)
    client.force_login(office)
    url = item.problem_list.get_absolute_url()
    with CaptureQueriesContext(connection) as few:
        assert "0/1 closed" in _html(client, url)
    add_item()
    add_item()
    for village in villages:
        _published(reporting, office, village)
    with CaptureQueriesContext(connection) as many:
        assert "0/3 closed" in _html(client, url)
    assert len(many) == len(few)


# In a browser -------------------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_builds_and_publishes_and_the_village_signs_in_a_browser(
    browser_page: BrowserPage, world: World, office: User, village_user: User
) -> None:
    """Through the pages: the office builds 甲一村's list and publishes it; the village signs for it."""
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.REPORTING)
    approve_round_report(world.round)
    problem = _confirmed(world.assignment)
    page = browser_page.page
    page.on("dialog", lambda dialog: dialog.accept())
    code = world.village_a1.code

    browser_page.login("office")
    browser_page.goto(OVERVIEW)
    page.click(f"[data-testid=build-{code}]")
    page.wait_for_selector(f"[data-testid=publish-{code}]")
    assert ProblemList.objects.filter(village=world.village_a1).exists()
    page.click(f"[data-testid=publish-{code}]")
    page.wait_for_selector(f"[data-testid=village-row-{code}] [data-testid=receipt-village]")
    assert Feedback.objects.filter(village=world.village_a1).exists()
    page.click("form[action$='/accounts/logout/'] button")
    page.wait_for_url("**/accounts/login/")

    browser_page.login("village_a1")
    browser_page.goto(OVERVIEW)
    page.click(f"[data-testid=received-row-{code}] a >> nth=0")
    page.wait_for_selector("[data-testid=entry-table]")
    assert problem.serial in page.content()
    page.click("[data-testid=sign-village]")
    page.wait_for_selector("[data-testid=receipts] [data-testid=receipt-village] .bi-check-circle-fill")
    receipt = Receipt.objects.get(recipient="VILLAGE")
    assert receipt.signed_by == village_user
    browser_page.screenshot("feedback-published")
    assert [error for error in browser_page.errors if "404" not in error] == []


# Bugs found in code this file does not own -------------------------------------------------------------------------


def test_a_problem_already_on_the_common_list_cannot_be_picked_again(
    reporting: World, second_assignment: Assignment, office: User
) -> None:
    """A problem states one fact: once a common item was built from it, another common item may not be."""
    first = _confirmed(reporting.assignment)
    second = _confirmed(second_assignment, reporting.village_a2)
    third = _confirmed(second_assignment, reporting.village_b1)
    villages = [reporting.village_a1, reporting.village_a2, reporting.village_b1]

    def add(text: str, problems: list[Problem]) -> CommonItem:
        return actions.add_common_item(
            reporting.round,
            text=text,
            category=Category.ASSETS,
            fix_type=FixType.FOLLOW_UP,
            problems=problems,
            villages=villages,
            actor=office,
        )

    add("三资管理不规范。", [first, second])
    with pytest.raises(ActionRefused):
        add("资产台账不全。", [first, third])
