"""Figures of the deliverables (how many villages handed each in on time, late, or not at all), each one aggregate
query whatever their number; and the daily reminders of those due soon, overdue or awaiting a review
(``reminders``, added to ``rectification.queries.reminders_due``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import Role
from xuncha.accounts.scoping import planners
from xuncha.deliverables.lights import light_q, overdue_q
from xuncha.deliverables.models import Deliverable
from xuncha.rectification.models import Light
from xuncha.rectification.queries import Reminder, _holders

Status = Deliverable.Status
TIMELINESS = ("on_time", "late", "missing", "pending")


def _timeliness_q(today: date) -> dict[str, Q]:
    """On time: first submitted by the due date; late: after it; missing: never submitted and past due; pending:
    not submitted and not yet due."""
    return {
        "on_time": Q(submitted_on__isnull=False, submitted_on__lte=F("due_on")),
        "late": Q(submitted_on__isnull=False, submitted_on__gt=F("due_on")),
        "missing": Q(submitted_on__isnull=True, due_on__lt=today),
        "pending": Q(submitted_on__isnull=True, due_on__gte=today),
    }


def deliverable_figures(deliverables: QuerySet[Deliverable], today: date | None = None) -> dict[str, Any]:
    """For each kind: how many are owed (``total``), on time, late, missing, pending and accepted; one query."""
    today = today or timezone.localdate()
    states = _timeliness_q(today)
    counts: dict[str, Count] = {}
    for kind in Deliverable.Kind:
        mine = Q(kind=kind)
        counts[f"{kind}__total"] = Count("pk", filter=mine)
        counts[f"{kind}__accepted"] = Count("pk", filter=mine & Q(status=Status.ACCEPTED))
        for name, condition in states.items():
            counts[f"{kind}__{name}"] = Count("pk", filter=mine & condition)
    row = deliverables.order_by().aggregate(**counts)
    return {
        kind.value: {
            "label": str(kind.label),
            **{name: row[f"{kind}__{name}"] for name in ("total", *TIMELINESS, "accepted")},
        }
        for kind in Deliverable.Kind
    }


def county_figures(county_id: int, term_id: int | None) -> dict[str, Any]:
    """For ``xuncha stats``: the villages' and departments' deliverables of the term in the county."""
    deliverables = Deliverable.objects.filter(round__term__county_id=county_id)
    return deliverable_figures(deliverables.filter(round__term_id=term_id) if term_id else deliverables.none())


# Reminders -----------------------------------------------------------------------------------------------------------


def reminders(today: date) -> list[Reminder]:
    """Due soon and overdue: to the village (or department) and its township, overdue to the office too; submitted
    and awaiting the township, or approved and awaiting the office: to them."""
    base = Deliverable.objects.select_related("unit", "township", "round__term__county")
    due_soon = list(base.filter(light_q(Light.YELLOW, today)))
    overdue = list(base.filter(overdue_q(today)))
    submitted = list(base.filter(status=Status.SUBMITTED))
    reviewed = list(base.filter(status=Status.REVIEWED))
    writing = due_soon + overdue
    villages = _holders([Role.VILLAGE], {d.unit.path for d in writing if not d.is_department})
    departments = _holders([Role.DEPARTMENT], {d.unit.path for d in writing if d.is_department})
    townships = _holders([Role.TOWNSHIP], {d.township.path for d in writing + submitted if d.township is not None})
    offices = _holders(planners(), {d.round.term.county.path for d in overdue + submitted + reviewed})
    found: list[Reminder] = []

    def add(users: Iterable[int], kind: str, deliverable: Deliverable, message: str) -> None:
        for user_id in set(users):
            found.append(
                Reminder(
                    user_id,
                    kind,
                    f"deliverable:{deliverable.pk}",
                    message,
                    deliverable.get_absolute_url(),
                    deliverable.round.term.county,
                )
            )

    def local(deliverable: Deliverable) -> list[int]:
        users = (departments if deliverable.is_department else villages)[deliverable.unit.path]
        if deliverable.township is not None:
            users = users + townships[deliverable.township.path]
        return users

    for deliverable in due_soon:
        message = _("The %(kind)s of %(unit)s is due on %(due)s.") % {
            "kind": deliverable.get_kind_display(),
            "unit": deliverable.unit,
            "due": deliverable.due_on,
        }
        add(local(deliverable), "DELIVERABLE_DUE_SOON", deliverable, message)
    for deliverable in overdue:
        message = _("The %(kind)s of %(unit)s is overdue since %(due)s.") % {
            "kind": deliverable.get_kind_display(),
            "unit": deliverable.unit,
            "due": deliverable.due_on,
        }
        add(local(deliverable), "DELIVERABLE_OVERDUE", deliverable, message)
        add(offices.get(deliverable.round.term.county.path, []), "DELIVERABLE_OVERDUE", deliverable, message)
    for deliverable in submitted + reviewed:
        awaiting_township = deliverable.status == Status.SUBMITTED and deliverable.township is not None
        message = _("The %(kind)s of %(unit)s awaits your review.") % {
            "kind": deliverable.get_kind_display(),
            "unit": deliverable.unit,
        }
        if awaiting_township:
            assert deliverable.township is not None  # noqa: S101 - checked just above
            add(townships[deliverable.township.path], "DELIVERABLE_REVIEW", deliverable, message)
        else:
            add(offices.get(deliverable.round.term.county.path, []), "DELIVERABLE_ACCEPT", deliverable, message)
    return found
