"""The traffic light of a deliverable, by the thresholds of the ledger items (``rectification.lights``): while the
village or department works on it (not started, drafting, returned) it is red once past due, yellow while
``XUNCHA_YELLOW_WORKING_DAYS`` or fewer working days remain, green before; once submitted it is green if it came in
time and red if late, until the office accepts it."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Q

from xuncha.deliverables.models import WAITING_STATUSES, WORKING_STATUSES, Deliverable
from xuncha.rectification.lights import yellow_until
from xuncha.rectification.models import Light

__all__ = ["Light", "light_of", "light_q", "overdue_q"]


def light_of(status: str, due_on: date, submitted_on: date | None, today: date) -> Light:
    if status == Deliverable.Status.ACCEPTED:
        return Light.DONE
    if status in WAITING_STATUSES:
        return Light.RED if submitted_on is not None and submitted_on > due_on else Light.GREEN
    if due_on < today:
        return Light.RED
    if due_on < yellow_until(today):
        return Light.YELLOW
    return Light.GREEN


def overdue_q(today: date) -> Q:
    """Deliverables still the unit's to write whose due date has passed."""
    return Q(status__in=WORKING_STATUSES, due_on__lt=today)


def light_q(light: str, today: date) -> Q:
    """The deliverables whose light is ``light`` today (the rule of ``light_of`` as a filter)."""
    late = Q(status__in=WAITING_STATUSES, submitted_on__gt=F("due_on"))
    if light == Light.DONE:
        return Q(status=Deliverable.Status.ACCEPTED)
    if light == Light.RED:
        return overdue_q(today) | late
    if light == Light.YELLOW:
        return Q(status__in=WORKING_STATUSES, due_on__gte=today, due_on__lt=yellow_until(today))
    if light == Light.GREEN:
        return Q(status__in=WORKING_STATUSES, due_on__gte=yellow_until(today)) | (
            Q(status__in=WAITING_STATUSES) & ~late
        )
    return Q()
