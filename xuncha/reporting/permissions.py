"""Who may hold group meetings, draft and edit reports, comment, record gates and give separate feedback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.models import Role
from xuncha.accounts.permissions import can_plan_in, has_role_over
from xuncha.findings.permissions import is_member, leads

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.inspections.models import Assignment, Round
    from xuncha.reporting.models import Report, SeparateFeedback


def can_hold_group_meeting(user: AnyUser | None, assignment: Assignment) -> bool:
    """The group leader convenes and records the group meeting."""
    return leads(user, assignment)


def can_draft_report(user: AnyUser | None, round_: Round, assignment: Assignment | None) -> bool:
    """A group drafts its assignment's report; the office drafts the round's."""
    if assignment is not None:
        return is_member(user, assignment)
    return can_plan_in(user, round_.term.county)


def can_edit_report(user: AnyUser | None, report: Report) -> bool:
    """Whoever drafts it edits it (the office may reword a group's report too)."""
    return can_draft_report(user, report.round, report.assignment) or can_plan_in(user, report.round.term.county)


def can_comment_report(user: AnyUser | None, report: Report) -> bool:
    """The office comments on the versions of a report."""
    return can_plan_in(user, report.round.term.county)


def can_record_gate(user: AnyUser | None, report: Report, kind: str) -> bool:
    """The group meeting is the group leader's (the office's for a round's report); the office records its own
    review and the minutes of the leading group and of the secretary's meeting."""
    from xuncha.reporting.models import Gate

    if kind == Gate.Kind.GROUP_MEETING and report.assignment is not None:
        return leads(user, report.assignment)
    return can_plan_in(user, report.round.term.county)


def can_give_separate_feedback(user: AnyUser | None, assignment: Assignment) -> bool:
    """The office director or the leader of the group that inspected the village."""
    return leads(user, assignment) or has_role_over(user, [Role.OFFICE_LEAD], assignment.round.term.county)


def can_set_feedback_rule(user: AnyUser | None, round_: Round) -> bool:
    return has_role_over(user, [Role.OFFICE_LEAD], round_.term.county)


def can_read_separate_feedback(user: AnyUser | None, separate: SeparateFeedback) -> bool:
    """Whoever the confidential record is visible to: the office director and the group's leader."""
    from xuncha.reporting.models import SeparateFeedback

    if user is None or not user.is_authenticated:
        return False
    return SeparateFeedback.objects.visible_to(user).filter(pk=separate.pk).exists()
