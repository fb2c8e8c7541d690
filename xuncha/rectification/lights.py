"""The traffic light of ledger items and what "overdue" means, in one place for the model, the filters, the
figures and the reminders.

An item is the village's to work on while OPEN, IN_PROGRESS or RETURNED: then it is red once its deadline has
passed, yellow while ``XUNCHA_YELLOW_WORKING_DAYS`` or fewer working days remain, green before. Once submitted it
waits for the township or the office: green if the village finished in time, red if late. CLOSED and ONGOING
items are done.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.conf import settings
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.utils import timezone

from xuncha.core import workdays
from xuncha.rectification.models import DONE_STATUSES, LedgerItem, Light

Status = LedgerItem.Status
WORKING = [Status.OPEN, Status.IN_PROGRESS, Status.RETURNED]
WAITING = [Status.SUBMITTED, Status.REVIEWED]
DONE = DONE_STATUSES

__all__ = ["DONE", "WAITING", "WORKING", "Light", "light_of", "light_q", "overdue_q", "with_light", "yellow_until"]


@lru_cache(maxsize=64)
def yellow_until(today: date) -> date:
    """The first deadline that is green today: the day of the working day after the last yellow ones."""
    return workdays.add_working_days(today, settings.XUNCHA_YELLOW_WORKING_DAYS + 1)


def light_of(status: str, deadline: date, done_on: date | None, today: date) -> Light:
    if status in DONE:
        return Light.DONE
    if status in WAITING:
        return Light.RED if done_on is not None and done_on > deadline else Light.GREEN
    if deadline < today:
        return Light.RED
    if deadline < yellow_until(today):
        return Light.YELLOW
    return Light.GREEN


def overdue_q(today: date) -> Q:
    """Items still the village's to work on whose deadline has passed."""
    return Q(status__in=WORKING, deadline__lt=today)


def light_q(light: str, today: date) -> Q:
    """The items whose traffic light is ``light`` today (the same rule as ``light_of``, as a filter)."""
    late = Q(status__in=WAITING, done_on__gt=F("deadline"))
    if light == Light.DONE:
        return Q(status__in=DONE)
    if light == Light.RED:
        return overdue_q(today) | late
    if light == Light.YELLOW:
        return Q(status__in=WORKING, deadline__gte=today, deadline__lt=yellow_until(today))
    if light == Light.GREEN:
        return Q(status__in=WORKING, deadline__gte=yellow_until(today)) | (Q(status__in=WAITING) & ~late)
    return Q()


def with_light(items: QuerySet[LedgerItem], today: date | None = None) -> QuerySet[LedgerItem]:
    """``items`` annotated with ``light_code``, the light of each as the database computes it."""
    today = today or timezone.localdate()
    return items.annotate(
        light_code=Case(
            When(status__in=DONE, then=Value(Light.DONE.value)),
            When(status__in=WAITING, done_on__gt=F("deadline"), then=Value(Light.RED.value)),
            When(status__in=WAITING, then=Value(Light.GREEN.value)),
            When(deadline__lt=today, then=Value(Light.RED.value)),
            When(deadline__lt=yellow_until(today), then=Value(Light.YELLOW.value)),
            default=Value(Light.GREEN.value),
            output_field=CharField(),
        )
    )
