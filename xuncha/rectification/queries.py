"""Figures of rectification: completion rate (整改完成率), on time and overdue, by village, township, round and
county — each one aggregate query, whatever the number of items; and what the daily reminders are about, and to
whom (``reminders_due``, written by ``actions.send_reminders``)."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import RoleGrant
from xuncha.accounts.scoping import planners
from xuncha.findings import sealing
from xuncha.findings.models import FixType, Problem
from xuncha.rectification import permissions
from xuncha.rectification.lights import light_q, overdue_q
from xuncha.rectification.models import (
    DONE_STATUSES,
    CommonItem,
    LedgerItem,
    Light,
    ListEntry,
    ProblemList,
    Receipt,
    ReturnVisit,
)

if TYPE_CHECKING:
    from xuncha.accounts.models import Role
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


def extension_figures(items: QuerySet[LedgerItem]) -> dict[str, int]:
    """Extensions of ``items`` (整改延期): items extended, extended twice or more, requests by the leading group, and
    requests waiting (for the township, for the office director). Two queries."""
    from xuncha.rectification.models import ExtensionRequest, Progress

    extended = (
        Progress.objects.filter(item__in=items.values("pk"), kind=Progress.Kind.EXTENSION)
        .order_by()
        .values("item")
        .annotate(n=Count("pk"))
    )
    counts = {"items_extended": 0, "extended_twice_or_more": 0}
    for row in extended:
        counts["items_extended"] += 1
        counts["extended_twice_or_more"] += row["n"] >= 2  # noqa: PLR2004
    requests = ExtensionRequest.objects.filter(item__in=items.values("pk")).aggregate(
        awaiting_township=Count("pk", filter=Q(status=ExtensionRequest.Status.ASKED)),
        awaiting_director=Count("pk", filter=Q(status=ExtensionRequest.Status.SUPPORTED)),
        by_leading_group=Count("pk", filter=Q(status=ExtensionRequest.Status.APPROVED, by_leading_group=True)),
        refused=Count("pk", filter=Q(status=ExtensionRequest.Status.REFUSED)),
    )
    return {
        **counts,
        "requests_waiting": requests["awaiting_township"] + requests["awaiting_director"],
        **requests,
    }


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
    figures["extensions"] = extension_figures(items)
    figures["return_visits"] = {
        "visits": visits["visits"],
        **verdicts,
        "people_asked": people_asked,
        "people_satisfied": people_satisfied,
        "satisfaction_rate": rate(people_satisfied, people_asked),
    }
    return figures


# Reminders -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """A notification to create: to whom, of what kind, about what (``key``), and the county it concerns."""

    user_id: int
    kind: str
    key: str
    message: str
    url: str
    county: AdminUnit


def _holders(roles: Iterable[Role], unit_paths: Iterable[str]) -> dict[str, list[int]]:
    """For each unit path, the users holding one of ``roles`` over it (grants on the unit or above it); one query
    for the grants on those units and their ancestors, whatever else the database holds."""
    paths = set(unit_paths)
    codes = {code for path in paths for code in path.strip("/").split("/")}
    grants = RoleGrant.objects.filter(role__in=list(roles), user__is_active=True, unit__code__in=codes)
    grants = grants.select_related("unit")
    holders: dict[str, list[int]] = {path: [] for path in paths}
    for grant in grants:
        if grant.unit is None:
            continue
        for path in paths:
            if path.startswith(grant.unit.path) if grant.includes_descendants else path == grant.unit.path:
                holders[path].append(grant.user_id)
    return holders


def _office_holders(items: QuerySet[LedgerItem]) -> dict[str, list[int]]:
    return _holders(planners(), {item.round.term.county.path for item in items})


# Reminders that apps above this one add (the deliverables of art. 27: ``deliverables.queries.reminders``), each
# giving today's reminders of its records; added by the app's ``ready``.
REMINDER_SOURCES: list[Callable[[date], list[Reminder]]] = []


def reminders_due(today: date) -> list[Reminder]:
    """Everything that needs someone's attention today, addressed to the people who can act on it."""
    reminders: list[Reminder] = []
    base = LedgerItem.objects.select_related("village", "township", "round__term__county")
    due_soon = list(base.filter(light_q(Light.YELLOW, today)))
    overdue = list(base.filter(overdue_q(today)))
    submitted = list(base.filter(status=Status.SUBMITTED))
    reviewed = list(base.filter(status=Status.REVIEWED))
    villages = _holders([permissions.REPORTER], {item.village.path for item in due_soon + overdue})
    townships = _holders([permissions.OVERSEER], {item.township.path for item in due_soon + overdue + submitted})
    offices = _office_holders(base.filter(pk__in=[item.pk for item in overdue + reviewed]))

    def add(users: Iterable[int], kind: str, item: LedgerItem, message: str) -> None:
        for user_id in set(users):
            reminders.append(
                Reminder(user_id, kind, f"item:{item.pk}", message, item.get_absolute_url(), item.round.term.county)
            )

    for item in due_soon:
        message = _("%(number)s of %(village)s is due on %(deadline)s.") % {
            "number": item.number,
            "village": item.village,
            "deadline": item.deadline,
        }
        add(villages[item.village.path] + townships[item.township.path], "DUE_SOON", item, message)
    for item in overdue:
        message = _("%(number)s of %(village)s is overdue since %(deadline)s.") % {
            "number": item.number,
            "village": item.village,
            "deadline": item.deadline,
        }
        add(villages[item.village.path] + townships[item.township.path], "OVERDUE", item, message)
        add(offices.get(item.round.term.county.path, []), "OVERDUE", item, message)
    for item in submitted:
        message = _("%(village)s submitted %(number)s for your review.") % {
            "village": item.village,
            "number": item.number,
        }
        add(townships[item.township.path], "AWAITING_REVIEW", item, message)
    for item in reviewed:
        message = _("%(number)s of %(village)s was reviewed by the township and awaits closure.") % {
            "number": item.number,
            "village": item.village,
        }
        add(offices.get(item.round.term.county.path, []), "AWAITING_CLOSURE", item, message)
    reminders.extend(_unsigned_receipts())
    reminders.extend(_undisposed_clues(today))
    for source in REMINDER_SOURCES:
        reminders.extend(source(today))
    return reminders


