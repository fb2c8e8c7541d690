"""The departments' parts in the API (/api/v1/parties/): a department signs for an item handed to it, reports its
progress with evidence and marks its part done, each a POST that calls the hand-off actions; another department
finds nothing, a village or a co-responsible department is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.organisations.models import AdminUnit
from xuncha.organisations.tests import factories as units
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem, Progress, ResponsibleParty
from xuncha.rectification.tests.api_helpers import API, client_for, count, events
from xuncha.rectification.tests.factories import ledger_item, village_person
from xuncha.rectification.tests.test_api_items import upload
from xuncha.rectification.tests.test_handoffs import REPORT, REQUEST, department_person

Status = LedgerItem.Status
PartyStatus = ResponsibleParty.Status
# Session, user, grants, memberships, the count and the page of parties.
LIST_QUERIES = 6


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
def party(world: World, office: User, zhujian: AdminUnit) -> ResponsibleParty:
    """An item of 甲二村 handed to 县住建局 as its lead unit."""
    item = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    return actions.hand_off_item(item, unit=zhujian, part="LEAD", request=REQUEST, actor=office)


def _url(party: ResponsibleParty, step: str = "") -> str:
    return f"{API}/parties/{party.pk}/" + (f"{step}/" if step else "")


def test_department_signs_reports_and_marks_its_part_done(party: ResponsibleParty, zhujian_user: User) -> None:
    client = client_for(zhujian_user)
    signed = client.post(_url(party, "sign"))
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "SIGNED" and signed.json()["item"] == party.item_id
    assert events("rectification.party_signed", party.item) == 1

    reported = client.post(_url(party, "progress"), {"text": REPORT, "files": [upload()]}, format="multipart")
    assert reported.status_code == 201, reported.content
    body = reported.json()
    assert body["kind"] == Progress.Kind.PROGRESS and body["text"] == REPORT and len(body["evidence"]) == 1
    assert Progress.objects.get(pk=body["id"]).party == party
    assert events("rectification.party_progress", party.item) == 1
    party.refresh_from_db()
    assert party.status == PartyStatus.SIGNED

    done = client.post(_url(party, "done"), {"text": "消火栓已全部更换。"}, format="multipart")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "DONE" and done.json()["done_on"]
    party.refresh_from_db()
    assert (party.status, party.done_by) == (PartyStatus.DONE, zhujian_user)
    assert events("rectification.party_done", party.item) == 1
    again = client.post(_url(party, "sign"))
    assert again.status_code == 409 and again.json()["detail"]


def test_a_report_before_signing_is_refused_with_409(party: ResponsibleParty, zhujian_user: User) -> None:
    response = client_for(zhujian_user).post(_url(party, "progress"), {"text": REPORT}, format="multipart")
    assert response.status_code == 409
    assert response.json()["detail"] == "Sign for the item first."
    assert not party.progress.filter(kind=Progress.Kind.PROGRESS).exists()


def test_an_empty_report_is_a_400_with_the_field(party: ResponsibleParty, zhujian_user: User) -> None:
    client = client_for(zhujian_user)
    client.post(_url(party, "sign"))
    response = client.post(_url(party, "done"), {"text": ""}, format="multipart")
    assert response.status_code == 400 and "text" in response.json()


def test_another_department_gets_404(world: World, party: ResponsibleParty) -> None:
    other = department_person(units.department(world.county, "县水利局"), "dept_shuili")
    client = client_for(other)
    assert client.get(_url(party)).status_code == 404
    for step, body in (("sign", {}), ("progress", {"text": REPORT}), ("done", {"text": REPORT})):
        response = client.post(_url(party, step), body, format="multipart")
        assert response.status_code == 404, step
        assert response.json()["detail"]
    assert count(client.get(f"{API}/parties/")) == 0
    party.refresh_from_db()
    assert party.status == PartyStatus.HANDED


def test_a_co_responsible_department_reads_the_lead_but_acts_only_for_itself(
    world: World, office: User, party: ResponsibleParty
) -> None:
    xiaofang = units.department(world.county, "县消防救援大队")
    own = actions.hand_off_item(party.item, unit=xiaofang, request=REQUEST, actor=office)
    client = client_for(department_person(xiaofang, "dept_xiaofang"))
    assert client.get(_url(party)).status_code == 200
    assert client.post(_url(party, "sign")).status_code == 403
    assert client.post(_url(own, "sign")).status_code == 200
    mine = client.get(f"{API}/parties/", {"mine": "true"}).json()["results"]
    assert [row["id"] for row in mine] == [own.pk]


def test_a_village_account_is_refused(world: World, party: ResponsibleParty, village_user: User) -> None:
    """The village of the item reads the parties but signs for none (403); another village finds nothing (404)."""
    own_village = client_for(village_person(world.village_a2, "village_a2"))
    assert own_village.get(_url(party)).status_code == 200
    for step, body in (("sign", {}), ("progress", {"text": REPORT}), ("done", {"text": REPORT})):
        assert own_village.post(_url(party, step), body, format="multipart").status_code == 403, step
    assert client_for(village_user).post(_url(party, "sign")).status_code == 404
    party.refresh_from_db()
    assert party.status == PartyStatus.HANDED


def test_the_office_acts_for_no_department(party: ResponsibleParty, office: User) -> None:
    response = client_for(office).post(_url(party, "sign"))
    assert response.status_code == 403 and response.json()["detail"]


def test_signed_out_clients_get_401_or_403(party: ResponsibleParty) -> None:
    assert client_for(None).post(_url(party, "sign")).status_code in (401, 403)


def test_the_list_costs_the_same_whatever_the_number_of_parties(
    world: World,
    office: User,
    zhujian: AdminUnit,
    zhujian_user: User,
    party: ResponsibleParty,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(zhujian_user)
    client.get(f"{API}/parties/")
    with django_assert_num_queries(LIST_QUERIES):
        assert count(client.get(f"{API}/parties/")) == 1
    for village in (world.village_a1, world.village_b1, world.community_a):
        actions.hand_off_item(ledger_item(world.round, village), unit=zhujian, request=REQUEST, actor=office)
    with django_assert_num_queries(LIST_QUERIES):
        assert count(client.get(f"{API}/parties/", {"status": "HANDED"})) == 4
