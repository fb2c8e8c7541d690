"""Requests racing each other through the API (PostgreSQL: SQLite serialises whole transactions)."""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.findings import actions
from xuncha.findings.models import Category, FixType, ImmediateFixNotice, Problem
from xuncha.inspections.models import InspectionGroup


def _race(user: User, url: str, body: dict[str, Any]) -> list[int]:
    """POST ``body`` to ``url`` from two clients at once; the statuses they get."""
    start = threading.Barrier(2)
    statuses: list[int] = []

    def send() -> None:
        try:
            client = APIClient(raise_request_exception=False)
            client.force_login(user)
            start.wait()
            statuses.append(client.post(url, body, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _number in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_issuing_the_same_notice_twice_at_once_gives_one_notice_and_one_conflict(
    world: World, group_member: User, group_leader: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A double click on "issue notice": one notice is issued (201), the other request is refused (409), not
    a 500 from the one-to-one constraint."""
    problem = actions.record_problem(
        world.assignment,
        world.village_a1,
        category=Category.FINANCE,
        phenomenon="村集体收入未入账。",
        source=Problem.Source.DOCUMENTS,
        fix_type=FixType.IMMEDIATE,
        actor=group_member,
        found_on=date(2023, 9, 20),
    )
    lock_group = InspectionGroup.objects.select_for_update

    def slow_lock(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)  # wide enough for both requests to have checked for an existing notice
        return lock_group(*args, **kwargs)

    monkeypatch.setattr(InspectionGroup.objects, "select_for_update", slow_lock)
    body = {"requirement": "立即入账。", "deadline": "2023-10-15", "issued_on": "2023-10-01"}
    statuses = _race(group_leader, f"/api/v1/problems/{problem.pk}/notice/", body)
    assert ImmediateFixNotice.objects.filter(problem=problem).count() == 1
    assert statuses == [201, 409]
