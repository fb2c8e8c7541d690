"""The due date of each kind of deliverable, counted from the feedback (or, for a department, from the first item of
the round handed to it) by ``rectification.deadlines``, which the feedback's printed plan date uses too."""

from __future__ import annotations

from datetime import date

from xuncha.rectification.deadlines import leader_report_due, plan_due, report_due


def due_on(kind: str, start: date) -> date:
    from xuncha.deliverables.models import Deliverable

    return {
        Deliverable.Kind.PLAN: plan_due,
        Deliverable.Kind.REPORT: report_due,
        Deliverable.Kind.LEADER_REPORT: leader_report_due,
    }[Deliverable.Kind(kind)](start)
