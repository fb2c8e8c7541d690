"""Template context of the header: the signed-in user's unread notifications (the bell)."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from xuncha.accounts.models import Notification


class NotificationBell:
    """The unread count, read with one query the first time a page shows it (partials that do not pay nothing)."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    @cached_property
    def unread(self) -> int:
        return Notification.objects.filter(user_id=self.user_id, read_at__isnull=True).count()


def notifications(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_bell": NotificationBell(user.pk)}
