"""Sessions at rest and in use: the table holds no session key, idle sessions end, and nothing showing case data
may be kept by a browser or proxy cache."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django import Settings
from rest_framework.test import APIClient

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.accounts.tests.factories import TEST_PASSWORD
from xuncha.conftest import World
from xuncha.core.middleware import LAST_ACTIVITY_KEY
from xuncha.findings import actions
from xuncha.findings.models import Category, Clue, FixType, Petition, Problem
from xuncha.public.tests.conftest import stationed_around_today

NO_STORE = "no-store, private"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_session_table_holds_no_session_key(office: User, world: World) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "office", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert response.status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_key, session_data FROM django_session")
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert key not in repr(rows)
    assert client.get(reverse("accounts:notification-list")).wsgi_request.user == office


def test_signing_out_deletes_the_stored_session(office: User, world: World) -> None:
    client = signed_in(office)
    assert Session.objects.count() == 1
    client.post("/accounts/logout/")
    assert not Session.objects.exists()


def test_an_idle_session_is_signed_out(office: User, world: World, settings: Settings) -> None:
    settings.XUNCHA_IDLE_MINUTES = 30
    client = signed_in(office)
    assert client.get(reverse("accounts:notification-list")).status_code == 200
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("accounts:notification-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("accounts:notification-list")).wsgi_request.user.is_anonymous


def test_a_session_in_use_stays_signed_in(office: User, world: World) -> None:
    client = signed_in(office)
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 29 * 60
    session.save()
    asked_at = int(time.time())
    assert client.get(reverse("accounts:notification-list")).status_code == 200
    # The request is recorded as the latest activity (not the earlier one kept in the session).
    assert client.session[LAST_ACTIVITY_KEY] >= asked_at


def test_an_idle_htmx_request_is_sent_to_the_login_page(office: User, world: World) -> None:
    client = signed_in(office)
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 3600
    session.save()
    response = client.get(reverse("accounts:notification-list"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:login")


def test_pages_carry_the_idle_limit_for_the_warning(office: User, world: World, settings: Settings) -> None:
    settings.XUNCHA_IDLE_MINUTES = 20
    html = signed_in(office).get(reverse("accounts:notification-list")).content.decode()
    assert '<meta name="xuncha-idle" content="20"' in html
    assert "xuncha/idle.js" in html
    assert 'id="idle-warning"' in html


# Cache-Control --------------------------------------------------------------------------------------------------


def _problem(world: World, finder: User) -> Problem:
    return actions.record_problem(
        world.assignment,
        world.village_a1,
        category=Category.FINANCE,
        phenomenon="2023年村集体经济收入12万元未入账。",
        source=Problem.Source.DOCUMENTS,
        fix_type=FixType.FOLLOW_UP,
        actor=SYSTEM,
        finder=finder,
    )


def _petition(world: World) -> Petition:
    return actions.record_petition(
        world.assignment,
        channel=Petition.Channel.LETTER,
        category=Category.BENEFIT,
        text="反映低保评定不公开。",
        village=world.village_a1,
        name="王秀英",
        phone="13907731234",
        actor=SYSTEM,
    )


def test_case_pages_are_not_stored(world: World, office: User, group_leader: User) -> None:
    problem, petition = _problem(world, group_leader), _petition(world)
    client = signed_in(group_leader)
    for url in [
        reverse("findings:problem-detail", args=[problem.pk]),
        reverse("findings:petition-detail", args=[petition.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    ledger = signed_in(office).get(reverse("rectification:item-list"))
    assert ledger.status_code == 200
    assert ledger["Cache-Control"] == NO_STORE


def test_api_details_are_not_stored(world: World, group_leader: User) -> None:
    petition = _petition(world)
    clue = actions.register_clue(
        world.assignment,
        source=Clue.Source.TALK,
        subject="村委会主任李某某",
        summary="个别谈话反映其虚报冒领产业补贴。",
        receiver=Clue.Receiver.DISCIPLINE,
        actor=group_leader,
    )
    client = APIClient()
    client.force_login(group_leader)
    for url in [f"/api/v1/petitions/{petition.pk}/", f"/api/v1/clues/{clue.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == NO_STORE, url


def test_the_residents_petition_and_receipt_pages_are_not_stored(world: World) -> None:
    assignment = stationed_around_today(world.assignment)
    client = Client()
    for url in [reverse("public:petition-form", args=[assignment.public_key]), reverse("public:receipt-lookup")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
