"""Who may read which dashboard: pure functions over the user's grants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.models import Role
from xuncha.accounts.permissions import has_role_over
from xuncha.accounts.scoping import county_readers, grants_of, roles_of
from xuncha.organisations.models import Level

# The roles that read a dashboard, widest first: ``/dashboard/`` opens the unit of the first one a user holds.
DASHBOARD_ROLES = [Role.OFFICE_LEAD, Role.OFFICE, Role.LEADER, Role.TOWNSHIP, Role.VILLAGE]

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.organisations.models import AdminUnit


def reads_findings(user: AnyUser | None, unit: AdminUnit) -> bool:
    """The office, its director and county leaders read every figure of the counties under their grants."""
    return has_role_over(user, county_readers(), unit)


def can_view_dashboard(user: AnyUser | None, unit: AdminUnit) -> bool:
    """County readers see any unit under their grants (a city or province grant sees the roll-up); a township
    committee its township and villages; a village organisation its own village."""
    if reads_findings(user, unit):
        return True
    if unit.level in (Level.TOWNSHIP, Level.VILLAGE) and has_role_over(user, [Role.TOWNSHIP], unit):
        return True
    return unit.level == Level.VILLAGE and has_role_over(user, [Role.VILLAGE], unit)


def home_unit_id(user: AnyUser) -> int | None:
    """The unit whose dashboard ``/dashboard/`` opens: the widest one the user's grants give, by the order of
    ``DASHBOARD_ROLES`` between grants of one level; ``None`` when the user reads no dashboard."""
    grants = [grant for grant in grants_of(user) if grant.role in DASHBOARD_ROLES and grant.unit_id]
    if not grants:
        return None
    return min(grants, key=lambda grant: (grant.path.count("/"), DASHBOARD_ROLES.index(grant.role))).unit_id


def can_see_dashboard(user: AnyUser | None) -> bool:
    """Whether the user reads some dashboard (and is shown the link to it)."""
    return user is not None and bool(roles_of(user) & set(DASHBOARD_ROLES))
