"""Figures of rectification: completion rate (整改完成率), on time and overdue, by village, township, round and
county — each one aggregate query, whatever the number of items."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from xuncha.findings.models import FixType
from xuncha.rectification.lights import overdue_q
from xuncha.rectification.models import DONE_STATUSES, LedgerItem, Receipt, ReturnVisit

if TYPE_CHECKING:
    from xuncha.inspections.models import Term
    from xuncha.organisations.models import AdminUnit

Status = LedgerItem.Status


def _counts(today: date) -> dict[str, Count]:
    return {
        "ledger_items": Count("pk"),
        "closed": Count("pk", filter=Q(status=Status.CLOSED)),
        "ongoing": Count("pk", filter=Q(status=Status.ONGOING)),
        "open": Count("pk", filter=~Q(status__in=DONE_STATUSES)),
        "submitted": Count("pk", filter=Q(status=Status.SUBMITTED)),
        "reviewed": Count("pk", filter=Q(status=Status.REVIEWED)),
        "returned": Count("pk", filter=Q(status=Status.RETURNED)),
        "overdue": Count("pk", filter=overdue_q(today)),
        # On time means the village finished by the deadline (long-term items have no end to be on time for).
        "closed_on_time": Count("pk", filter=CLOSED_TIMED & Q(done_on__lte=F("deadline"))),
        "closed_late": Count("pk", filter=CLOSED_TIMED & Q(done_on__gt=F("deadline"))),
    }


CLOSED_TIMED = Q(status=Status.CLOSED) & ~Q(fix_type=FixType.LONG_TERM)


def rate(part: int, whole: int) -> float:
    """A percentage with one decimal, rounded half up."""
    return (2000 * part + whole) // (2 * whole) / 10 if whole else 0.0


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    row["completion_rate"] = rate(row["closed"], row["ledger_items"])
    row["on_time_rate"] = rate(row["closed_on_time"], row["closed_on_time"] + row["closed_late"])
    return row


def ledger_figures(items: QuerySet[LedgerItem], today: date | None = None) -> dict[str, Any]:
    """Totals of ``items``: completion rate = closed ÷ fed-back items; ONGOING (long-term) counted apart."""
    today = today or timezone.localdate()
    return _finish(items.order_by().aggregate(**_counts(today)))


def ledger_figures_by(items: QuerySet[LedgerItem], field: str, today: date | None = None) -> list[dict[str, Any]]:
    """The same figures grouped by ``field`` (``village``, ``township``, ``round``), one row per value."""
    today = today or timezone.localdate()
    rows = items.order_by().values(field).annotate(**_counts(today)).order_by(field)
    return [_finish(dict(row)) for row in rows]


def county_items(county: AdminUnit, term: Term | None) -> QuerySet[LedgerItem]:
    items = LedgerItem.objects.filter(round__term__county=county)
    return items.filter(round__term=term) if term is not None else items.none()


def rectification_figures(county: AdminUnit, term: Term | None) -> dict[str, Any]:
    """For ``xuncha stats``: the ledger of the term in the county, by round, with receipts and return visits."""
    items = county_items(county, term)
    figures = ledger_figures(items)
    figures["by_round"] = [
        {"round": row["round__number"], **{k: v for k, v in row.items() if k != "round__number"}}
        for row in ledger_figures_by(items, "round__number")
    ]
    receipts = Receipt.objects.filter(feedback__round__term=term, feedback__round__term__county=county).aggregate(
        total=Count("pk"), signed=Count("pk", filter=Q(signed_at__isnull=False))
    )
    # The term's visits: those that checked items of the term (a subquery, so that the sums are not multiplied).
    done = ReturnVisit.objects.filter(
        pk__in=ReturnVisit.objects.filter(checks__item__in=items).values("pk"), status=ReturnVisit.Status.DONE
    )
    visits = done.aggregate(
        visits=Count("pk", distinct=True),
        people_asked=Sum("people_asked"),
        people_satisfied=Sum("people_satisfied"),
    )
    verdicts = done.aggregate(
        verified=Count("checks", filter=Q(checks__verdict="VERIFIED")),
        reopened=Count("checks", filter=Q(checks__verdict="REOPEN")),
    )
    people_asked, people_satisfied = visits["people_asked"] or 0, visits["people_satisfied"] or 0
    figures["receipts"] = receipts
    figures["return_visits"] = {
        "visits": visits["visits"],
        **verdicts,
        "people_asked": people_asked,
        "people_satisfied": people_satisfied,
        "satisfaction_rate": rate(people_satisfied, people_asked),
    }
    return figures
