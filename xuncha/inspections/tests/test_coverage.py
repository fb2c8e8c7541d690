"""Coverage of a term (which villages have been inspected) and the planning figures of rounds and counties.

The world's county has four villages: 甲一村 (key), 甲二村 and 甲社区 (a community) in 甲镇, 乙一村 in 乙镇.
Round 4 is stationed and inspects 甲一村.
"""

from __future__ import annotations

from datetime import date

import pytest
from pytest_django import DjangoAssertNumQueries

from xuncha.conftest import World
from xuncha.inspections.models import Assignment, Round
from xuncha.inspections.queries import (
    CoverageRow,
    county_figures,
    coverage,
    current_term,
    round_figures,
    villages_with_coverage,
)
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, TermFactory, assign
from xuncha.organisations.models import Category, VillageKind
from xuncha.organisations.tests import factories as units

Status = Round.Status


def row_counts(row: CoverageRow) -> dict[str, int]:
    return {
        "total": row.total,
        "inspected": row.inspected,
        "key": row.key,
        "key_inspected": row.key_inspected,
        "general": row.general,
        "general_inspected": row.general_inspected,
        "watch": row.watch,
        "unclassified": row.unclassified,
        "communities": row.communities,
    }


def round_of(world: World, number: int, status: str) -> Round:
    return RoundFactory.create(term=world.term, number=number, status=status)


def flags(world: World) -> dict[str, tuple[bool, bool]]:
    """Each village of the county by name: (inspected, planned) in the world's term."""
    return {
        village.name: (village.inspected, village.planned)  # type: ignore[attr-defined]
        for village in villages_with_coverage(world.county, world.term)
    }


# coverage


def test_coverage_counts_the_county_by_category(world: World) -> None:
    """The county row counts villages, key and general ones, communities, and those inspected in the term."""
    total = coverage(world.county, world.term).total

    assert total.unit is None
    assert row_counts(total) == {
        "total": 4,
        "inspected": 1,
        "key": 1,
        "key_inspected": 1,
        "general": 3,
        "general_inspected": 0,
        "watch": 0,
        "unclassified": 0,
        "communities": 1,
    }
    assert (total.remaining, total.percent) == (3, 25)


def test_coverage_counts_each_township(world: World) -> None:
    """Each township of the county has its own row, in code order, including one with nothing inspected."""
    rows = coverage(world.county, world.term).townships

    assert [row.unit for row in rows] == [world.township_a, world.township_b]
    township_a, township_b = rows
    assert (township_a.total, township_a.inspected, township_a.key, township_a.communities) == (3, 1, 1, 1)
    assert (township_a.percent, township_a.remaining) == (33, 2)
    assert (township_b.total, township_b.inspected, township_b.percent) == (1, 0, 0)


def test_coverage_percent_rounds_halves_up(world: World) -> None:
    """One village inspected of eight is 12.5%, published as 13%."""
    for number in range(202, 206):
        units.village(world.township_b, number=number)

    total = coverage(world.county, world.term).total

    assert (total.total, total.inspected) == (8, 1)
    assert total.percent == 13


def test_coverage_lists_a_township_without_villages(world: World) -> None:
    """A township with no village yet still has a row, with zero villages and zero per cent."""
    empty = units.township(world.county, "丁乡", number=102)

    rows = coverage(world.county, world.term).townships

    assert rows[-1].unit == empty
    assert (rows[-1].total, rows[-1].percent) == (0, 0)


def test_coverage_counts_watch_and_unclassified_villages(world: World) -> None:
    """Watch-list villages and villages not yet classified are counted apart from key and general ones."""
    units.village(world.township_b, "乙二村委会", number=202, category=Category.WATCH)
    units.village(world.township_b, "乙三村委会", number=203, category="")

    total = coverage(world.county, world.term).total

    assert (total.total, total.key, total.general, total.watch, total.unclassified) == (6, 1, 3, 1, 1)


def test_coverage_leaves_out_other_counties(world: World) -> None:
    """Villages and inspections of another county do not count."""
    other_term = TermFactory.create(county=world.other_county, number=15)
    other_round = RoundFactory.create(term=other_term, number=1, status=Status.STATIONED)
    assign(GroupFactory.create(round=other_round, number=1), [world.other_village])

    total = coverage(world.county, world.term).total

    assert (total.total, total.inspected) == (4, 1)


