"""Who may draft and approve work plans, sign declarations, send enquiries and handle leads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.models import Role
from xuncha.accounts.permissions import can_plan_in, has_role_over

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.inspections.models import Assignment, Round
    from xuncha.planning.models import Enquiry, Lead, WorkPlan


def can_draft_plan(user: AnyUser | None, round_: Round) -> bool:
    """The office drafts the plans of its counties' rounds."""
    return can_plan_in(user, round_.term.county)


def can_edit_plan(user: AnyUser | None, plan: WorkPlan) -> bool:
    return can_plan_in(user, plan.round.term.county)


def can_approve_plan(user: AnyUser | None, plan: WorkPlan) -> bool:
    """The office director approves or returns a plan; never the one who drafted it (four eyes)."""
    if user is None or user.pk is None or user.pk == plan.drafted_by_id:
        return False
    return has_role_over(user, [Role.OFFICE_LEAD], plan.round.term.county)


def serves_in_round(user: AnyUser | None, round_: Round) -> bool:
    """Whether the user is a member (or leader) of one of the round's groups."""
    from xuncha.inspections.models import Membership

    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(user_id=user.pk, group__round_id=round_.pk).exists()


def can_sign_declaration(user: AnyUser | None, round_: Round) -> bool:
    """Each member signs their own declaration for the round."""
    return serves_in_round(user, round_)


def can_send_enquiry(user: AnyUser | None, round_: Round) -> bool:
    return can_plan_in(user, round_.term.county)


def can_handle_enquiry(user: AnyUser | None, enquiry: Enquiry) -> bool:
    """The office records the reply and marks its points as leads."""
    return can_plan_in(user, enquiry.round.term.county)


def serves_in_group(user: AnyUser | None, assignment: Assignment) -> bool:
    from xuncha.inspections.models import Membership

    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(user_id=user.pk, group_id=assignment.group_id).exists()


def can_close_lead(user: AnyUser | None, lead: Lead) -> bool:
    """The group it was given to (or the office) says whether it followed the lead up or dropped it."""
    return serves_in_group(user, lead.assignment) or can_plan_in(user, lead.round.term.county)


def sees_round_planning(user: AnyUser | None, round_: Round) -> bool:
    """The round's planning page: the office, county leaders, and the members of the round's groups (each part of
    the page then shows only what ``visible_to`` lets through)."""
    return has_role_over(user, [Role.OFFICE, Role.OFFICE_LEAD, Role.LEADER], round_.term.county) or serves_in_round(
        user, round_
    )
