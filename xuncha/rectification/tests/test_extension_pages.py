"""Extensions as requests on the pages and the API: the request form for the village and its township, the
township's review and the director's decision on the item's page, the director's list of requests waiting, the
API's ``/extensions/``, the scope of who reads requests, and the dashboard's and ``xuncha stats``' figures."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.conftest import World
from xuncha.dashboard.queries import Sources, build_scope, dashboard_figures
from xuncha.organisations.tests import factories as units
from xuncha.rectification import actions
from xuncha.rectification.models import ExtensionRequest, LedgerItem
from xuncha.rectification.queries import extension_figures
from xuncha.rectification.tests.api_helpers import API, client_for
from xuncha.rectification.tests.factories import FOLLOW_UP_DEADLINE, ledger_item

Status = LedgerItem.Status
Request = ExtensionRequest.Status


@pytest.fixture
def item(world: World) -> LedgerItem:
    return ledger_item(world.round, world.village_a1, status=Status.IN_PROGRESS)


def ask(item: LedgerItem, user: User, days: int = 30) -> ExtensionRequest:
    return actions.request_extension(
        item, new_deadline=item.deadline + timedelta(days=days), reason="雨季无法施工", actor=user
    )


def page(client: Client, user: User, item: LedgerItem) -> str:
    client.force_login(user)
    return client.get(item.get_absolute_url()).content.decode()


def test_the_whole_way_through_the_pages(
    client: Client, item: LedgerItem, village_user: User, township_user: User, office_lead: User, office: User
) -> None:
    assert 'data-testid="extension-request-form"' in page(client, village_user, item)
    assert 'data-testid="extend-form"' not in page(client, office, item)  # a clerk has no direct extension
    assert 'data-testid="extend-form"' in page(client, office_lead, item)

    client.force_login(village_user)
    new = (FOLLOW_UP_DEADLINE + timedelta(days=40)).isoformat()
    response = client.post(
        reverse("rectification:extension-ask", args=[item.pk]), {"new_deadline": new, "reason": "雨季"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["The request for more time was sent."]
    extension = ExtensionRequest.objects.get(item=item)

    assert 'data-testid="extension-review-form"' in page(client, township_user, item)
    client.post(reverse("rectification:extension-review", args=[extension.pk]), {"decision": "support", "note": "属实"})
    extension.refresh_from_db()
    assert extension.status == Request.SUPPORTED

    assert 'data-testid="extension-decision-form"' not in page(client, office, item)
    assert 'data-testid="extension-decision-form"' in page(client, office_lead, item)
    client.post(reverse("rectification:extension-decide", args=[extension.pk]), {"decision": "approve"})
    item.refresh_from_db()
    assert item.deadline.isoformat() == new


def test_a_clerk_is_refused_on_the_decision_address(
    client: Client, item: LedgerItem, township_user: User, office: User
) -> None:
    extension = ask(item, township_user)
    client.force_login(office)
    client.post(reverse("rectification:extension-decide", args=[extension.pk]), {"decision": "approve"})
    extension.refresh_from_db()
    assert extension.status == Request.SUPPORTED


def test_the_director_lists_what_waits_for_him(
    client: Client,
    world: World,
    village_user: User,
    township_user: User,
    office_lead: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """The supported requests only, with the extensions each item had; the same queries for more rows."""
    ask(ledger_item(world.round, world.village_a1, status=Status.IN_PROGRESS), village_user)
    ask(ledger_item(world.round, world.village_a1, status=Status.IN_PROGRESS), township_user)
    client.force_login(office_lead)
    url = reverse("rectification:extension-list")
    client.get(url)
    with django_assert_num_queries(8) as few:
        response = client.get(url)
    assert response.content.decode().count('data-testid="extension-row"') == 1
    for _n in range(3):
        ask(ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS), township_user)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('data-testid="extension-row"') == 4
    everything = client.get(url + "?all=1").content.decode()
    assert everything.count('data-testid="extension-row"') == 5


def test_scope_township_and_village_only_their_own_departments_none(
    world: World, item: LedgerItem, village_user: User, township_user: User, office: User
) -> None:
    other = ledger_item(world.round, world.village_b1, status=Status.IN_PROGRESS)
    township_b = UserFactory.create(username="township_b")
    grant(township_b, Role.TOWNSHIP, world.township_b)
    mine, theirs = ask(item, village_user), ask(other, township_b)
    department = UserFactory.create(username="dept")
    grant(department, Role.DEPARTMENT, units.department(world.county, "县住建局"))
    assert set(ExtensionRequest.objects.visible_to(village_user)) == {mine}
    assert set(ExtensionRequest.objects.visible_to(township_user)) == {mine}
    assert set(ExtensionRequest.objects.visible_to(township_b)) == {theirs}
    assert set(ExtensionRequest.objects.visible_to(office)) == {mine, theirs}
    assert not ExtensionRequest.objects.visible_to(department).exists()


def test_the_api_asks_reviews_and_decides(
    item: LedgerItem, village_user: User, township_user: User, office: User, office_lead: User
) -> None:
    new = (item.deadline + timedelta(days=30)).isoformat()
    response = client_for(village_user).post(
        f"{API}/extensions/", {"item": item.pk, "new_deadline": new, "reason": "雨季"}, format="json"
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == Request.ASKED
    assert (
        client_for(office_lead).post(f"{API}/extensions/{pk}/review/", {"support": True}, format="json").status_code
        == 403
    )
    response = client_for(township_user).post(f"{API}/extensions/{pk}/review/", {"support": True}, format="json")
    assert response.json()["status"] == Request.SUPPORTED
    assert (
        client_for(office).post(f"{API}/extensions/{pk}/decide/", {"approve": True}, format="json").status_code == 403
    )
    response = client_for(office_lead).post(f"{API}/extensions/{pk}/decide/", {"approve": True}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == Request.APPROVED
    item.refresh_from_db()
    assert item.deadline.isoformat() == new
    assert (
        client_for(office_lead).post(f"{API}/extensions/{pk}/decide/", {"approve": True}, format="json").status_code
        == 409
    )


def test_the_api_refuses_a_clerk_extension_and_the_director_beyond_the_limits(
    item: LedgerItem, office: User, office_lead: User
) -> None:
    body: dict[str, Any] = {"new_deadline": (item.deadline + timedelta(days=60)).isoformat(), "reason": "延期"}
    assert client_for(office).post(f"{API}/items/{item.pk}/extend/", body, format="json").status_code == 403
    body["new_deadline"] = (item.deadline + timedelta(days=200)).isoformat()
    assert client_for(office_lead).post(f"{API}/items/{item.pk}/extend/", body, format="json").status_code == 403


def test_a_department_lists_no_request(world: World, item: LedgerItem, village_user: User) -> None:
    ask(item, village_user)
    department = UserFactory.create(username="dept")
    grant(department, Role.DEPARTMENT, units.department(world.county, "县住建局"))
    response = client_for(department).get(f"{API}/extensions/")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_the_figures_count_extended_items_and_requests_waiting(
    world: World, village_user: User, township_user: User, office_lead: User
) -> None:
    once, twice, waiting = (ledger_item(world.round, world.village_a1, status=Status.IN_PROGRESS) for _n in range(3))
    for extended, times in ((once, 1), (twice, 2)):
        for _n in range(times):
            actions.extend_deadline(
                extended, new_deadline=extended.deadline + timedelta(days=20), reason="延期", actor=office_lead
            )
    ask(waiting, village_user)
    figures = extension_figures(LedgerItem.objects.all())
    assert (figures["items_extended"], figures["extended_twice_or_more"], figures["requests_waiting"]) == (2, 1, 1)
    assert (figures["awaiting_township"], figures["awaiting_director"]) == (1, 0)
    dashboard = dashboard_figures(build_scope(world.county, term=world.term), Sources.everything())
    assert dashboard["extensions"] == figures
    out = StringIO()
    call_command("stats", "--json", "--county", world.county.code, stdout=out)
    stats = json.loads(out.getvalue())
    assert stats["extensions"]["items_extended"] == 2
    assert stats["dashboard"]["extensions"]["extended_twice_or_more"] == 1
