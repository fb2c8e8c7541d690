"""``mark_notifications_read``: a user marks their own notifications read, one or all, and nobody else's."""

from __future__ import annotations

import pytest
from django.utils import timezone

from xuncha.accounts.actions import mark_notifications_read
from xuncha.accounts.models import Notification, User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import PermissionDenied


def _notify(user: User, key: str) -> Notification:
    return Notification.objects.create(
        user=user, kind="OVERDUE", key=key, day=timezone.localdate(), message=key, url="/"
    )


def test_a_user_marks_one_or_all_of_their_own_notifications_read(
    world: World, village_user: User, township_user: User
) -> None:
    """One id marks that one; no ids marks the rest; another user's id is ignored; no audit event is written."""
    first, second, third = (_notify(village_user, f"item:{n}") for n in range(3))
    theirs = _notify(township_user, "item:9")
    events = Event.objects.count()

    assert mark_notifications_read(village_user, ids=[first.pk, theirs.pk], actor=village_user) == 1
    assert mark_notifications_read(village_user, ids=[first.pk], actor=village_user) == 0
    assert mark_notifications_read(village_user, ids=None, actor=village_user) == 2

    assert not Notification.objects.filter(user=village_user).unread().exists()
    assert Notification.objects.filter(pk=theirs.pk).unread().exists()
    assert {second.pk, third.pk} <= set(Notification.objects.exclude(read_at=None).values_list("pk", flat=True))
    assert Event.objects.count() == events


def test_nobody_marks_another_users_notifications_read(
    world: World, village_user: User, township_user: User, office: User
) -> None:
    mine = _notify(village_user, "item:1")
    for actor in (township_user, office):
        with pytest.raises(PermissionDenied):
            mark_notifications_read(village_user, ids=None, actor=actor)
    assert Notification.objects.filter(pk=mine.pk).unread().exists()
