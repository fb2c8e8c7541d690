"""``xuncha classify FILE.csv``: set village categories from a CSV of code,category,reason, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.accounts.actors import SYSTEM
from xuncha.core.tabular import ImportRejected
from xuncha.organisations.actions import classify_villages


class Command(BaseCommand):
    help = (
        "Classify villages from a CSV file with the header code,category,reason. The category is KEY, GENERAL or "
        "WATCH (or 重点村, 一般村, 关注村); key and watch-list villages need a reason. Any bad row refuses the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8 or GB18030)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            result = classify_villages(data, actor=SYSTEM, file_name=path.name)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{path.name} was refused: {len(exc.errors)} bad row(s); nothing was changed.") from exc
        self.stdout.write(
            self.style.SUCCESS(f"{path.name}: {result.updated} villages classified, {result.unchanged} unchanged.")
        )
