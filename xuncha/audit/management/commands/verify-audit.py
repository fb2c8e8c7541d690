"""``xuncha verify-audit``: walk the event chain and the access log's chain; exit 1 naming the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xuncha.audit.chain import verify_access_chain, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the hash chains of the audit log and of the access log; exits non-zero and names the first broken link."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"Audit chain broken at event #{report.broken_seq}: {report.reason}")
        access = verify_access_chain()
        if not access.ok:
            raise CommandError(f"Access log chain broken at row #{access.broken_seq}: {access.reason}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked} events verified; access log intact: {access.checked} rows."
            )
        )
