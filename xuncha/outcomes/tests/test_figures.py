"""The outcome figures of the dashboard, ``xuncha stats --json`` and the statistics workbook."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.dashboard.queries import Sources, build_scope, dashboard_figures
from xuncha.documents.builders import statistics_report
from xuncha.outcomes import actions
from xuncha.outcomes.tests.helpers import PEOPLE, clue_of, item_of

pytestmark = pytest.mark.django_db


def _record(world: World, office: User, discipline: User, village_user: User) -> None:
    item = item_of(world)
    actions.record_item_outcome(item, actor=office, amount_recovered="1000.25", people={"CRITICISED": 1})
    actions.add_rule(item.outcome, title="制度", adopted_on=item.deadline.replace(year=2023), actor=office)
    actions.record_clue_outcome(clue_of(world, item), actor=discipline, amount_recovered="500", people=PEOPLE)
    # Reported by the village, not yet confirmed: not counted.
    actions.report_item_outcome(item_of(world), actor=village_user, amount_recovered="99999")


def test_stats_json_carries_the_outcomes(world: World, office: User, discipline: User, village_user: User) -> None:
    _record(world, office, discipline, village_user)
    out = io.StringIO()

    call_command("stats", "--json", "--county", world.county.code, stdout=out)

    outcomes = json.loads(out.getvalue())["dashboard"]["outcomes"]
    assert (outcomes["amount_recovered"], outcomes["people_total"], outcomes["rules"]) == ("1500.25", 4, 1)
    assert outcomes["people"] == {
        "ADMONISHED": 2,
        "CRITICISED": 1,
        "PARTY_DISCIPLINE": 1,
        "GOVERNMENT_SANCTION": 0,
        "ORGANISATIONAL": 0,
        "JUDICIAL": 0,
    }
    assert (outcomes["of_items"], outcomes["of_clues"]) == (1, 1)
    assert outcomes["by_round"][0]["amount_recovered"] == "1500.25"


def test_a_township_counts_its_items_outcomes_but_no_clue_outcome(
    world: World, office: User, discipline: User, village_user: User, township_user: User
) -> None:
    _record(world, office, discipline, village_user)
    sources = Sources.of(township_user, reads_findings=False, counts_clues=False)

    outcomes = dashboard_figures(build_scope(world.township_a), sources)["outcomes"]

    assert (outcomes["amount_recovered"], outcomes["people_total"]) == ("1000.25", 1)


def test_the_workbook_has_an_outcome_sheet(world: World, office: User, discipline: User, village_user: User) -> None:
    _record(world, office, discipline, village_user)
    figures = dashboard_figures(build_scope(world.county), Sources.everything())

    book = load_workbook(io.BytesIO(statistics_report.xlsx(figures).content))

    rows = list(book["成果运用"].iter_rows(values_only=True))
    assert rows[1][:5] == ("分组", "项目", "成果（件）", "涉及金额（元）", "追缴/挽回金额（元）")
    total = rows[-1]
    assert total[0] == "合计" and float(str(total[4])) == 1500.25 and total[6] == 4 and total[-1] == 1
    assert any(row[0] == "地区" and row[1] == world.township_a.name for row in rows)
