"""``xuncha import-divisions FILE.csv``: load NBS division data into the tree, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.accounts.actors import SYSTEM
from xuncha.core.tabular import ImportRejected
from xuncha.organisations.actions import import_divisions


class Command(BaseCommand):
    help = (
        "Import administrative divisions from a CSV file in the province-chain layout "
        "(city_code,city_name,county_code,county_name,township_code,township_name,village_code,village_name) "
        "or the county-villages layout (township_code,township_name,village_code,village_name,kind). "
        "Re-running a file changes nothing; a file with any bad row is refused as a whole."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8 or GB18030)")
        parser.add_argument("--county", help="import only this county of a province-chain file (e.g. 450328)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            result = import_divisions(data, actor=SYSTEM, file_name=path.name, only_county=options["county"])
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{path.name} was refused: {len(exc.errors)} bad row(s); nothing was imported.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name}: {result.created} units created, {result.updated} updated, {result.unchanged} unchanged."
            )
        )
