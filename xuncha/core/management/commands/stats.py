"""``xuncha stats [--json]``: the county's figures, for scripts, checks and the office's reports."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.dashboard.queries import Sources, build_scope, dashboard_figures
from xuncha.deliverables.queries import county_figures as deliverable_figures
from xuncha.findings.queries import findings_figures
from xuncha.inspections.queries import county_figures, current_term
from xuncha.organisations.codes import normalise_code
from xuncha.organisations.models import AdminUnit
from xuncha.rectification.queries import rectification_figures


class Command(BaseCommand):
    help = (
        "Print a county's figures (villages, categories, coverage this term, rounds, and what the groups found: "
        "problems, clues transferred, suggestions, petitions, immediate-fix notices; the rectification ledger: "
        "items, closed, ongoing, overdue, completion rate, receipts, return visits; the deliverables of art. 27: on "
        'time, late and missing), and under "dashboard" every figure of the dashboard; --json for scripts; --unit '
        "for the dashboard of any unit (a city or the province rolls up its counties' current terms)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", help="the county's code (default: the only county with a term)")
        parser.add_argument("--unit", help="print only the dashboard figures of this unit (any level), as JSON")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["unit"]:
            unit = AdminUnit.objects.filter(code=normalise_code(options["unit"]) or "").first()
            if unit is None:
                raise CommandError(f"No unit has the code {options['unit']}.")
            figures = dashboard_figures(build_scope(unit), Sources.everything())
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        county = self._county(options["county"])
        # Run by the system, without a user: it may count sealed clues (never show them).
        term = current_term(county)
        figures = {
            **county_figures(county),
            **findings_figures(county, term),
            **rectification_figures(county, term),
            "deliverables": deliverable_figures(county.pk, term.pk if term else None),
            "dashboard": dashboard_figures(build_scope(county, term=term), Sources.everything()),
        }
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        for key, value in figures.items():
            if not isinstance(value, list | dict):
                self.stdout.write(f"{key:<28} {value}")
            elif isinstance(value, dict) and key not in ("county", "dashboard"):
                self.stdout.write(f"{key:<28} {json.dumps(value, ensure_ascii=False)}")
        for round_ in figures["rounds"]:
            self.stdout.write(f"round {round_['round']:<22} {round_['villages']} villages {round_['villages_by_mode']}")

    def _county(self, code: str | None) -> AdminUnit:
        counties = AdminUnit.objects.counties()
        if code:
            county = counties.filter(code=normalise_code(code) or "").first()
            if county is None:
                raise CommandError(f"No county has the code {code}.")
            return county
        with_terms = list(counties.filter(terms__isnull=False).distinct()[:2])
        candidates = with_terms or list(counties[:2])
        if len(candidates) != 1:
            raise CommandError("Several or no counties are loaded; name one with --county.")
        return candidates[0]
