"""Shared by the rectification API tests: the API root, a signed-in client, counting rows and audit events,
multipart uploads and items taken through submission and closure.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from rest_framework.test import APIClient

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.tests.factories import photo

API = "/api/v1"
Status = LedgerItem.Status
DONE_TEXT = "合同已补办表决手续，租金3.2万元已全部入账。"


def client_for(user: User | None) -> APIClient:
    """A client signed in by session (a fresh user object per request, as in production)."""
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def count(response: Any) -> int:
    assert response.status_code == 200, response.content
    return int(response.json()["count"])


def events(verb: str, obj: Any) -> int:
    return Event.objects.filter(verb=verb, object_type=obj._meta.label_lower, object_id=str(obj.pk)).count()


def later(days: int = 60) -> date:
    return timezone.localdate() + timedelta(days=days)


def submitted(item: LedgerItem) -> LedgerItem:
    """The village submits the item with a photo (the system acting, for a scene)."""
    return actions.submit_item(item, text=DONE_TEXT, actor=SYSTEM, files=[photo()])


def close_through_review(item: LedgerItem) -> LedgerItem:
    """Submit, approve and close an item of a village that needs no return visit."""
    actions.review_item(submitted(item), approve=True, actor=SYSTEM)
    return actions.close_item(item, actor=SYSTEM)
