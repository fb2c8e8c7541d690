"""The outcome panels, their POSTs, the API and who sees what: townships and villages see the item's figures but
never names nor clue outcomes; county departments and anonymous visitors see nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.outcomes import actions
from xuncha.outcomes.models import Outcome
from xuncha.outcomes.tests.helpers import NAMES, PEOPLE, clue_of, department_with, item_of

pytestmark = pytest.mark.django_db


def _recorded(world: World, office: User, discipline: User) -> tuple[Any, Outcome, Outcome]:
    item = item_of(world)
    own = actions.record_item_outcome(item, actor=office, amount_recovered="8000", people=PEOPLE, people_note=NAMES)
    clue_outcome = actions.record_clue_outcome(
        clue_of(world, item), actor=discipline, amount_involved="77777", people_note="李某某"
    )
    return item, own, clue_outcome


def test_the_office_records_on_the_item_page(client: Client, world: World, office: User) -> None:
    item = item_of(world)
    client.force_login(office)

    client.post(
        reverse("outcomes:item-record", args=[item.pk]), {"amount_recovered": "1500.00", "people_criticised": 1}
    )
    page = client.get(item.get_absolute_url()).content.decode()

    assert Outcome.objects.get(item=item).people_criticised == 1
    assert 'data-testid="outcome-form"' in page and "1500.00" in page


def test_the_village_reports_on_its_item_page(client: Client, world: World, village_user: User) -> None:
    item = item_of(world)
    client.force_login(village_user)

    client.post(reverse("outcomes:item-report", args=[item.pk]), {"amount_recovered": "300"})
    page = client.get(item.get_absolute_url()).content.decode()

    assert Outcome.objects.get(item=item).status == Outcome.Status.REPORTED
    assert 'data-testid="outcome-reported"' in page and 'data-testid="outcome-form"' not in page


@pytest.mark.parametrize("persona", ["township_user", "village_user"])
def test_local_readers_see_the_figures_but_no_names_nor_clues(
    client: Client, world: World, office: User, discipline: User, persona: str, request: pytest.FixtureRequest
) -> None:
    item, _own, _clue = _recorded(world, office, discipline)
    client.force_login(request.getfixturevalue(persona))

    page = client.get(item.get_absolute_url()).content.decode()

    assert "8000.00" in page
    assert NAMES not in page and "77777" not in page and 'data-testid="clue-outcome"' not in page


def test_the_office_director_sees_the_clue_outcome_on_the_item(
    client: Client, world: World, office: User, discipline: User, office_lead: User
) -> None:
    item, _own, _clue = _recorded(world, office, discipline)
    client.force_login(office_lead)

    page = client.get(item.get_absolute_url()).content.decode()

    assert 'data-testid="clue-outcome"' in page and "77777.00" in page and NAMES in page


def test_the_commission_records_on_the_clue_page(client: Client, world: World, discipline: User) -> None:
    clue = clue_of(world, item_of(world))
    client.force_login(discipline)

    client.post(reverse("outcomes:clue-record", args=[clue.pk]), {"amount_involved": "900", "people_judicial": 1})

    assert Outcome.objects.get(clue=clue).people_judicial == 1
    assert "900.00" in client.get(clue.get_absolute_url()).content.decode()


def test_a_department_handed_the_item_sees_no_outcome(
    client: Client, world: World, office: User, discipline: User
) -> None:
    item, own, _clue = _recorded(world, office, discipline)
    department = department_with(world, item, office)

    assert not Outcome.objects.visible_to(department).exists()
    client.force_login(department)
    assert "8000.00" not in client.get(item.get_absolute_url()).content.decode()


def test_the_scope_of_each_reader(
    world: World, office: User, discipline: User, township_user: User, village_user: User, outsider: User
) -> None:
    _item, own, clue_outcome = _recorded(world, office, discipline)

    assert set(Outcome.objects.visible_to(office)) == {own}
    assert set(Outcome.objects.visible_to(discipline)) == {clue_outcome}
    assert set(Outcome.objects.visible_to(township_user)) == {own}
    assert set(Outcome.objects.visible_to(village_user)) == {own}
    assert not Outcome.objects.visible_to(outsider).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, world: World) -> None:
    item = item_of(world)

    response = client.post(reverse("outcomes:item-record", args=[item.pk]), {"amount_recovered": "1"})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert APIClient().get("/api/v1/outcomes/").status_code in (401, 403)


def test_the_api_records_and_lists_in_scope(world: World, office: User, discipline: User, village_user: User) -> None:
    item = item_of(world)
    clue = clue_of(world, item)
    api = APIClient()
    api.force_authenticate(office)
    body = {"item": item.pk, "amount_recovered": "12.5", "people": {"ADMONISHED": 3}, "people_note": NAMES}

    recorded = api.post("/api/v1/outcomes/item/", body, format="json")
    rule = api.post(
        f"/api/v1/outcomes/{recorded.json()['id']}/rules/", {"title": "制度", "adopted_on": "2024-01-02"}, format="json"
    )
    api.force_authenticate(discipline)
    by_commission = api.post("/api/v1/outcomes/clue/", {"clue": clue.pk, "amount_involved": "5"}, format="json")
    refused = api.post("/api/v1/outcomes/item/", {"item": item.pk}, format="json")
    api.force_authenticate(village_user)
    listed = api.get("/api/v1/outcomes/").json()["results"]

    assert recorded.status_code == 200 and recorded.json()["people"]["ADMONISHED"] == 3
    assert rule.status_code == 201
    assert by_commission.status_code == 200 and by_commission.json()["amount_involved"] == "5.00"
    assert refused.status_code == 400  # the item lies outside the commission's scope
    assert [row["id"] for row in listed] == [recorded.json()["id"]]
    assert listed[0]["people_note"] is None and listed[0]["amount_recovered"] == "12.50"
