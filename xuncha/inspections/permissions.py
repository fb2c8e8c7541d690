"""Who may plan and change rounds, groups, recusals and assignments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.models import Role
from xuncha.accounts.permissions import can_plan_in, has_role_over
from xuncha.accounts.scoping import county_readers, roles_of
from xuncha.inspections.scoping import group_ids_of

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


# The roles for whom declared ties matter: the office that plans and the people it sends out.
RECUSAL_ROLES = frozenset({Role.OFFICE, Role.OFFICE_LEAD, Role.GROUP_LEADER, Role.GROUP_MEMBER})


def sees_units_and_rounds(user: AnyUser | None) -> bool:
    """Whether the organisation tree, the villages and the rounds are any of the user's business: roles that see
    units, and inspectors through their groups (the administrators of 三员分立 do not)."""
    return user is not None and (any(role.sees_units for role in roles_of(user)) or bool(group_ids_of(user)))


def handles_recusals(user: AnyUser | None) -> bool:
    """Whether declared ties are the user's business: the office, and whoever is or may be sent out in a group."""
    return user is not None and (bool(roles_of(user) & RECUSAL_ROLES) or bool(group_ids_of(user)))


def can_read_round_figures(user: AnyUser | None, round_: Round) -> bool:
    """The round's figures are read by those who read everything of its county (the office, county leaders)."""
    return has_role_over(user, county_readers(), round_.term.county)
