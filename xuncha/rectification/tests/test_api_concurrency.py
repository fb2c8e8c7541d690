"""Requests racing each other through the rectification API (PostgreSQL: SQLite serialises whole transactions)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.rectification.models import LedgerItem, Progress, Receipt
from xuncha.rectification.tests.factories import feedback_for, ledger_item, township_person

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _race(requests: list[tuple[User, str, dict[str, Any]]]) -> dict[str, int]:
    """POST each (user, url, body) from its own thread at the same moment; the status each user got."""
    start = threading.Barrier(len(requests))
    statuses: dict[str, int] = {}

    def send(user: User, url: str, body: dict[str, Any]) -> None:
        try:
            client = APIClient(raise_request_exception=False)
            client.force_login(user)
            start.wait()
            statuses[user.username] = client.post(url, body, format="json").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_two_reviewers_at_once_one_wins_and_the_other_gets_a_conflict(world: World, township_user: User) -> None:
    """One township reviewer approves while another returns the same submission: exactly one succeeds (200), the
    other is refused (409), and the item holds the winner's decision with one review step."""
    other = township_person(world.township_a, "township_a_2")
    item = ledger_item(world.round, world.village_a2, status=LedgerItem.Status.SUBMITTED)
    url = f"/api/v1/items/{item.pk}/review/"
    statuses = _race(
        [
            (township_user, url, {"approve": True, "expected_status": "SUBMITTED"}),
            (other, url, {"approve": False, "reason": "材料不全。", "expected_status": "SUBMITTED"}),
        ]
    )
    assert sorted(statuses.values()) == [200, 409]
    item.refresh_from_db()
    winner_approved = statuses[township_user.username] == 200
    assert item.status == (LedgerItem.Status.REVIEWED if winner_approved else LedgerItem.Status.RETURNED)
    assert Progress.objects.filter(item=item).count() == 1
    assert Event.objects.filter(object_id=str(item.pk), verb__startswith="rectification.item_").count() == 1


def test_a_receipt_signed_twice_at_once_is_signed_once(world: World, township_user: User) -> None:
    """A double click on "sign": one signature (200), one conflict (409), one audit event."""
    receipt = feedback_for(world.round, world.village_a2).receipts.get(recipient=Receipt.Recipient.TOWNSHIP)
    url = f"/api/v1/receipts/{receipt.pk}/sign/"
    other = township_person(world.township_a, "township_a_2")
    statuses = _race([(township_user, url, {}), (other, url, {})])
    assert sorted(statuses.values()) == [200, 409]
    receipt.refresh_from_db()
    assert receipt.signed_by is not None
    assert statuses[receipt.signed_by.username] == 200
    assert Event.objects.filter(verb="rectification.receipt_signed", object_id=str(receipt.pk)).count() == 1
