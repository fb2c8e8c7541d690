"""Figures of rectification: completion rate (整改完成率 = closed ÷ fed-back items, ONGOING counted apart), overdue
(still the village's to work on — OPEN, IN_PROGRESS or RETURNED — past its deadline), closed on time and late (by
the day the village finished, ``done_on``; long-term items left out), by village, township and round, each in one
query; and the term's figures for ``xuncha stats``.

Items are written directly with a deadline of 2024-02-04; "today" is 2024-03-01 unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.findings.models import FixType
from xuncha.inspections.models import Round
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, TermFactory, assign
from xuncha.rectification.models import LedgerItem, Receipt, ReturnVisit, VisitCheck
from xuncha.rectification.queries import county_items, ledger_figures, ledger_figures_by, rectification_figures
from xuncha.rectification.tests.factories import FOLLOW_UP_DEADLINE, ledger_item, visit

Status = LedgerItem.Status
TODAY = date(2024, 3, 1)
LATE = date(2024, 2, 20)
EARLY = date(2024, 1, 31)


@pytest.fixture
def items(world: World) -> dict[str, LedgerItem]:
    """Eight items of round 4: in 甲一村 two closed on time (one finished on the deadline day) and one late; one
    ongoing; in 甲二村 one in progress past the deadline, one reviewed that was finished late, and one submitted
    with time left; in 乙一村 one returned, past the deadline."""
    round_, a1, a2, b1 = world.round, world.village_a1, world.village_a2, world.village_b1
    return {
        "closed_early": ledger_item(round_, a1, status=Status.CLOSED, closed_on=EARLY),
        "closed_on_the_day": ledger_item(round_, a1, status=Status.CLOSED, closed_on=FOLLOW_UP_DEADLINE),
        "closed_late": ledger_item(round_, a1, status=Status.CLOSED, closed_on=LATE),
        "ongoing": ledger_item(round_, a1, status=Status.ONGOING),
        "in_progress_overdue": ledger_item(round_, a2, status=Status.IN_PROGRESS),
        "reviewed_late": ledger_item(round_, a2, status=Status.REVIEWED, done_on=LATE),
        "submitted_in_time": ledger_item(round_, a2, status=Status.SUBMITTED, deadline=date(2024, 3, 29)),
        "returned_overdue": ledger_item(round_, b1, status=Status.RETURNED),
    }


def test_ledger_figures_count_the_ledger(world: World, items: dict[str, LedgerItem]) -> None:
    """Three closed of eight make 37.5%; the ongoing item is counted apart and is neither closed nor open; the two
    items still being worked on past their deadline are overdue, not the reviewed one waiting for the office; two of
    the three closed items were finished on time."""
    figures = ledger_figures(LedgerItem.objects.all(), today=TODAY)

    assert figures == {
        "ledger_items": 8,
        "closed": 3,
        "ongoing": 1,
        "open": 4,
        "submitted": 1,
        "reviewed": 1,
        "returned": 1,
        "overdue": 2,
        "closed_on_time": 2,
        "closed_late": 1,
        "completion_rate": 37.5,
        "on_time_rate": 66.7,
    }


def test_ledger_figures_take_one_query(
    world: World, items: dict[str, LedgerItem], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        ledger_figures(LedgerItem.objects.all(), today=TODAY)


def test_ledger_figures_of_nothing_are_zero(world: World) -> None:
    """No items: every count is 0 and the rates are 0.0, not a division by zero."""
    figures = ledger_figures(LedgerItem.objects.none(), today=TODAY)

    assert figures["ledger_items"] == figures["closed"] == figures["overdue"] == 0
    assert (figures["completion_rate"], figures["on_time_rate"]) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(date(2024, 2, 3), 0), (FOLLOW_UP_DEADLINE, 0), (date(2024, 2, 5), 2), (date(2024, 3, 30), 2)],
)
def test_an_item_is_overdue_from_the_day_after_its_deadline(
    world: World, items: dict[str, LedgerItem], today: date, overdue: int
) -> None:
    """On the deadline an item is still in time; from the next day it is overdue while the village is still working
    on it; submitted and reviewed items (waiting for the township or the office), closed and ongoing items are
    never overdue."""
    assert ledger_figures(LedgerItem.objects.all(), today=today)["overdue"] == overdue


def test_ledger_figures_default_to_today(world: World, items: dict[str, LedgerItem]) -> None:
    """Without a day given, today counts: every item of 2024 still being worked on is overdue."""
    assert timezone.localdate() > date(2024, 3, 29)

    assert ledger_figures(LedgerItem.objects.all())["overdue"] == 2


@pytest.mark.parametrize(
    ("closed", "total", "rate"), [(1, 3, 33.3), (2, 3, 66.7), (1, 8, 12.5), (1, 6, 16.7), (3, 3, 100.0)]
)
def test_the_completion_rate_is_rounded_half_up_to_one_decimal(
    world: World, closed: int, total: int, rate: float
) -> None:
    for _ in range(closed):
        ledger_item(world.round, world.village_a2, status=Status.CLOSED)
    for _ in range(total - closed):
        ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)

    assert ledger_figures(LedgerItem.objects.all(), today=TODAY)["completion_rate"] == rate


def test_ledger_figures_by_village(world: World, items: dict[str, LedgerItem]) -> None:
    """One row per village, in village order, each with its own figures."""
    rows = ledger_figures_by(LedgerItem.objects.all(), "village", today=TODAY)

    by_village = {row["village"]: row for row in rows}
    assert [row["village"] for row in rows] == sorted(by_village)
    a1, a2, b1 = by_village[world.village_a1.pk], by_village[world.village_a2.pk], by_village[world.village_b1.pk]
    assert (a1["ledger_items"], a1["closed"], a1["ongoing"], a1["overdue"], a1["completion_rate"]) == (4, 3, 1, 0, 75.0)
    assert (a1["closed_on_time"], a1["closed_late"], a1["on_time_rate"]) == (2, 1, 66.7)
    assert (a2["ledger_items"], a2["closed"], a2["overdue"], a2["completion_rate"]) == (3, 0, 1, 0.0)
    assert (b1["ledger_items"], b1["returned"], b1["overdue"]) == (1, 1, 1)


def test_ledger_figures_by_township(world: World, items: dict[str, LedgerItem]) -> None:
    rows = {row["township"]: row for row in ledger_figures_by(LedgerItem.objects.all(), "township", today=TODAY)}

    assert set(rows) == {world.township_a.pk, world.township_b.pk}
    assert (rows[world.township_a.pk]["ledger_items"], rows[world.township_a.pk]["closed"]) == (7, 3)
    assert rows[world.township_a.pk]["completion_rate"] == 42.9
    assert (rows[world.township_b.pk]["ledger_items"], rows[world.township_b.pk]["overdue"]) == (1, 1)


def test_ledger_figures_by_round(world: World, items: dict[str, LedgerItem]) -> None:
    """A second round's items make a row of their own."""
    round5 = RoundFactory.create(term=world.term, number=5, status=Round.Status.RECTIFYING)
    assign(GroupFactory.create(round=round5, number=1), [world.village_a2])
    ledger_item(round5, world.village_a2, status=Status.CLOSED)

    rows = ledger_figures_by(LedgerItem.objects.all(), "round__number", today=TODAY)

    assert [(row["round__number"], row["ledger_items"], row["closed"]) for row in rows] == [(4, 8, 3), (5, 1, 1)]


