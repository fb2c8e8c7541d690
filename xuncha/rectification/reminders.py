"""Daily reminders (``xuncha remind``): in-app notifications, and e-mail where it is configured.

Each notification names its subject (``key``) and day; the database refuses a second one for the same user, kind,
subject and day, so running the command twice on one day notifies once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import Notification, Role, RoleGrant, User
from xuncha.rectification.lights import light_q, overdue_q
from xuncha.rectification.models import LedgerItem, Light, Receipt

logger = logging.getLogger(__name__)

Status = LedgerItem.Status


@dataclass(frozen=True)
class Reminder:
    user_id: int
    kind: str
    key: str
    message: str
    url: str


def _holders(role: Role, unit_paths: Iterable[str]) -> dict[str, list[int]]:
    """For each unit path, the users holding ``role`` over it (grants on the unit or above it); one query for the
    grants on those units and their ancestors, whatever else the database holds."""
    paths = set(unit_paths)
    codes = {code for path in paths for code in path.strip("/").split("/")}
    grants = RoleGrant.objects.filter(role=role, user__is_active=True, unit__code__in=codes).select_related("unit")
    holders: dict[str, list[int]] = {path: [] for path in paths}
    for grant in grants:
        if grant.unit is None:
            continue
        for path in paths:
            if path.startswith(grant.unit.path) if grant.includes_descendants else path == grant.unit.path:
                holders[path].append(grant.user_id)
    return holders


def _office_holders(items: QuerySet[LedgerItem]) -> dict[str, list[int]]:
    counties = {item.round.term.county.path for item in items}
    holders: dict[str, list[int]] = {}
    for role in (Role.OFFICE, Role.OFFICE_LEAD):
        for path, users in _holders(role, counties).items():
            holders.setdefault(path, []).extend(users)
    return holders


def collect(today: date) -> list[Reminder]:
    """Everything that needs someone's attention today, addressed to the people who can act on it."""
    reminders: list[Reminder] = []
    base = LedgerItem.objects.select_related("village", "township", "round__term__county")
    due_soon = list(base.filter(light_q(Light.YELLOW, today)))
    overdue = list(base.filter(overdue_q(today)))
    submitted = list(base.filter(status=Status.SUBMITTED))
    reviewed = list(base.filter(status=Status.REVIEWED))
    villages = _holders(Role.VILLAGE, {item.village.path for item in due_soon + overdue})
    townships = _holders(Role.TOWNSHIP, {item.township.path for item in due_soon + overdue + submitted})
    offices = _office_holders(base.filter(pk__in=[item.pk for item in overdue + reviewed]))

    def add(users: Iterable[int], kind: str, item: LedgerItem, message: str) -> None:
        for user_id in set(users):
            reminders.append(Reminder(user_id, kind, f"item:{item.pk}", message, item.get_absolute_url()))

    for item in due_soon:
        message = _("%(number)s of %(village)s is due on %(deadline)s.") % {
            "number": item.number,
            "village": item.village,
            "deadline": item.deadline,
        }
        add(villages[item.village.path] + townships[item.township.path], "DUE_SOON", item, message)
    for item in overdue:
        message = _("%(number)s of %(village)s is overdue since %(deadline)s.") % {
            "number": item.number,
            "village": item.village,
            "deadline": item.deadline,
        }
        add(villages[item.village.path] + townships[item.township.path], "OVERDUE", item, message)
        add(offices.get(item.round.term.county.path, []), "OVERDUE", item, message)
    for item in submitted:
        message = _("%(village)s submitted %(number)s for your review.") % {
            "village": item.village,
            "number": item.number,
        }
        add(townships[item.township.path], "AWAITING_REVIEW", item, message)
    for item in reviewed:
        message = _("%(number)s of %(village)s was reviewed by the township and awaits closure.") % {
            "number": item.number,
            "village": item.village,
        }
        add(offices.get(item.round.term.county.path, []), "AWAITING_CLOSURE", item, message)
    reminders.extend(_unsigned_receipts())
    return reminders


def _unsigned_receipts() -> list[Reminder]:
    receipts = list(
        Receipt.objects.filter(signed_at__isnull=True).select_related("unit", "feedback__village", "feedback__round")
    )
    reminders = []
    for role, recipient in ((Role.TOWNSHIP, Receipt.Recipient.TOWNSHIP), (Role.VILLAGE, Receipt.Recipient.VILLAGE)):
        mine = [receipt for receipt in receipts if receipt.recipient == recipient]
        holders = _holders(role, {receipt.unit.path for receipt in mine})
        for receipt in mine:
            message = _("Sign for the feedback of %(round)s to %(village)s.") % {
                "round": receipt.feedback.round,
                "village": receipt.feedback.village,
            }
            url = receipt.feedback.individual_list.get_absolute_url()
            for user_id in set(holders[receipt.unit.path]):
                reminders.append(Reminder(user_id, "RECEIPT_MISSING", f"receipt:{receipt.pk}", message, url))
    return reminders


def send(today: date | None = None) -> tuple[int, int]:
    """Create today's notifications (once per user, kind, subject and day), then e-mail them where configured —
    after the transaction, so that a slow mail server holds no database lock.

    Returns (notifications created, e-mails sent).
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        reminders = collect(today)
        already = set(Notification.objects.filter(day=today).values_list("user_id", "kind", "key"))
        new = [
            Notification(user_id=r.user_id, kind=r.kind, key=r.key, day=today, message=r.message[:300], url=r.url)
            for r in {(r.user_id, r.kind, r.key): r for r in reminders}.values()
            if (r.user_id, r.kind, r.key) not in already
        ]
        Notification.objects.bulk_create(new, ignore_conflicts=True)
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


def prune(keep_days: int = 180) -> int:
    """Delete read notifications older than ``keep_days``."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _detail = Notification.objects.filter(Q(read_at__lt=cutoff)).delete()
    return deleted
