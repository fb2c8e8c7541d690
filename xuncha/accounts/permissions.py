"""Who may do what, as pure functions over the user's grants. Actions enforce them; templates show by them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from xuncha.accounts.models import Role
from xuncha.accounts.scoping import grants_of, roles_of

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.organisations.models import AdminUnit


def has_role_over(user: AnyUser | None, roles: Iterable[Role], unit: AdminUnit) -> bool:
    """Whether one of the user's grants of ``roles`` covers ``unit``."""
    if user is None:
        return False
    wanted = set(roles)
    return any(grant.role in wanted and grant.covers(unit.path) for grant in grants_of(user) if grant.unit_id)


def has_role(user: AnyUser | None, role: Role) -> bool:
    return user is not None and role in roles_of(user)


def can_plan_in(user: AnyUser | None, county: AdminUnit) -> bool:
    """Office staff plan terms, rounds, groups and assignments of the counties they cover."""
    return has_role_over(user, [Role.OFFICE, Role.OFFICE_LEAD], county)


def can_classify_villages(user: AnyUser | None, village: AdminUnit) -> bool:
    return has_role_over(user, [Role.OFFICE, Role.OFFICE_LEAD], village)


def can_manage_master_data(user: AnyUser | None) -> bool:
    """Division imports and profiles belong to the system administrator (and to commands run on the server)."""
    return has_role(user, Role.SYSADMIN)


def can_manage_accounts(user: AnyUser | None) -> bool:
    return has_role(user, Role.SYSADMIN)


def can_grant_roles(user: AnyUser | None) -> bool:
    return has_role(user, Role.SECURITY_ADMIN)


def can_read_audit_log(user: AnyUser | None) -> bool:
    return has_role(user, Role.AUDITOR)
