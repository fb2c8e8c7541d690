"""``xuncha stats``: every figure of the dashboard under "dashboard" (``--json``), and ``--unit`` for the dashboard of
any unit, a city or the province rolling up their counties."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from xuncha.conftest import World
from xuncha.dashboard.queries import Sources, build_scope, dashboard_figures
from xuncha.dashboard.tests.scenes import Region, Scene
from xuncha.organisations.models import AdminUnit


def stats(*args: str) -> str:
    out = StringIO()
    call_command("stats", *args, stdout=out)
    return out.getvalue()


def as_json(figures: dict[str, Any]) -> Any:
    """The figures as a script reads them back from the command's output."""
    return json.loads(json.dumps(figures, ensure_ascii=False))


def system_figures(unit: AdminUnit) -> dict[str, Any]:
    return dashboard_figures(build_scope(unit), Sources.everything())


def test_the_json_holds_every_figure_of_the_dashboard(scene: Scene) -> None:
    printed = json.loads(stats("--json"))

    assert printed["dashboard"] == as_json(system_figures(scene.world.county))
    dashboard = printed["dashboard"]
    assert dashboard["problems"]["total"] == 12
    assert dashboard["clues"] == {"transferred": 2}
    assert dashboard["suggestions"]["by_outcome"] == {"IMMEDIATE": 2, "FOLLOW_UP": 2, "NOT_ADOPTED": 1, "undecided": 1}
    assert dashboard["rectification"]["completion_rate"] == 37.5
    assert dashboard["survey"]["answers"] == 4
    assert dashboard["disclosure"] == {"published": 2, "villages": 1}
    assert [area["name"] for area in dashboard["areas"]] == ["甲镇", "乙镇"]


def test_the_dashboard_figures_agree_with_the_other_figures_of_the_command(scene: Scene) -> None:
    """The county's planning and ledger figures, printed beside, count the same villages and items."""
    printed = json.loads(stats("--json"))
    dashboard = printed["dashboard"]

    assert printed["villages"] == dashboard["villages"]["villages"] == 5
    assert printed["inspected_villages"] == dashboard["villages"]["inspected"] == 4
    assert printed["key_villages"] == dashboard["villages"]["key"] == 1
    assert printed["ledger_items"] == dashboard["rectification"]["ledger_items"] == 8
    assert printed["closed"] == dashboard["rectification"]["closed"] == 3
    assert printed["return_visits"]["visits"] == dashboard["return_visits"]["visits"] == 2


def test_the_json_names_the_county_when_several_are_loaded(scene: Scene, region: Region) -> None:
    """With three counties holding terms, the county is named; each gets its own dashboard."""
    with pytest.raises(CommandError):
        stats("--json")

    for county in (scene.world.county, region.xingan):
        printed = json.loads(stats("--json", "--county", county.short_code))
        assert printed["dashboard"] == as_json(system_figures(county))
    assert json.loads(stats("--json", "--county", region.xingan.code))["dashboard"]["problems"]["total"] == 4


def test_the_text_output_leaves_the_dashboard_to_the_json(scene: Scene) -> None:
    text = stats()

    assert "ledger_items" in text
    assert '"not_covered"' not in text


def test_unit_prints_the_province_roll_up(region: Region, scene: Scene) -> None:
    printed = json.loads(stats("--unit", "45"))

    assert printed == as_json(system_figures(region.province))
    assert printed["scope"]["unit"]["level"] == "PROVINCE"
    assert printed["scope"]["counties_with_terms"] == 3
    assert (printed["villages"]["villages"], printed["problems"]["total"]) == (8, 17)
    assert (printed["rectification"]["ledger_items"], printed["clues"]["transferred"]) == (11, 3)
    assert [area["code"] for area in printed["areas"]] == [
        region.xingning.code,
        region.xingan.code,
        scene.world.county.code,
    ]


def test_unit_prints_a_city_a_township_or_a_village(region: Region, scene: Scene) -> None:
    world = scene.world

    assert json.loads(stats("--unit", region.city.code))["problems"]["total"] == 16
    township = json.loads(stats("--unit", world.township_b.code))
    assert (township["villages"]["villages"], township["problems"]["total"]) == (2, 4)
    assert json.loads(stats("--unit", world.village_a2.code))["rectification"]["ledger_items"] == 2


@pytest.mark.parametrize("code", ["46", "abc", "4503289"])
def test_unit_refuses_an_unknown_code(world: World, code: str) -> None:
    with pytest.raises(CommandError):
        stats("--unit", code)
