"""The Chinese working-day calendar: statutory holidays and the Saturdays and Sundays worked in exchange (调休).

Deadlines of rectification are counted in working days. The ``chinesecalendar`` package knows the State
Council's schedule for the years it covers; for other years the calendar falls back to Monday–Friday and logs a
warning once per year, since the real schedule is only published in the November before.
"""

from __future__ import annotations

import calendar
import logging
from datetime import date, timedelta
from functools import cache

import chinese_calendar

logger = logging.getLogger(__name__)


@cache
def _warn_uncovered(year: int) -> None:
    logger.warning(
        "The working-day calendar has no holiday schedule for %s; counting Monday to Friday as working days.", year
    )


def is_covered(day: date) -> bool:
    """Whether the holiday schedule of ``day``'s year is known."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        _warn_uncovered(day.year)
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The day that is ``days`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_workday(day):
            remaining -= 1
    return day


def next_workday(day: date) -> date:
    """``day`` if it is a working day, else the first working day after it."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day), moved to a working day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return next_workday(date(year, month, day))


def working_days_in(start: date, end: date) -> list[date]:
    """The working days from ``start`` to ``end``, both included, in order (none when ``end`` lies before ``start``)."""
    days = (start + timedelta(days=offset) for offset in range((end - start).days + 1))
    return [day for day in days if is_workday(day)]


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` lies before ``start``."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign > 0 else (end, start)
    count = 0
    day = low
    while day < high:
        day += timedelta(days=1)
        if is_workday(day):
            count += 1
    return sign * count