def test_villages_of_a_planned_round_count_as_planned_not_inspected(world: World) -> None:
    """A village assigned in a round still PLANNED is planned; it is inspected once the round is stationed."""
    planned = round_of(world, 5, Status.PLANNED)
    assign(GroupFactory.create(round=planned, number=1), [world.village_b1])

    assert flags(world)["乙一村委会"] == (False, True)
    assert coverage(world.county, world.term).total.inspected == 1

    Round.objects.filter(pk=planned.pk).update(status=Status.STATIONED)

    assert flags(world)["乙一村委会"] == (True, False)
    assert coverage(world.county, world.term).total.inspected == 2


@pytest.mark.parametrize(
    "status", [Status.STATIONED, Status.REPORTING, Status.FEEDBACK, Status.RECTIFYING, Status.CLOSED]
)
def test_a_village_counts_as_inspected_from_stationing_on(world: World, status: str) -> None:
    """Every status after PLANNED counts the round's villages as inspected."""
    round_ = round_of(world, 5, status)
    assign(GroupFactory.create(round=round_, number=1), [world.village_b1])

    assert coverage(world.county, world.term).townships[1].inspected == 1


def test_villages_with_coverage_flags_each_village(world: World) -> None:
    """Each village of the county, and only those, carries its inspected and planned flags for the term."""
    assert flags(world) == {
        "甲一村委会": (True, False),
        "甲二村委会": (False, False),
        "甲社区居委会": (False, False),
        "乙一村委会": (False, False),
    }


def test_villages_with_coverage_without_a_term_flags_nothing(world: World) -> None:
    """Before any term is opened no village is inspected or planned."""
    villages = list(villages_with_coverage(world.county, None))

    assert len(villages) == 4
    assert not any(village.inspected or village.planned for village in villages)  # type: ignore[attr-defined]


def test_a_village_covered_in_two_rounds_counts_once(world: World) -> None:
    """Coverage counts villages, not visits: 甲一村 inspected again in a look-back round is still one village."""
    revisit = RoundFactory.create(term=world.term, number=5, kind=Round.Kind.REVISIT, status=Status.STATIONED)
    assign(GroupFactory.create(round=revisit, number=1), [world.village_a1, world.village_a2])

    total = coverage(world.county, world.term).total

    assert (total.total, total.inspected, total.key_inspected, total.general_inspected) == (4, 2, 1, 1)
    assert len(list(villages_with_coverage(world.county, world.term))) == 4


def test_a_village_inspected_and_planned_again_counts_once(world: World) -> None:
    """A village inspected in one round and planned in the next is inspected once and also flagged planned."""
    planned = round_of(world, 5, Status.PLANNED)
    assign(GroupFactory.create(round=planned, number=1), [world.village_a1])

    assert flags(world)["甲一村委会"] == (True, True)
    assert coverage(world.county, world.term).total.inspected == 1


def test_coverage_is_counted_per_term(world: World) -> None:
    """Villages inspected in an earlier term do not count towards the current one."""
    earlier = TermFactory.create(county=world.county, number=14, start_date=date(2016, 10, 1))
    old_round = RoundFactory.create(term=earlier, number=1, status=Status.CLOSED)
    assign(GroupFactory.create(round=old_round, number=1), [world.village_b1])

    assert coverage(world.county, world.term).total.inspected == 1
    assert coverage(world.county, earlier).total.inspected == 1
    assert coverage(world.county, earlier).townships[1].inspected == 1
    assert coverage(world.county, None).total.inspected == 0


