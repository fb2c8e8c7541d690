"""``xuncha restore FILE``: check an archive made by ``xuncha backup``, restore it and verify the audit chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.accounts.actors import SYSTEM
from xuncha.backups.actions import app_version, restore_backup
from xuncha.backups.archive import BackupRefused


class Command(BaseCommand):
    help = (
        "Restore the database and the media files from an archive of `xuncha backup` after checking that it is "
        "intact, from this installation and for this database engine; then verify the audit chain. Stop the app "
        "and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the archive")
        parser.add_argument(
            "--yes", action="store_true", help="replace a database that holds data (and the media folder)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            report = restore_backup(path, actor=SYSTEM, replace=options["yes"])
        except BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        manifest = report.manifest
        head = manifest["audit"]["head"]
        self.stdout.write(
            f"Restored from {path.name} (made {manifest['created_at']} by Xuncha {manifest['version']}): "
            f"the {manifest['engine']} database and {report.media_files} media file(s)."
        )
        if manifest["version"] != app_version():
            self.stdout.write(
                self.style.WARNING(
                    f"The archive was made by Xuncha {manifest['version']}; this is {app_version()}: "
                    "run `xuncha migrate`."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.events_verified} events verified; its head #{head['seq']} matches "
                "the archive."
            )
        )