def test_an_item_finished_in_time_counts_on_time_however_late_it_is_closed(world: World) -> None:
    """The village is judged by the day it finished the work, not by how long the office took to close it."""
    ledger_item(world.round, world.village_a1, status=Status.CLOSED, done_on=EARLY, closed_on=LATE)
    ledger_item(world.round, world.village_a1, status=Status.CLOSED, done_on=LATE, closed_on=LATE)

    figures = ledger_figures(LedgerItem.objects.all(), today=TODAY)

    assert (figures["closed_on_time"], figures["closed_late"], figures["on_time_rate"]) == (1, 1, 50.0)


def test_long_term_items_are_neither_on_time_nor_late(world: World) -> None:
    """A long-term item's deadline is only its first report: closing it counts towards completion, not towards the
    on-time rate, which is on time ÷ (on time + late)."""
    ledger_item(world.round, world.village_a1, status=Status.CLOSED, done_on=EARLY)
    ledger_item(world.round, world.village_a1, status=Status.CLOSED, fix_type=FixType.LONG_TERM, done_on=LATE)

    figures = ledger_figures(LedgerItem.objects.all(), today=TODAY)

    assert (figures["closed"], figures["completion_rate"]) == (2, 100.0)
    assert (figures["closed_on_time"], figures["closed_late"], figures["on_time_rate"]) == (1, 0, 100.0)


@pytest.mark.parametrize("field", ["village", "township", "round__number"])
def test_ledger_figures_by_take_one_query(
    world: World, items: dict[str, LedgerItem], django_assert_num_queries: DjangoAssertNumQueries, field: str
) -> None:
    with django_assert_num_queries(1):
        ledger_figures_by(LedgerItem.objects.all(), field, today=TODAY)


