"""Daily reminders (``xuncha remind``): in-app notifications, and e-mail where it is configured.

Each notification names its subject (``key``) and day; the database refuses a second one for the same user, kind,
subject and day, so running the command twice on one day notifies once. What needs someone's attention, and whose,
is read by ``queries.reminders_due``.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require
from xuncha.accounts.models import Notification, User
from xuncha.audit.actions import record_event
from xuncha.rectification import permissions
from xuncha.rectification.queries import reminders_due

logger = logging.getLogger(__name__)


def send_reminders(*, actor: Actor, today: date | None = None) -> tuple[int, int]:
    """Create today's notifications (once per user, kind, subject and day) and record, for each county concerned,
    one ``rectification.reminders_sent`` event with the counts by kind; then e-mail them where configured — after
    the transaction, so that a slow mail server holds no database lock. Only the system sends reminders.

    Returns (notifications created, e-mails sent).
    """
    require(actor, permissions.can_send_reminders(actor), _("Reminders are sent by the platform itself."))
    today = today or timezone.localdate()
    with transaction.atomic():
        reminders = reminders_due(today)
        already = set(Notification.objects.filter(day=today).values_list("user_id", "kind", "key"))
        fresh = [
            r
            for r in {(r.user_id, r.kind, r.key): r for r in reminders}.values()
            if (r.user_id, r.kind, r.key) not in already
        ]
        new = [
            Notification(user_id=r.user_id, kind=r.kind, key=r.key, day=today, message=r.message[:300], url=r.url)
            for r in fresh
        ]
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        counties = {r.county.pk: r.county for r in fresh}
        for county in sorted(counties.values(), key=lambda unit: unit.code):
            kinds = Counter(r.kind for r in fresh if r.county.pk == county.pk)
            record_event(
                "rectification.reminders_sent",
                county,
                actor=actor,
                unit=county,
                after={
                    "day": today.isoformat(),
                    "notifications": kinds.total(),
                    "by_kind": dict(sorted(kinds.items())),
                },
            )
    sent = 0
    if settings.XUNCHA_EMAIL_ENABLED and new:
        sent = _mail(new)
    return len(new), sent


def _mail(notifications: list[Notification]) -> int:
    """One e-mail per user with all of today's new notifications."""
    by_user: dict[int, list[Notification]] = {}
    for notification in notifications:
        by_user.setdefault(notification.user_id, []).append(notification)
    users = User.objects.filter(pk__in=by_user, is_active=True).exclude(email="")
    messages = [
        mail.EmailMessage(
            subject=_("Xuncha reminders"),
            body="\n".join(f"- {n.message}" for n in by_user[user.pk]),
            to=[user.email],
        )
        for user in users
    ]
    if not messages:
        return 0
    try:
        return mail.mailers.default.send_messages(messages) or 0
    except OSError:
        logger.exception("Reminder e-mails could not be sent; the in-app notifications are kept.")
        return 0


@transaction.atomic
def prune_notifications(*, actor: Actor, keep_days: int = 180) -> int:
    """Delete notifications read more than ``keep_days`` ago (only the system prunes). Returns how many went.

    Read notifications are the users' own inbox, not a record of the inspection: no audit event is written.
    """
    require(actor, permissions.can_send_reminders(actor), _("Reminders are sent by the platform itself."))
    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _detail = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted
