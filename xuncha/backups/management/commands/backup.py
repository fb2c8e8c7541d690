"""``xuncha backup``: one encrypted archive of the database, the media files and the audit chain's head."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.accounts.actors import SYSTEM
from xuncha.backups.actions import make_backup
from xuncha.backups.archive import BackupRefused


class Command(BaseCommand):
    help = (
        "Write an encrypted, authenticated archive of the database, the media files and the audit chain's head "
        "(key: XUNCHA_BACKUP_KEY or XUNCHA_BACKUP_KEY_FILE); for cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="the archive to write (default: var/backups/xuncha-<time>.backup)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = make_backup(options["output"], actor=SYSTEM)
        except BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        audit = report.manifest["audit"]["head"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {report.path}: {report.backup.size} bytes, SHA-256 {report.backup.sha256}; "
                f"{report.manifest['engine']} database, {report.media_files} media file(s), "
                f"audit chain at #{audit['seq']}."
            )
        )
