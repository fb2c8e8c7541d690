"""The auditor's page of the event log: who may read it, the chain report, and the trace each read leaves."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client

from xuncha.accounts.actions import grant_role
from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.actions import record_event
from xuncha.audit.models import AccessLog, Event

if TYPE_CHECKING:
    from pytest_django import DjangoAssertNumQueries

    from xuncha.conftest import World

URL = "/audit/"


@pytest.fixture
def some_events(auditor: User, office: User) -> list[Event]:
    target = UserFactory.create(username="target", display_name="被记录者")
    return [
        record_event("accounts.user_created", target, actor=SYSTEM, after={"username": "target"}),
        record_event("inspections.round_created", target, actor=office, after={"number": 4}),
        record_event("inspections.round_moved", target, actor=office, before={"s": "A"}, after={"s": "B"}),
    ]


def test_auditor_reads_the_event_log(client: Client, auditor: User, some_events: list[Event]) -> None:
    """The auditor sees every event, newest first."""
    client.force_login(auditor)
    response = client.get(URL)
    assert response.status_code == 200
    assert [event.seq for event in response.context["page_obj"]] == sorted(
        Event.objects.values_list("seq", flat=True), reverse=True
    )
    assert "inspections.round_moved" in response.content.decode()
    assert response.context["report"] is None


@pytest.mark.parametrize("persona", ["office", "office_lead", "leader", "sysadmin", "nobody", "township_user"])
def test_event_log_is_hidden_from_everyone_but_the_auditor(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    """For anyone else the page does not exist (404), and the attempt is not logged as a read."""
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_event_log_is_hidden_from_a_staff_system_administrator(client: Client, world: World) -> None:
    """The system administrator empowered through the action (staff, admin permissions) still gets 404."""
    user = UserFactory.create(username="staff_sysadmin")
    grant_role(user, Role.SYSADMIN, None, actor=SYSTEM)
    client.force_login(user)
    assert client.get(URL).status_code == 404


@pytest.mark.django_db
def test_event_log_sends_anonymous_visitors_to_login(client: Client) -> None:
    """Not signed in: redirect to the login page."""
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_verify_shows_an_intact_chain(client: Client, auditor: User, some_events: list[Event]) -> None:
    """``?verify=1`` walks the chain and reports it intact."""
    client.force_login(auditor)
    response = client.get(URL, {"verify": "1"})
    report = response.context["report"]
    assert report.ok
    assert report.checked == Event.objects.count()
    html = response.content.decode()
    assert 'class="alert alert-success" data-testid="chain-report"' in html


def test_verify_shows_where_the_chain_is_broken(client: Client, auditor: User, some_events: list[Event]) -> None:
    """An edited event is named in the report."""
    edited = some_events[1]
    Event.objects.filter(pk=edited.pk).update(after={"number": 5})
    client.force_login(auditor)
    response = client.get(URL, {"verify": "1"})
    assert response.context["report"].broken_seq == edited.seq
    html = response.content.decode()
    assert 'class="alert alert-danger" data-testid="chain-report"' in html
    assert f"event #{edited.seq} was altered after it was written" in html


def test_reading_the_log_writes_an_access_log_row(client: Client, auditor: User, some_events: list[Event]) -> None:
    """Each read of the log is itself recorded: who, what query, from which address."""
    client.force_login(auditor)
    client.get(URL, {"verb": "inspections.", "verify": "1"}, REMOTE_ADDR="10.1.2.3")
    log = AccessLog.objects.get()
    assert log.user == auditor
    assert log.action == AccessLog.Action.AUDIT_READ
    assert log.detail == "verb=inspections.&verify=1"
    assert log.ip_address == "10.1.2.3"


def test_reading_the_log_adds_no_event(client: Client, auditor: User, some_events: list[Event]) -> None:
    """A read changes nothing, so the chain does not grow."""
    client.force_login(auditor)  # signing in is an event of its own
    count = Event.objects.count()
    client.get(URL, {"verify": "1"})
    assert Event.objects.count() == count


def test_filters_narrow_the_events(client: Client, auditor: User, office: User, some_events: list[Event]) -> None:
    """Action prefix, actor and object type filters select events."""
    client.force_login(auditor)
    by_verb = client.get(URL, {"verb": "inspections."}).context["page_obj"]
    assert {event.verb for event in by_verb} == {"inspections.round_created", "inspections.round_moved"}
    by_actor = client.get(URL, {"actor": office.username}).context["page_obj"]
    assert [event.pk for event in by_actor] == [some_events[2].pk, some_events[1].pk]
    by_type = client.get(URL, {"object_type": "inspections.round"}).context["page_obj"]
    assert list(by_type) == []


def test_event_log_is_paginated(client: Client, auditor: User) -> None:
    """Fifty events a page; the second page holds the oldest."""
    target = UserFactory.create(username="target")
    for number in range(55):
        record_event("test.bulk", target, actor=SYSTEM, after={"n": number})
    client.force_login(auditor)
    first = client.get(URL, {"verb": "test."}).context["page_obj"]
    second = client.get(URL, {"verb": "test.", "page": "2"}).context["page_obj"]
    assert len(first) == 50
    assert [event.after["n"] for event in second] == [4, 3, 2, 1, 0]


def test_event_log_query_count_does_not_grow_with_events(
    client: Client, auditor: User, office: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Actors and units are joined, not fetched per row: 3 or 30 events cost the same queries."""
    target = UserFactory.create(username="target")
    client.force_login(auditor)
    for _number in range(3):
        record_event("test.bulk", target, actor=office)
    client.get(URL)  # warm the session
    # The access log's row costs three: its chain head locked, the row, the head moved on.
    with django_assert_num_queries(11) as few:
        client.get(URL)
    for _number in range(27):
        record_event("test.bulk", target, actor=office)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(URL)
