"""Scope of the group's records on pages and in the API, the access log of talk reads, the assignment page's
section, and query budgets."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.models import AccessLog
from xuncha.conftest import World
from xuncha.fieldwork.models import TalkRecord
from xuncha.fieldwork.tests.factories import PERSON, TRANSCRIPT, record_talk, record_visit
from xuncha.findings.tests.factories import persona
from xuncha.inspections.tests.factories import GroupFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk(world: World, group_leader: User, group_member: User) -> TalkRecord:
    return record_talk(world.assignment, group_member, [group_leader, group_member])


@pytest.fixture
def other_group_member(world: World) -> User:
    user = UserFactory.create(username="group1_member")
    grant(user, Role.GROUP_MEMBER, world.county)
    member(GroupFactory.create(round=world.round, number=1), user)
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "name",
    ["township_user", "village_user", "other_group_member", "office", "leader", "sysadmin", "auditor", "outsider"],
)
def test_a_talk_is_hidden_from_everyone_but_the_group_and_the_director(
    request: pytest.FixtureRequest, talk: TalkRecord, name: str
) -> None:
    client = _client(persona(request, name))
    assert client.get(talk.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/talks/{talk.pk}/").status_code == 404
    assert client.get("/api/v1/talks/").json()["results"] == []
    assert not AccessLog.objects.filter(action=AccessLog.Action.RECORD_READ).exists()


@pytest.mark.parametrize("name", ["group_member", "group_leader", "office_lead"])
def test_reading_a_talk_is_logged(request: pytest.FixtureRequest, talk: TalkRecord, name: str) -> None:
    user = persona(request, name)
    response = _client(user).get(talk.get_absolute_url())
    assert response.status_code == 200
    assert PERSON in response.text and TRANSCRIPT in response.text
    log = AccessLog.objects.get(action=AccessLog.Action.RECORD_READ)
    assert (log.user, log.object_id) == (user, str(talk.pk))
    assert _client(user).get(f"/api/v1/talks/{talk.pk}/").json()["person_name"] == PERSON
    assert AccessLog.objects.filter(action=AccessLog.Action.RECORD_READ).count() == 2


def test_the_api_list_of_talks_holds_no_content(talk: TalkRecord, group_member: User) -> None:
    (row,) = _client(group_member).get("/api/v1/talks/").json()["results"]
    assert "transcript" not in row and "person_name" not in row
    assert not AccessLog.objects.exists()


def test_the_office_sees_only_counts_on_the_assignment_page(world: World, talk: TalkRecord, office: User) -> None:
    response = _client(office).get(world.assignment.get_absolute_url())
    assert 'data-testid="fieldwork-counts-only"' in response.text
    assert "1 talks" in response.text
    assert talk.get_absolute_url() not in response.text


def test_a_township_sees_no_section(world: World, talk: TalkRecord, township_user: User) -> None:
    response = _client(township_user).get(world.assignment.get_absolute_url())
    assert 'data-testid="fieldwork-section"' not in response.text


def test_the_group_sees_the_checklist_and_the_forms(world: World, talk: TalkRecord, group_member: User) -> None:
    response = _client(group_member).get(world.assignment.get_absolute_url())
    assert 'data-testid="talk-checklist"' in response.text and 'data-testid="talk-form"' in response.text
    assert talk.get_absolute_url() in response.text


def test_a_talk_is_entered_from_the_assignment_page(world: World, group_leader: User, group_member: User) -> None:
    response = _client(group_member).post(
        reverse("fieldwork:talk-create", args=[world.assignment.pk]),
        {
            "village": world.village_a1.pk,
            "talk_role": "DIRECTOR",
            "person_name": "李四",
            "person_post": "村委会主任",
            "talked_on": world.assignment.stationed_from.isoformat(),
            "place": "村部",
            "interviewers": [group_leader.pk, group_member.pk],
            "transcript": "谈话内容",
        },
    )
    talk = TalkRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == talk.get_absolute_url()


def test_a_problem_is_written_from_a_record_page(world: World, group_member: User) -> None:
    visit = record_visit(world.assignment, group_member)
    client = _client(group_member)
    page = client.get(visit.get_absolute_url())
    assert visit.notes in page.text  # the form is prefilled with the visit's notes
    response = client.post(
        reverse("fieldwork:record-problem", args=["visit", visit.pk]),
        {
            "category": "BENEFIT",
            "phenomenon": visit.notes,
            "fix_type": "FOLLOW_UP",
            "found_on": world.assignment.stationed_from.isoformat(),
        },
    )
    problem = visit.problems.get()
    assert response["Location"] == problem.get_absolute_url() and problem.source == "VISIT"
    assert problem.serial in client.get(visit.get_absolute_url()).text


def test_the_talk_list_costs_the_same_whatever_its_length(
    world: World, group_leader: User, group_member: User, django_assert_num_queries: object
) -> None:
    for _ in range(3):
        record_talk(world.assignment, group_member, [group_leader, group_member])
    client = _client(group_member)
    client.get("/api/v1/talks/")
    # session, user, grants, memberships, count, page, problems, interviewers
    with django_assert_num_queries(8):  # type: ignore[operator]
        assert len(client.get("/api/v1/talks/").json()["results"]) == 3


def test_the_assignment_page_costs_the_same_with_more_records(
    world: World, group_leader: User, group_member: User
) -> None:
    client = _client(group_member)
    record_talk(world.assignment, group_member, [group_leader, group_member])
    record_visit(world.assignment, group_member)
    client.get(world.assignment.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(world.assignment.get_absolute_url())
    for _ in range(4):
        record_talk(world.assignment, group_member, [group_leader, group_member])
        record_visit(world.assignment, group_member)
    with CaptureQueriesContext(connection) as many:
        client.get(world.assignment.get_absolute_url())
    assert len(many) == len(few)
