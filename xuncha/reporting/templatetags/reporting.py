"""The report panel that a round's and an assignment's pages include: the reports the reader may see with where
each stands in its gates, and the links to draft, to record a group meeting or a separate feedback."""

from __future__ import annotations

from typing import Any

from django import template

from xuncha.accounts.permissions import can_plan_in
from xuncha.reporting import permissions, queries
from xuncha.reporting.actions import DRAFTING_STATUSES
from xuncha.reporting.models import Report, SeparateFeedback

register = template.Library()


@register.inclusion_tag("reporting/partials/_reports.html", takes_context=True)
def report_panel(context: template.Context, round: Any, assignment: Any = None) -> dict[str, Any]:  # noqa: A002
    user = context["request"].user
    reports = queries.reports_of(user, round_=round, assignment=assignment)
    drafted = any(
        report.kind == Report.Kind.INSPECTION
        for report in reports
        if report.assignment_id == getattr(assignment, "pk", None)
    )
    may_draft = round.status in DRAFTING_STATUSES and permissions.can_draft_report(user, round, assignment)
    can_draft = may_draft and not drafted
    panel: dict[str, Any] = {
        "round": round,
        "assignment": assignment,
        "reports": [(report, queries.gate_steps(report)) for report in reports],
        "can_draft": can_draft,
        "can_draft_special": may_draft,
        "kinds": Report.Kind.choices,
        "can_meet": assignment is not None and permissions.can_hold_group_meeting(user, assignment),
        "can_give_separate": assignment is not None and permissions.can_give_separate_feedback(user, assignment),
    }
    if assignment is None and can_plan_in(user, round.term.county):
        # The office reads the county's feedback rule where the round's reports stand; the director changes it.
        panel["feedback_rule"] = queries.needs_approved_report(round.term.county)
        panel["can_set_rule"] = permissions.can_set_feedback_rule(user, round)
    if panel["can_give_separate"]:
        panel["separate"] = list(SeparateFeedback.objects.visible_to(user).filter(assignment=assignment))
    return panel
