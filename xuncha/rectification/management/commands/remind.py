"""``xuncha remind``: today's reminders as in-app notifications (and e-mail where configured); for cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xuncha.accounts.actors import SYSTEM
from xuncha.rectification import actions


class Command(BaseCommand):
    help = (
        "Notify the people concerned of items due soon or overdue, submissions awaiting the township's review, "
        "reviewed items awaiting closure, feedback not yet signed for and clues transferred three months ago without "
        "a reported disposal. Running it twice a day notifies once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created, sent = actions.send_reminders(actor=SYSTEM)
        pruned = actions.prune_notifications(actor=SYSTEM)
        self.stdout.write(f"{created} notification(s) created, {sent} e-mail(s) sent, {pruned} old one(s) pruned.")
