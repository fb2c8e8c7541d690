"""Who may plan and change rounds, groups, recusals and assignments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.permissions import can_plan_in

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.inspections.models import Assignment, InspectionGroup, Recusal, Round, Term
    from xuncha.organisations.models import AdminUnit


def can_open_term(user: AnyUser | None, county: AdminUnit) -> bool:
    return can_plan_in(user, county)


def can_plan_round(user: AnyUser | None, term: Term) -> bool:
    return can_plan_in(user, term.county)


def can_move_round(user: AnyUser | None, round_: Round) -> bool:
    return can_plan_in(user, round_.term.county)


def can_manage_group(user: AnyUser | None, group: InspectionGroup) -> bool:
    return can_plan_in(user, group.round.term.county)


def can_assign(user: AnyUser | None, round_: Round) -> bool:
    return can_plan_in(user, round_.term.county)


def can_cancel_assignment(user: AnyUser | None, assignment: Assignment) -> bool:
    return can_plan_in(user, assignment.round.term.county)


def can_declare_recusal(user: AnyUser | None, person_id: int, unit: AdminUnit) -> bool:
    """Anyone declares their own ties; the office records them for others in its counties."""
    if user is None:
        return False
    return user.pk == person_id or can_plan_in(user, unit)


def can_withdraw_recusal(user: AnyUser | None, recusal: Recusal) -> bool:
    """Only the office lifts a declared tie: a person cannot quietly clear their own."""
    return can_plan_in(user, recusal.unit)


def can_manage_channels(user: AnyUser | None, assignment: Assignment) -> bool:
    """The office or the group's leader publishes the ways residents can reach a stationed group."""
    from xuncha.inspections.models import Membership

    if can_plan_in(user, assignment.round.term.county):
        return True
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(group_id=assignment.group_id, user_id=user.pk, role="LEADER").exists()
