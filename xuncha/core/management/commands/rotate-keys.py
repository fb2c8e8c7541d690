"""``xuncha rotate-keys``: re-encrypt every encrypted field under the first key of ``XUNCHA_FIELD_KEY``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xuncha.accounts.actors import SYSTEM
from xuncha.core.crypto import InvalidToken
from xuncha.findings.actions import rotate_field_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt residents' identities and sealed clues' texts under the first key of XUNCHA_FIELD_KEY. "
        'Put the new key first ("NEW,OLD"), run this, then drop OLD. All or nothing: if any token opens under no '
        "configured key, nothing is changed and the command exits 1."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = rotate_field_keys(actor=SYSTEM)
        except InvalidToken as exc:
            raise CommandError("A token opens under none of the configured keys; nothing was changed.") from exc
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(f"{sum(counts.values())} token(s) re-encrypted under the first key.")