def test_the_figures_of_what_a_township_sees(world: World, items: dict[str, LedgerItem], township_user: User) -> None:
    """Scoped first, counted after: 甲镇 counts its seven items, not 乙一村's."""
    figures = ledger_figures(LedgerItem.objects.visible_to(township_user), today=TODAY)

    assert (figures["ledger_items"], figures["closed"], figures["overdue"]) == (7, 3, 1)


# rectification_figures (xuncha stats)


def test_rectification_figures_of_the_term(world: World, items: dict[str, LedgerItem], office: User) -> None:
    """The term's ledger in the county, by round, with receipts signed and return visits with their verdicts and
    residents' satisfaction."""
    receipts = Receipt.objects.filter(feedback__village=world.village_a1).order_by("recipient")
    receipts.filter(recipient=Receipt.Recipient.TOWNSHIP).update(signed_at=timezone.now())
    done = visit(
        world.village_a1,
        [items["closed_early"], items["ongoing"]],
        office,
        status=ReturnVisit.Status.DONE,
        visited_on=date(2024, 3, 5),
        people_asked=40,
        people_satisfied=37,
    )
    done.checks.filter(item=items["closed_early"]).update(verdict=VisitCheck.Verdict.VERIFIED)
    done.checks.filter(item=items["ongoing"]).update(verdict=VisitCheck.Verdict.REOPEN)
    visit(world.village_a2, [items["reviewed_late"]], office)

    figures = rectification_figures(world.county, world.term)

    assert (figures["ledger_items"], figures["closed"], figures["ongoing"]) == (8, 3, 1)
    assert figures["completion_rate"] == 37.5
    assert [(row["round"], row["ledger_items"], row["closed"]) for row in figures["by_round"]] == [(4, 8, 3)]
    assert figures["receipts"] == {"total": 6, "signed": 1}
    assert figures["return_visits"] == {
        "visits": 1,
        "verified": 1,
        "reopened": 1,
        "people_asked": 40,
        "people_satisfied": 37,
        "satisfaction_rate": 92.5,
    }


def test_rectification_figures_leave_out_other_counties(world: World, items: dict[str, LedgerItem]) -> None:
    """兴安县's items do not count in 龙胜's figures, nor 龙胜's in 兴安县's."""
    term = TermFactory.create(county=world.other_county, number=15)
    round_ = RoundFactory.create(term=term, number=4, status=Round.Status.RECTIFYING)
    assign(GroupFactory.create(round=round_, number=1), [world.other_village])
    ledger_item(round_, world.other_village, status=Status.CLOSED)

    assert rectification_figures(world.county, world.term)["ledger_items"] == 8
    assert rectification_figures(world.other_county, term)["ledger_items"] == 1
    assert set(county_items(world.county, world.term)) == set(items.values())


def test_rectification_figures_without_a_term_are_empty(world: World, items: dict[str, LedgerItem]) -> None:
    figures = rectification_figures(world.county, None)

    assert (figures["ledger_items"], figures["completion_rate"], figures["by_round"]) == (0, 0.0, [])
    assert figures["receipts"] == {"total": 0, "signed": 0}


def test_rectification_figures_count_the_terms_return_visits_only(
    world: World, items: dict[str, LedgerItem], office: User
) -> None:
    """A visit that checked items of the 16th term does not count in the 15th term's figures."""
    term16 = TermFactory.create(county=world.county, number=16, start_date=date(2026, 10, 1))
    round1 = RoundFactory.create(
        term=term16, number=1, start_date=date(2026, 3, 1), end_date=date(2026, 5, 31), status=Round.Status.RECTIFYING
    )
    assign(GroupFactory.create(round=round1, number=1), [world.village_a2])
    later_item = ledger_item(round1, world.village_a2, status=Status.CLOSED)
    done = visit(
        world.village_a2,
        [later_item],
        office,
        status=ReturnVisit.Status.DONE,
        visited_on=date(2026, 9, 1),
        people_asked=10,
        people_satisfied=10,
    )
    done.checks.update(verdict=VisitCheck.Verdict.VERIFIED)

    figures: dict[str, Any] = rectification_figures(world.county, world.term)

    assert figures["return_visits"]["visits"] == 0
    assert figures["return_visits"]["people_asked"] == 0
    assert rectification_figures(world.county, term16)["return_visits"]["visits"] == 1
