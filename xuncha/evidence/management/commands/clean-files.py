"""``xuncha clean-files``: remove uploaded files that no evidence row refers to (left by rolled-back uploads)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from xuncha.evidence.models import Evidence


class Command(BaseCommand):
    help = "Delete evidence files under MEDIA_ROOT/evidence that no evidence row refers to and are older than a day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list what would be deleted")
        parser.add_argument("--min-age-hours", type=int, default=24)

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.MEDIA_ROOT)
        folder = root / "evidence"
        if not folder.exists():
            self.stdout.write("No evidence folder.")
            return
        known = set(Evidence.objects.values_list("file", flat=True))
        cutoff = time.time() - options["min_age_hours"] * 3600
        removed = 0
        for path in folder.rglob("*"):
            if not path.is_file() or path.stat().st_mtime > cutoff:
                continue
            if str(path.relative_to(root)) in known:
                continue
            removed += 1
            if options["dry_run"]:
                self.stdout.write(f"would delete {path}")
            else:
                path.unlink()
        self.stdout.write(f"{removed} orphaned file(s) {'found' if options['dry_run'] else 'deleted'}.")
