"""The demo's business clock: each step of the demo is acted out at the date and hour it describes.

The actions take their time from ``timezone.now()`` (events, confirmations, transfers, sign-ins, uploads), as they
do for a user; the demo builds its history by travelling there (``time_machine``) for each step, so that an event of
2023 is dated in 2023. Nothing is moved past the real present: a step of today never lies ahead of the clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time

import time_machine
from django.utils import timezone


def real_now() -> datetime:
    """The present, even while the demo travels."""
    if time_machine.escape_hatch.is_travelling():
        return datetime.fromtimestamp(time_machine.escape_hatch.time.time(), tz=UTC)
    return timezone.now()


def real_today() -> date:
    """The day the demo is loaded, in the county's time zone."""
    return timezone.localdate(real_now())


def moment(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """``day`` at the hour in the county's time zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


@contextmanager
def at(when: date | datetime, hour: int = 9, minute: int = 0) -> Iterator[None]:
    """Act as at ``when`` (a day is taken at ``hour``:``minute``), but never later than now."""
    target = when if isinstance(when, datetime) else moment(when, hour, minute)
    with time_machine.travel(min(target, real_now()), tick=False):
        yield