def test_coverage_runs_a_constant_number_of_queries(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Coverage costs two queries whether the county has four villages or forty, in one township or five."""
    with django_assert_num_queries(2):
        coverage(world.county, world.term)

    for township_number in range(102, 106):
        township = units.township(world.county, number=township_number)
        villages = [units.village(township, number=number) for number in range(201, 210)]
        group = GroupFactory.create(round=world.round, number=township_number)
        assign(group, villages[:4], mode=Assignment.Mode.TOWNSHIP_WITH_VILLAGES, target=township)

    with django_assert_num_queries(2):
        cover = coverage(world.county, world.term)

    assert (cover.total.total, cover.total.inspected, len(cover.townships)) == (40, 17, 6)


# county and round figures


def test_round_figures_count_villages_and_assignments_by_mode(world: World) -> None:
    """A round's figures count covered villages, key ones, key ones inspected directly, and both by mode."""
    township_group = GroupFactory.create(round=world.round, number=4)
    assign(
        township_group,
        [world.village_b1],
        mode=Assignment.Mode.TOWNSHIP_WITH_VILLAGES,
        target=world.township_b,
    )
    key_b = units.village(world.township_b, "乙二村委会", number=202, category=Category.KEY)
    special_group = GroupFactory.create(round=world.round, number=5)
    assign(special_group, [world.village_a2, key_b], mode=Assignment.Mode.SPECIAL, target=world.county)

    figures = round_figures(world.round)

    assert figures == {
        "round": 4,
        "name": str(world.round),
        "status": "STATIONED",
        "villages": 4,
        "key_villages": 2,
        "key_villages_direct": 1,
        "villages_by_mode": {"DIRECT": 1, "TOWNSHIP_WITH_VILLAGES": 1, "SPECIAL": 2},
        "assignments_by_mode": {"DIRECT": 1, "TOWNSHIP_WITH_VILLAGES": 1, "SPECIAL": 1},
    }


def test_round_figures_of_an_empty_round_are_zero(world: World) -> None:
    """A round without assignments has zero of everything, every mode listed."""
    figures = round_figures(round_of(world, 5, Status.PLANNED))

    assert figures["villages"] == 0
    assert figures["villages_by_mode"] == {"DIRECT": 0, "TOWNSHIP_WITH_VILLAGES": 0, "SPECIAL": 0}
    assert figures["assignments_by_mode"] == {"DIRECT": 0, "TOWNSHIP_WITH_VILLAGES": 0, "SPECIAL": 0}


def test_county_figures_describe_the_county_and_its_current_term(world: World) -> None:
    """The county's figures give its villages by kind and category, the term's coverage and its rounds."""
    planned = round_of(world, 5, Status.PLANNED)
    assign(GroupFactory.create(round=planned, number=1), [world.village_b1])

    figures = county_figures(world.county)

    assert figures == {
        "county": {"code": "450328", "name": "龙胜各族自治县"},
        "townships": 2,
        "villages": 4,
        "village_committees": 3,
        "communities": 1,
        "key_villages": 1,
        "general_villages": 3,
        "watch_villages": 0,
        "unclassified_villages": 0,
        "term": "十五届县委",
        "inspected_villages": 1,
        "inspected_key_villages": 1,
        "inspected_general_villages": 0,
        "villages_to_cover": 3,
        "coverage_by_township": [
            {"code": "450328100", "name": "甲镇", "villages": 3, "inspected": 1},
            {"code": "450328101", "name": "乙镇", "villages": 1, "inspected": 0},
        ],
        "rounds": [round_figures(world.round), round_figures(planned)],
    }


def test_county_figures_follow_the_latest_term(world: World) -> None:
    """A newly opened term is the current one: its coverage starts from zero."""
    TermFactory.create(county=world.county, number=16, name="十六届县委", start_date=date(2026, 10, 1))

    figures = county_figures(world.county)

    assert current_term(world.county) is not None
    assert figures["term"] == "十六届县委"
    assert (figures["inspected_villages"], figures["villages_to_cover"], figures["rounds"]) == (0, 4, [])


def test_county_figures_without_a_term(world: World) -> None:
    """A county with no term yet has its villages counted and nothing inspected."""
    county = units.county("450329", "资源县")
    township = units.township(county, "中峰镇", number=100)
    units.village(township, "大埠村委会", number=201, kind=VillageKind.VILLAGE)

    figures = county_figures(county)

    assert current_term(county) is None
    assert (figures["term"], figures["villages"], figures["inspected_villages"], figures["rounds"]) == (None, 1, 0, [])
