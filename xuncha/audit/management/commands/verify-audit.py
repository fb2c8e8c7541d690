"""``xuncha verify-audit``: walk the event chain; exit 1 naming the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xuncha.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exits non-zero and names the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"Audit chain broken at event #{report.broken_seq}: {report.reason}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events verified."))
