"""Who may read which dashboard: pure functions over the user's grants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.models import Role
from xuncha.accounts.permissions import has_role_over
from xuncha.accounts.scoping import county_readers
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
