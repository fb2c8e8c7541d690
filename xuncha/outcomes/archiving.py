"""The outcomes app's part of an assignment's file: its items' outcomes and rules in the audit trail
(``archive.contributors.register_audit_objects``). A clue's outcome stays with the clue, sealed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.outcomes.models import Outcome, Rule

if TYPE_CHECKING:
    from xuncha.inspections.models import Assignment


def audit_objects(assignment: Assignment) -> dict[str, list[int]]:
    outcomes = list(
        Outcome.objects.filter(
            item__round_id=assignment.round_id, item__village__in=assignment.villages.all()
        ).values_list("pk", flat=True)
    )
    return {
        "outcomes.outcome": outcomes,
        "outcomes.rule": list(Rule.objects.filter(outcome__in=outcomes).values_list("pk", flat=True)),
    }