# A transferred clue whose receiving body has reported no disposal (初核, 立案, 处分, 了结 …) this long after the
# transfer is brought to that body's attention every day until it does.
CLUE_DISPOSAL_MONTHS = 3


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day when it is shorter: 31 May → 28 or 29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _undisposed_clues(today: date) -> list[Reminder]:
    """Clues transferred ``CLUE_DISPOSAL_MONTHS`` months ago or more without a disposal reported, to the accounts
    of the receiving body over the clue's county. The text names the clue by its reference and the transfer's
    date only: never whom it concerns nor what it alleges (the sealed columns are not even read)."""
    from xuncha.accounts.models import Role
    from xuncha.findings.models import Clue

    cutoff = months_before(today, CLUE_DISPOSAL_MONTHS)
    clues = list(
        Clue.objects.filter(
            status__in=[Clue.Status.TRANSFERRED, Clue.Status.RECEIVED],
            disposed_at__isnull=True,
            transferred_at__date__lte=cutoff,
        )
        .select_related("round__term__county")
        .only("pk", "reference", "receiver", "transferred_at", "round__term__county")
        .order_by("transferred_at", "pk")
    )
    receivers = {Clue.Receiver.DISCIPLINE: Role.DISCIPLINE, Clue.Receiver.ORG_DEPT: Role.ORG_DEPT}
    reminders = []
    for receiver, role in receivers.items():
        mine = [clue for clue in clues if clue.receiver == receiver]
        holders = _holders([role], {clue.round.term.county.path for clue in mine})
        for clue in mine:
            assert clue.transferred_at is not None  # noqa: S101 - filtered on above
            message = _(
                "Clue %(reference)s, transferred to you on %(date)s, has no disposal reported after %(months)s months."
            ) % {
                "reference": str(clue.reference)[:8].upper(),
                "date": timezone.localdate(clue.transferred_at),
                "months": CLUE_DISPOSAL_MONTHS,
            }
            county = clue.round.term.county
            for user_id in set(holders[county.path]):
                reminders.append(
                    Reminder(user_id, "CLUE_UNDISPOSED", f"clue:{clue.pk}", message, clue.get_absolute_url(), county)
                )
    return reminders


def _unsigned_receipts() -> list[Reminder]:
    receipts = list(
        Receipt.objects.filter(signed_at__isnull=True).select_related(
            "unit", "feedback__village", "feedback__round__term__county"
        )
    )
    reminders = []
    for recipient, role in permissions.RECEIPT_SIGNERS.items():
        mine = [receipt for receipt in receipts if receipt.recipient == recipient]
        holders = _holders([role], {receipt.unit.path for receipt in mine})
        for receipt in mine:
            message = _("Sign for the feedback of %(round)s to %(village)s.") % {
                "round": receipt.feedback.round,
                "village": receipt.feedback.village,
            }
            url = receipt.feedback.individual_list.get_absolute_url()
            county = receipt.feedback.round.term.county
            for user_id in set(holders[receipt.unit.path]):
                reminders.append(Reminder(user_id, "RECEIPT_MISSING", f"receipt:{receipt.pk}", message, url, county))
    return reminders


def sealed_repeats(round_id: int, village: AdminUnit) -> list[sealing.Repeat]:
    """The texts that feeding back ``village``'s lists would send that repeat a sealed clue of the round
    (``findings.sealing``): its individual list's papers, every item of the round's common list (the village reads
    the whole list) and the village's papers they were built from (which become readable to the village), in list
    order. Which texts only, never the clue."""
    individual = ListEntry.objects.filter(
        problem_list__round_id=round_id, problem_list__kind=ProblemList.Kind.INDIVIDUAL, problem_list__village=village
    )
    papers = [entry.problem for entry in individual.select_related("problem").order_by("problem__serial")]
    items = list(
        CommonItem.objects.filter(problem_list__round_id=round_id, problem_list__kind=ProblemList.Kind.COMMON)
        .prefetch_related("villages")
        .order_by("number")
    )
    papers += Problem.objects.filter(common_items__in=items, village=village).order_by("serial")
    texts = [text for paper in papers for text in sealing.problem_texts(paper)]
    texts += [
        sealing.FedBackText(
            _("Common item %(number)s") % {"number": item.number},
            frozenset(unit.pk for unit in item.villages.all()),
            item.text,
        )
        for item in items
    ]
    return sealing.repeats(round_id, texts)
