"""The reader's to-do (待办) on the landing page: the counts of each role, each linking to a list that shows that
very set, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.dashboard.todo import Todo, todos_for
from xuncha.findings.models import Clue, Problem
from xuncha.findings.tests.factories import ClueFactory, NoticeFactory, PetitionFactory, ProblemFactory
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.tests.factories import reported_round
from xuncha.rectification.tests.item_helpers import item_in, later

Status = LedgerItem.Status


def counts(user: User) -> dict[str, int]:
    return {todo.key: todo.count for todo in todos_for(User.objects.get(pk=user.pk))}


def by_key(user: User) -> dict[str, Todo]:
    return {todo.key: todo for todo in todos_for(User.objects.get(pk=user.pk))}


def listed(client: Client, user: User, url: str, name: str = "page_obj") -> int:
    """How many rows the list at ``url`` shows the user."""
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    value: Any = response.context[name]
    return value.paginator.count if hasattr(value, "paginator") else len(value)


@pytest.fixture
def ledger(world: World) -> dict[str, LedgerItem]:
    """Items of 甲一村 (a key village, whose items close after a verified visit) in the states each role waits on;
    one is overdue, one due in two days; the feedback behind them has two unsigned receipts."""
    today = timezone.localdate()
    return {
        "open": item_in(world, Status.OPEN, deadline=later()),
        "in_progress": item_in(world, Status.IN_PROGRESS, deadline=today - timedelta(days=3)),
        "returned": item_in(world, Status.RETURNED, deadline=today + timedelta(days=1)),
        "submitted": item_in(world, Status.SUBMITTED, deadline=later()),
        "reviewed_key": item_in(world, Status.REVIEWED, deadline=later()),
        "reviewed": item_in(world, Status.REVIEWED, deadline=later(), needs_return_visit=False),
        "closed": item_in(world, Status.CLOSED, deadline=later()),
    }


def test_village_to_do(client: Client, world: World, village_user: User, ledger: dict[str, LedgerItem]) -> None:
    """Its receipt to sign, the two items still to report, the one returned; each link lists that set."""
    assert counts(village_user) == {"receipts": 1, "to_report": 2, "returned": 1}
    todos = by_key(village_user)
    assert listed(client, village_user, todos["to_report"].url) == 2
    assert listed(client, village_user, todos["returned"].url) == 1
    assert todos["receipts"].url == "/lists/"


def test_township_to_do(client: Client, world: World, township_user: User, ledger: dict[str, LedgerItem]) -> None:
    assert counts(township_user) == {"receipts": 1, "to_review": 1, "red": 1}
    todos = by_key(township_user)
    assert listed(client, township_user, todos["to_review"].url) == 1
    assert listed(client, township_user, todos["red"].url) == 1


def test_leader_to_do(client: Client, world: World, leader: User, ledger: dict[str, LedgerItem]) -> None:
    assert counts(leader) == {"red": 1, "yellow": 1}
    todos = by_key(leader)
    assert listed(client, leader, todos["red"].url) == 1
    assert listed(client, leader, todos["yellow"].url) == 1


def test_office_to_do(
    client: Client, world: World, office: User, group_member: User, ledger: dict[str, LedgerItem]
) -> None:
    """Villages awaiting their lists (four of the reported round), two items to close, one visit to plan (the key
    village's reviewed item), one overdue, and the group's unhandled petition by assignment."""
    reported_round(world)
    PetitionFactory.create(assignment=world.assignment)
    pk = world.assignment.pk
    assert counts(office) == {
        "lists": 4,
        "to_close": 2,
        "to_visit": 1,
        "red": 1,
        f"petitions:{pk}": 1,
    }
    todos = by_key(office)
    assert listed(client, office, todos["to_close"].url) == 2
    assert listed(client, office, todos["to_visit"].url) == 1
    assert listed(client, office, todos["red"].url) == 1
    assert listed(client, office, todos[f"petitions:{pk}"].url, "petitions") == 1


def test_group_to_do(client: Client, world: World, group_member: User) -> None:
    """By assignment: drafts to confirm, petitions waiting, notices open; confirmed papers and handled
    petitions are not counted."""
    ProblemFactory.create(assignment=world.assignment, status=Problem.Status.DRAFT)
    ProblemFactory.create(assignment=world.assignment, status=Problem.Status.CONFIRMED)
    NoticeFactory.create(problem=ProblemFactory.create(assignment=world.assignment, status=Problem.Status.DRAFT))
    PetitionFactory.create(assignment=world.assignment)
    pk = world.assignment.pk
    assert counts(group_member) == {f"drafts:{pk}": 2, f"petitions:{pk}": 1, f"notices:{pk}": 1}
    todos = by_key(group_member)
    client.force_login(group_member)
    assert listed(client, group_member, todos[f"petitions:{pk}"].url, "petitions") == 1
    assert listed(client, group_member, todos[f"notices:{pk}"].url, "notices") == 1
    assert listed(client, group_member, todos[f"drafts:{pk}"].url, "problems") == 2


def test_discipline_to_do(client: Client, world: World, discipline: User) -> None:
    """Clues transferred to it to receive, received to dispose; a registered clue is none of its business."""
    ClueFactory.create(assignment=world.assignment, status=Clue.Status.REGISTERED)
    ClueFactory.create(assignment=world.assignment, status=Clue.Status.TRANSFERRED)
    ClueFactory.create(assignment=world.assignment, status=Clue.Status.RECEIVED)
    assert counts(discipline) == {"clues_to_receive": 1, "clues_to_dispose": 1}
    todos = by_key(discipline)
    assert listed(client, discipline, todos["clues_to_receive"].url, "clues") == 1
    assert listed(client, discipline, todos["clues_to_dispose"].url, "clues") == 1


def test_nothing_to_do_for_an_administrator(world: World, sysadmin: User) -> None:
    assert todos_for(sysadmin) == []


@pytest.mark.parametrize(("persona", "queries"), [("office", 6), ("village_user", 4), ("group_member", 6)])
def test_to_do_query_count(
    request: pytest.FixtureRequest,
    world: World,
    ledger: dict[str, LedgerItem],
    group_member: User,
    django_assert_num_queries: Any,
    persona: str,
    queries: int,
) -> None:
    """A fixed number of queries per role, whatever the number of items, petitions and papers."""
    PetitionFactory.create(assignment=world.assignment)
    ProblemFactory.create(assignment=world.assignment, status=Problem.Status.DRAFT)
    user = User.objects.get(pk=request.getfixturevalue(persona).pk)
    with django_assert_num_queries(queries):
        todos_for(user)


@pytest.mark.parametrize("persona", ["office", "township_user", "village_user", "group_member", "discipline"])
def test_the_landing_page_starts_with_the_to_do(
    request: pytest.FixtureRequest, client: Client, world: World, ledger: dict[str, LedgerItem], persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert b'data-testid="todo"' in response.content


def test_another_unit_page_shows_no_to_do(
    client: Client, world: World, township_user: User, ledger: dict[str, LedgerItem]
) -> None:
    """The to-do is on the reader's own starting page, not on every page of a unit they may read."""
    client.force_login(township_user)
    response = client.get(world.village_a1.get_absolute_url())
    assert response.status_code == 200
    assert b'data-testid="todo"' not in response.content
