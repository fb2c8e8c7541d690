"""Reads of the report chain: whether a village's lists may be fed back, and what the round and assignment pages
show of their reports."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from xuncha.reporting.models import FeedbackRule, Gate, Report

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.inspections.models import Assignment, Round
    from xuncha.organisations.models import AdminUnit


def needs_approved_report(county: AdminUnit) -> bool:
    """The county's own rule, or the instance's setting when the county has none."""
    rule = FeedbackRule.objects.filter(county=county).values_list("needs_approved_report", flat=True).first()
    return bool(settings.XUNCHA_FEEDBACK_NEEDS_APPROVED_REPORT if rule is None else rule)


def has_own_feedback_rule(county: AdminUnit) -> bool:
    """Whether the county set its own rule (else the instance's setting holds)."""
    return FeedbackRule.objects.filter(county=county).exists()


def approved_reports(round_: Round, village: AdminUnit) -> QuerySet[Report]:
    """The approved inspection reports that cover ``village``: the round's own, or its assignment's."""
    return Report.objects.filter(round=round_, kind=Report.Kind.INSPECTION, status=Report.Status.APPROVED).filter(
        Q(assignment__isnull=True) | Q(assignment__covered__village=village)
    )


def feedback_refusal(round_: Round, village: AdminUnit) -> str | None:
    """Why the lists of ``village`` cannot be fed back yet, or ``None`` when they can (the rectification app asks
    this before publishing)."""
    if not needs_approved_report(round_.term.county) or approved_reports(round_, village).exists():
        return None
    return _(
        "The lists of %(village)s are fed back only after the inspection report covering it has passed its last "
        "gate, the secretary's special meeting."
    ) % {"village": village}


def reports_of(user: AnyUser, *, round_: Round | None = None, assignment: Assignment | None = None) -> list[Report]:
    """The reports of a round (all of them) or of an assignment that the user may see, in one query."""
    reports = Report.objects.visible_to(user).select_related("assignment__group")
    if assignment is not None:
        reports = reports.filter(assignment=assignment)
    elif round_ is not None:
        reports = reports.filter(round=round_)
    return list(reports.order_by("assignment__group__number", "kind", "pk"))


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def diff_versions(older: str, newer: str) -> list[DiffLine]:
    """The lines of ``newer`` against ``older``: kept, added and removed."""
    kinds = {" ": "same", "+": "added", "-": "removed"}
    lines = []
    for line in difflib.ndiff(older.splitlines(), newer.splitlines()):
        if line[:1] in kinds:
            lines.append(DiffLine(kinds[line[:1]], line[2:]))
    return lines


def gate_steps(report: Report) -> list[tuple[str, str]]:
    """Each gate in order with where the report stands at it: passed, awaited or ahead."""
    from xuncha.reporting.actions import AWAITED_GATE, GATE_ORDER

    awaited = AWAITED_GATE.get(report.status)
    at = GATE_ORDER.index(awaited) if awaited is not None else len(GATE_ORDER)
    states = ["passed"] * at + ["awaited"] + ["ahead"] * len(GATE_ORDER)
    return [(str(Gate.Kind(kind).label), states[index]) for index, kind in enumerate(GATE_ORDER)]
