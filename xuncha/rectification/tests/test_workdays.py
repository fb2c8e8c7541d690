"""The working-day calendar of deadlines (statutory holidays and 调休 make-up days, from ``chinesecalendar``), its
Monday–Friday fallback for years without a published schedule, and the traffic light of ledger items.

Every holiday fact a test relies on is first checked against ``chinese_calendar`` itself: the State Council's
schedule is the source, the tests only the witnesses.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import chinese_calendar
import pytest

from xuncha.conftest import World
from xuncha.core import workdays
from xuncha.rectification import lights
from xuncha.rectification.models import LedgerItem, Light
from xuncha.rectification.tests.factories import ledger_item

Status = LedgerItem.Status
UNCOVERED_YEAR = 2031


def days(start: date, end: date) -> Iterator[date]:
    """Every day from ``start`` up to and including ``end``."""
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


@pytest.fixture
def fresh_warnings() -> Iterator[None]:
    """The fallback warns once per year and process; start and end each test with no year warned about."""
    workdays._warn_uncovered.cache_clear()
    yield
    workdays._warn_uncovered.cache_clear()


# the State Council's schedule, as chinese_calendar has it


def test_the_spring_festival_2024_schedule() -> None:
    """2024: 10–17 February off; Sunday 4 February and Sunday 18 February worked in exchange."""
    assert chinese_calendar.get_holiday_detail(date(2024, 2, 12)) == (True, "Spring Festival")
    assert [day for day in days(date(2024, 2, 10), date(2024, 2, 17)) if chinese_calendar.is_workday(day)] == []
    for sunday in (date(2024, 2, 4), date(2024, 2, 18)):
        assert sunday.weekday() == 6
        assert chinese_calendar.is_workday(sunday)
        assert workdays.is_workday(sunday)
    assert not workdays.is_workday(date(2024, 2, 12))


def test_the_national_day_2023_schedule() -> None:
    """2023: 29 September (Mid-autumn) to 6 October off; Saturday 7 and Sunday 8 October worked in exchange."""
    assert [day for day in days(date(2023, 9, 29), date(2023, 10, 6)) if chinese_calendar.is_workday(day)] == []
    for day, weekday in ((date(2023, 10, 7), 5), (date(2023, 10, 8), 6)):
        assert day.weekday() == weekday
        assert chinese_calendar.get_holiday_detail(day) == (False, "National Day")
        assert workdays.is_workday(day)
    assert not workdays.is_workday(date(2023, 10, 2))


def test_an_ordinary_weekend_is_not_worked() -> None:
    assert not workdays.is_workday(date(2024, 3, 9))
    assert not workdays.is_workday(date(2024, 3, 10))
    assert workdays.is_workday(date(2024, 3, 11))


# add_working_days


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        # Thursday 8 February 2024: Friday 9th is the last working day before the Spring Festival; the next is
        # Sunday 18th, worked in exchange.
        (date(2024, 2, 8), 1, date(2024, 2, 9)),
        (date(2024, 2, 8), 2, date(2024, 2, 18)),
        (date(2024, 2, 8), 3, date(2024, 2, 19)),
        # From inside the holiday the first working day is the make-up Sunday.
        (date(2024, 2, 12), 1, date(2024, 2, 18)),
        # Friday 2 February 2024: the next working day is Sunday 4 February, not Monday 5th.
        (date(2024, 2, 2), 1, date(2024, 2, 4)),
        # Thursday 28 September 2023: National Day runs to 6 October; Saturday 7th and Sunday 8th are worked.
        (date(2023, 9, 28), 1, date(2023, 10, 7)),
        (date(2023, 9, 28), 2, date(2023, 10, 8)),
        (date(2023, 9, 28), 3, date(2023, 10, 9)),
        # An ordinary week: Friday + 1 is Monday.
        (date(2024, 3, 8), 1, date(2024, 3, 11)),
        (date(2024, 3, 8), 0, date(2024, 3, 8)),
    ],
)
def test_add_working_days(start: date, count: int, expected: date) -> None:
    """The start is not counted; holidays are skipped and make-up weekend days count."""
    assert workdays.add_working_days(start, count) == expected
    assert chinese_calendar.is_workday(expected) or count == 0
    assert sum(chinese_calendar.is_workday(day) for day in days(start + timedelta(days=1), expected)) == count


def test_fifteen_working_days_over_the_spring_festival() -> None:
    """A plan due 15 working days after a feedback on Monday 29 January 2024 is due on Thursday 22 February,
    three weeks and a half later, where the same count in March takes three weeks."""
    assert workdays.add_working_days(date(2024, 1, 29), 15) == date(2024, 2, 22)
    assert workdays.add_working_days(date(2024, 3, 4), 15) == date(2024, 3, 25)


def test_fifteen_working_days_over_national_day() -> None:
    """From Friday 15 September 2023: the eight days off are skipped, the make-up weekend counted."""
    assert workdays.add_working_days(date(2023, 9, 15), 15) == date(2023, 10, 12)


# next_workday and add_months


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 10), date(2024, 2, 18)),
        (date(2023, 10, 1), date(2023, 10, 7)),
        (date(2024, 2, 4), date(2024, 2, 4)),
        (date(2024, 3, 9), date(2024, 3, 11)),
        (date(2024, 3, 11), date(2024, 3, 11)),
    ],
)
def test_next_workday(day: date, expected: date) -> None:
    """A working day is itself; any other day moves to the first working day after it."""
    assert workdays.next_workday(day) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        # 11 February 2024 is in the Spring Festival: the deadline moves to Sunday 18th, worked in exchange.
        (date(2023, 12, 11), 2, date(2024, 2, 18)),
        # 4 February 2024 is a Sunday but worked: it stays.
        (date(2023, 12, 4), 2, date(2024, 2, 4)),
        # 1 October 2023 is National Day: the deadline moves to Saturday 7th, worked in exchange.
        (date(2023, 8, 1), 2, date(2023, 10, 7)),
        # 31 December + 2 months: 29 February 2024 (a leap year's last day of February).
        (date(2023, 12, 31), 2, date(2024, 2, 29)),
        # 31 July + 2 months: 30 September 2024, a Monday.
        (date(2024, 7, 31), 2, date(2024, 9, 30)),
        # 1 August + 2 months: National Day 2024 (1–7 October); Tuesday 8th is the next working day.
        (date(2024, 8, 1), 2, date(2024, 10, 8)),
    ],
)
def test_add_months_lands_on_a_working_day(start: date, months: int, expected: date) -> None:
    assert workdays.add_months(start, months) == expected
    assert chinese_calendar.is_workday(expected)


# working_days_between


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 2, 8), date(2024, 2, 18), 2),
        (date(2024, 2, 18), date(2024, 2, 8), -2),
        (date(2023, 9, 28), date(2023, 10, 9), 3),
        (date(2024, 2, 12), date(2024, 2, 12), 0),
        (date(2024, 2, 12), date(2024, 2, 17), 0),
        (date(2024, 3, 8), date(2024, 3, 15), 5),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    """Working days after ``start`` up to and including ``end``; negative backwards."""
    assert workdays.working_days_between(start, end) == expected


def test_working_days_between_undoes_add_working_days() -> None:
    for start in days(date(2024, 1, 25), date(2024, 2, 20)):
        for count in (1, 5, 15):
            assert workdays.working_days_between(start, workdays.add_working_days(start, count)) == count


# working_days_in


def test_working_days_in_lists_the_days_worked_from_start_to_end() -> None:
    """Both ends included; the National Day holiday of 2023 is skipped and its make-up weekend listed."""
    assert workdays.working_days_in(date(2023, 9, 27), date(2023, 10, 9)) == [
        date(2023, 9, 27),
        date(2023, 9, 28),
        date(2023, 10, 7),
        date(2023, 10, 8),
        date(2023, 10, 9),
    ]
    assert workdays.working_days_in(date(2024, 3, 11), date(2024, 3, 11)) == [date(2024, 3, 11)]
    assert workdays.working_days_in(date(2024, 3, 9), date(2024, 3, 10)) == []
    assert workdays.working_days_in(date(2024, 3, 12), date(2024, 3, 11)) == []


# the fallback


def test_a_covered_year_is_covered() -> None:
    assert workdays.is_covered(date(2024, 2, 12))
    assert not workdays.is_covered(date(UNCOVERED_YEAR, 1, 1))


def test_an_uncovered_year_counts_monday_to_friday_and_warns(
    fresh_warnings: None, caplog: pytest.LogCaptureFixture
) -> None:
    """2031 has no published schedule: Monday to Friday are working days (New Year's Day included, since the
    fallback knows no holiday), and one warning names the year."""
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(UNCOVERED_YEAR, 1, 1))

    with caplog.at_level(logging.WARNING, logger="xuncha.core.workdays"):
        assert workdays.is_workday(date(2031, 1, 1))  # a Wednesday
        assert not workdays.is_workday(date(2031, 1, 4))  # a Saturday
        assert workdays.add_working_days(date(2031, 1, 3), 1) == date(2031, 1, 6)
        assert workdays.add_months(date(2031, 3, 1), 2) == date(2031, 5, 1)  # a Thursday
        assert workdays.working_days_between(date(2031, 1, 3), date(2031, 1, 10)) == 5

    warnings = [record for record in caplog.records if record.name == "xuncha.core.workdays"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "2031" in warnings[0].getMessage()
    assert "Monday to Friday" in warnings[0].getMessage()


def test_a_covered_year_does_not_warn(fresh_warnings: None, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="xuncha.core.workdays"):
        workdays.add_working_days(date(2024, 2, 8), 15)

    assert [record for record in caplog.records if record.name == "xuncha.core.workdays"] == []


def test_a_count_into_an_uncovered_year_falls_back_for_that_year_only(
    fresh_warnings: None, caplog: pytest.LogCaptureFixture
) -> None:
    """From the last covered year into the next: the known schedule up to 31 December, then Monday–Friday, and a
    warning about the uncovered year alone."""
    last = max(chinese_calendar.constants.holidays).year
    start = date(last, 12, 28)
    expected = start
    remaining = 10
    while remaining:
        expected += timedelta(days=1)
        known = chinese_calendar.is_workday(expected) if expected.year == last else expected.weekday() < 5
        remaining -= known

    with caplog.at_level(logging.WARNING, logger="xuncha.core.workdays"):
        assert workdays.add_working_days(start, 10) == expected

    messages = [record.getMessage() for record in caplog.records if record.name == "xuncha.core.workdays"]
    assert len(messages) == 1
    assert str(last + 1) in messages[0]


# the traffic light

# Thursday 22 February 2024, after the Spring Festival. Counting back 10 working days: 22, 21, 20, 19, Sunday 18
# (worked), 9, 8, 7, 6, 5 — so on Sunday 4 February (itself worked) 10 working days remain, and on Saturday 3rd
# and Friday 2nd, 11.
DEADLINE = date(2024, 2, 22)


@pytest.mark.parametrize(
    ("today", "left", "light"),
    [
        (date(2024, 1, 29), 15, Light.GREEN),
        (date(2024, 2, 2), 11, Light.GREEN),
        (date(2024, 2, 3), 11, Light.GREEN),
        (date(2024, 2, 4), 10, Light.YELLOW),
        (date(2024, 2, 12), 5, Light.YELLOW),
        (date(2024, 2, 21), 1, Light.YELLOW),
        (DEADLINE, 0, Light.YELLOW),
        (date(2024, 2, 23), -1, Light.RED),
        (date(2024, 6, 1), None, Light.RED),
    ],
)
def test_the_traffic_light_counts_working_days_left(world: World, today: date, left: int | None, light: str) -> None:
    """Green with 11 working days or more left, yellow with 10 or fewer and on the day itself, red from the day
    after."""
    item = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS, deadline=DEADLINE)
    if left is not None:
        assert workdays.working_days_between(today, DEADLINE) == left

    assert item.light(today=today) == light


@pytest.mark.parametrize("status", [Status.OPEN, Status.IN_PROGRESS, Status.RETURNED])
def test_an_item_being_worked_on_is_red_past_its_deadline(world: World, status: str) -> None:
    item = ledger_item(world.round, world.village_a2, status=status, deadline=DEADLINE)

    assert item.light(today=date(2024, 2, 23)) == Light.RED


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.REVIEWED])
@pytest.mark.parametrize(("done_on", "light"), [(DEADLINE, Light.GREEN), (date(2024, 2, 23), Light.RED)])
def test_an_item_waiting_for_review_shows_whether_it_was_done_in_time(
    world: World, status: str, done_on: date, light: str
) -> None:
    """Once the village has reported the work done, the clock stops: green if it finished by the deadline, red if
    after, however long the township or the office then takes."""
    item = ledger_item(world.round, world.village_a2, status=status, deadline=DEADLINE, done_on=done_on)

    assert item.light(today=date(2024, 2, 21)) == item.light(today=date(2025, 1, 1)) == light


@pytest.mark.parametrize("status", [Status.CLOSED, Status.ONGOING])
def test_a_done_item_has_no_light(world: World, status: str) -> None:
    """A closed or ongoing item is done, however late."""
    item = ledger_item(world.round, world.village_a2, status=status, deadline=DEADLINE)

    assert item.light(today=date(2025, 1, 1)) == Light.DONE
    assert item.is_done


@pytest.fixture
def fresh_lights() -> Iterator[None]:
    """Forget the cut-off days of the lights, worked out once per day for the threshold of the setting, before and
    after a test that changes the setting."""
    lights.yellow_until.cache_clear()
    yield
    lights.yellow_until.cache_clear()


@pytest.mark.usefixtures("fresh_lights")
def test_the_yellow_threshold_follows_the_setting(world: World, settings: Any) -> None:
    """With 5 working days as the threshold, 10 left is still green."""
    settings.XUNCHA_YELLOW_WORKING_DAYS = 5
    item = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS, deadline=DEADLINE)

    assert item.light(today=date(2024, 2, 4)) == Light.GREEN
    assert item.light(today=date(2024, 2, 12)) == Light.YELLOW


def test_the_light_without_a_day_is_todays(world: World) -> None:
    """Without ``today`` the light is the current one: a deadline of 2024 is long past."""
    item = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS, deadline=DEADLINE)

    assert item.light() == item.light_now == Light.RED
