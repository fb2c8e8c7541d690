"""``xuncha archive ROUND_ID``: file a closed round (立卷归档), one .zip per assignment; ``xuncha archive --verify
FILE``: check every member of a file against its manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.accounts.actors import SYSTEM
from xuncha.archive.actions import archive_path, archive_round
from xuncha.archive.building import verify
from xuncha.archive.models import Archive
from xuncha.core.exceptions import ActionRefused
from xuncha.inspections.models import Round


class Command(BaseCommand):
    help = (
        "File a closed round: build each assignment's file (卷宗: index, documents, records, evidence, audit trail, "
        "SHA-256 manifest) as a .zip, now, and make the round read-only. With --verify FILE, check a file's members "
        "against its manifest instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round_id", nargs="?", type=int, help="the id of the closed round to file")
        parser.add_argument("--verify", type=Path, metavar="FILE", help="a file (.zip) to check against its manifest")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify"] is not None:
            self._verify(options["verify"])
            return
        if options["round_id"] is None:
            raise CommandError("Give the id of a closed round, or --verify FILE.")
        round_ = Round.objects.select_related("term__county").filter(pk=options["round_id"]).first()
        if round_ is None:
            raise CommandError(f"There is no round {options['round_id']}.")
        try:
            archives = archive_round(round_, actor=SYSTEM, inline=True)
        except ActionRefused as exc:
            raise CommandError(exc.message) from exc
        if not archives:
            self.stdout.write(f"{round_}: every assignment's file is already built.")
        failed = False
        for archive in archives:
            if archive.status == Archive.Status.READY:
                self.stdout.write(
                    f"{archive.assignment.group}: {archive_path(archive)} ({archive.size} bytes, SHA-256 "
                    f"{archive.sha256})"
                )
            else:
                failed = True
                self.stderr.write(f"{archive.assignment.group}: FAILED: {archive.error}")
        if failed:
            raise CommandError("Some files could not be built; run the command again to retry them.")

    def _verify(self, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        problems = verify(path)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{path}: {len(problems)} problem(s); the file does not match its manifest.")
        self.stdout.write(self.style.SUCCESS(f"{path}: every member matches the manifest."))
