"""``xuncha demo``: load the Longsheng County demo (re-runnable; ``--reset`` rebuilds it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.core.exceptions import ActionRefused
from xuncha.demo import builder


class Command(BaseCommand):
    help = (
        "Load the Longsheng County demo: its real 10 townships and 128 villages and communities, 23 key villages, "
        "the 15th term with four rounds covering 75 villages, what the groups found (732 problems, 13 clues), the "
        "two lists fed back to townships and villages, the rectification ledger with return visits, two live "
        "rounds revisiting villages (one reporting, one on site today), and one account per role, each step dated "
        "on its business day. Running it again changes nothing; --reset empties the database first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="delete ALL data and rebuild the demo")
        parser.add_argument("--if-empty", action="store_true", help="load only into an empty database")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            if options["interactive"]:
                answer = input("This deletes ALL data in the database, audit log included. Type 'yes' to go on: ")
                if answer.strip() != "yes":
                    raise CommandError("Reset cancelled.")
            call_command("flush", interactive=False, verbosity=0)
        if builder.is_loaded():
            self.stdout.write("The Longsheng demo is already loaded.")
            self._print_accounts()
            return
        if options["if_empty"] and not builder.database_is_empty():
            self.stdout.write("The database already holds data; the demo was not loaded.")
            return
        try:
            builder.build(progress=lambda step: self.stdout.write(f"  … {step}"))
        except ActionRefused as exc:
            raise CommandError(f"The demo cannot be loaded into this database: {exc.message}") from exc
        self.stdout.write(self.style.SUCCESS("The Longsheng demo is loaded."))
        self._print_accounts()

    def _print_accounts(self) -> None:
        password = settings.XUNCHA_DEMO_PASSWORD
        self.stdout.write(f"\nDemo accounts (password: {password}):")
        for account in builder.accounts():
            self.stdout.write(f"  {account.username:<20} {account.name:<6} {account.role} · {account.post}")
