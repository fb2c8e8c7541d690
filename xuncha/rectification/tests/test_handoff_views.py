"""Pages and API of hand-offs: a department's landing page lists what is handed to it with its to-do and nothing
else of the county opens for it; the item page shows the parties and their states, the office's hand-off form and
the department's forms; the org tree lists departments apart from townships."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.findings.models import Clue, Problem
from xuncha.findings.tests.factories import ClueFactory, PetitionFactory, ProblemFactory
from xuncha.inspections.queries import coverage
from xuncha.organisations.models import AdminUnit
from xuncha.organisations.tests import factories as units
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem, ResponsibleParty
from xuncha.rectification.tests.factories import ledger_item, png_bytes
from xuncha.rectification.tests.test_handoffs import REQUEST, department_person

Status = LedgerItem.Status
PartyStatus = ResponsibleParty.Status
# Session, user, grants (the request's and the navigation's), memberships, the to-do counts, the page's count and
# rows, the notification bell.
LANDING_QUERIES = 8


@pytest.fixture(autouse=True)
def _media(media: Path) -> None:
    """Evidence files go to a temporary MEDIA_ROOT."""


@pytest.fixture
def zhujian(world: World) -> AdminUnit:
    return units.department(world.county, "县住建局")


@pytest.fixture
def zhujian_user(zhujian: AdminUnit) -> User:
    return department_person(zhujian, "dept_zhujian")


@pytest.fixture
def handed(world: World, office: User, zhujian: AdminUnit) -> LedgerItem:
    item = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    actions.hand_off_item(item, unit=zhujian, part="LEAD", request=REQUEST, actor=office)
    return item


def test_department_lands_on_its_items_with_its_todo(
    client: Client, world: World, handed: LedgerItem, zhujian_user: User
) -> None:
    ledger_item(world.round, world.village_b1)  # not handed to it
    client.force_login(zhujian_user)
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"] == reverse("rectification:handed-items")
    html = client.get(home["Location"]).content.decode()
    assert html.count('data-testid="handoff-row"') == 1
    assert handed.number in html
    assert 'data-testid="todo-sign"' in html and "Receipts to sign: 1" in html
    assert "Items to report on: 0" in html


def test_the_landing_page_costs_the_same_for_more_items(
    client: Client,
    world: World,
    office: User,
    zhujian: AdminUnit,
    zhujian_user: User,
    handed: LedgerItem,
    django_assert_num_queries: pytest.FixtureRequest,
) -> None:
    client.force_login(zhujian_user)
    client.get(reverse("rectification:handed-items"))
    with django_assert_num_queries(LANDING_QUERIES):  # type: ignore[operator]
        client.get(reverse("rectification:handed-items"))
    for village in (world.village_a1, world.village_b1, world.community_a):
        item = ledger_item(world.round, village)
        actions.hand_off_item(item, unit=zhujian, request=REQUEST, actor=office)
    with django_assert_num_queries(LANDING_QUERIES):  # type: ignore[operator]
        html = client.get(reverse("rectification:handed-items")).content.decode()
    assert html.count('data-testid="handoff-row"') == 4


def test_department_opens_only_what_is_handed_to_it(
    client: Client, world: World, handed: LedgerItem, zhujian_user: User, group_leader: User
) -> None:
    """The handed item opens; another item, the village, the county, a draft paper, a petition and a clue of the
    round answer 404 as if they did not exist."""
    other = ledger_item(world.round, world.village_b1)
    draft = ProblemFactory.create(assignment=world.assignment, status=Problem.Status.DRAFT)
    petition = PetitionFactory.create(assignment=world.assignment)
    clue = ClueFactory.create(assignment=world.assignment, status=Clue.Status.TRANSFERRED)
    client.force_login(zhujian_user)
    page = client.get(handed.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="party-sign-form"' in html
    assert 'data-testid="hand-off-form"' not in html
    assert world.village_a2.get_absolute_url() not in html  # named, not linked: the village's page is not its
    assert reverse("rectification:list-detail", args=[handed.feedback.individual_list_id]) not in html
    for url in (
        other.get_absolute_url(),
        draft.get_absolute_url(),
        petition.get_absolute_url(),
        clue.get_absolute_url(),
        world.village_a2.get_absolute_url(),
        world.county.get_absolute_url(),
        reverse("rectification:list-detail", args=[handed.feedback.individual_list_id]),
    ):
        assert client.get(url).status_code == 404, url
    ledger = client.get(reverse("rectification:item-list")).content.decode()
    assert handed.number in ledger and other.number not in ledger


def test_department_signs_reports_and_finishes_on_the_item_page(
    client: Client, handed: LedgerItem, zhujian_user: User
) -> None:
    party = handed.parties.get()
    client.force_login(zhujian_user)
    client.post(reverse("rectification:party-sign", args=[party.pk]))
    party.refresh_from_db()
    assert party.status == PartyStatus.SIGNED
    upload = {"text": "已勘查现场。", "evidence": [_upload()]}
    client.post(reverse("rectification:party-progress", args=[party.pk]), upload)
    assert party.progress.filter(kind="PROGRESS").get().evidence.count() == 1
    html = client.get(handed.get_absolute_url()).content.decode()
    assert 'data-testid="party-done-form"' in html
    client.post(reverse("rectification:party-done", args=[party.pk]), {"text": "消火栓已更换。"})
    party.refresh_from_db()
    assert party.status == PartyStatus.DONE
    html = client.get(handed.get_absolute_url()).content.decode()
    assert 'data-status="DONE"' in html and 'data-testid="party-done-form"' not in html


def test_another_department_gets_404_on_the_party(client: Client, world: World, handed: LedgerItem) -> None:
    other = department_person(units.department(world.county, "县水利局"), "dept_shuili")
    client.force_login(other)
    party = handed.parties.get()
    assert client.post(reverse("rectification:party-sign", args=[party.pk])).status_code == 404
    assert client.get(handed.get_absolute_url()).status_code == 404


def test_office_hands_off_from_the_item_page(
    client: Client, world: World, office: User, zhujian: AdminUnit, zhujian_user: User
) -> None:
    item = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    client.force_login(office)
    html = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="hand-off-form"' in html
    response = client.post(
        reverse("rectification:item-hand-off", args=[item.pk]),
        {"unit": zhujian.pk, "part": "CO", "request": REQUEST},
    )
    assert response.status_code == 302
    party = item.parties.get()
    assert (party.unit, party.part, party.status) == (zhujian, "CO", PartyStatus.HANDED)
    html = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="party"' in html and 'data-status="HANDED"' in html


def test_the_village_reads_the_parties_but_acts_for_none(client: Client, world: World, handed: LedgerItem) -> None:
    from xuncha.rectification.tests.factories import village_person

    client.force_login(village_person(world.village_a2, "village_a2"))
    html = client.get(handed.get_absolute_url()).content.decode()
    assert "县住建局" in html
    assert 'data-testid="party-sign-form"' not in html and 'data-testid="hand-off-form"' not in html


def test_the_county_page_lists_departments_apart_from_townships(
    client: Client, world: World, office: User, handed: LedgerItem, zhujian: AdminUnit
) -> None:
    before = coverage(world.county, world.term)
    units.department(world.county, "县消防救援大队")
    after = coverage(world.county, world.term)
    assert [row.unit for row in after.townships] == [row.unit for row in before.townships]
    assert after.total == before.total
    assert list(AdminUnit.objects.townships().filter(parent=world.county)) == [world.township_a, world.township_b]
    client.force_login(office)
    html = client.get(world.county.get_absolute_url()).content.decode()
    townships = html.split('data-testid="township-table"')[1].split("</table>")[0]
    departments = html.split('data-testid="department-table"')[1].split("</table>")[0]
    assert "县住建局" not in townships and "县住建局" in departments and "县消防救援大队" in departments
    assert departments.count('data-testid="department-row"') == 2
    page = client.get(zhujian.get_absolute_url()).content.decode()
    assert handed.number in page


def test_api_shows_parties_and_hands_off(
    client: Client, world: World, office: User, handed: LedgerItem, zhujian: AdminUnit, zhujian_user: User
) -> None:
    client.force_login(zhujian_user)
    listed = client.get("/api/v1/items/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [handed.pk]
    assert rows[0]["parties"][0]["unit"] == zhujian.code and rows[0]["parties"][0]["status"] == "HANDED"
    refused = client.post(
        f"/api/v1/items/{handed.pk}/hand-off/", {"unit": zhujian.code, "request": REQUEST}, "application/json"
    )
    assert refused.status_code == 403
    other = units.department(world.county, "县消防救援大队")
    client.force_login(office)
    response = client.post(
        f"/api/v1/items/{handed.pk}/hand-off/",
        {"unit": other.code, "part": "CO", "request": REQUEST},
        "application/json",
    )
    assert response.status_code == 200, response.content
    assert [party["unit"] for party in response.json()["parties"]] == [zhujian.code, other.code]


def _upload() -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")


def test_department_reads_the_fed_back_problem_of_its_item_only(
    client: Client, world: World, handed: LedgerItem, zhujian_user: User
) -> None:
    """The item states its problem; the fed-back paper behind it opens too, and no other problem of the round."""
    other = ledger_item(world.round, world.village_b1)
    assert list(Problem.objects.visible_to(zhujian_user)) == [handed.problem]
    client.force_login(zhujian_user)
    assert handed.problem is not None and other.problem is not None
    page = client.get(handed.problem.get_absolute_url())
    assert page.status_code == 200
    assert handed.problem.assignment.get_absolute_url() not in page.content.decode()  # the workbench is not its
    assert client.get(other.problem.get_absolute_url()).status_code == 404
