"""Template context shared by every page: the left navigation for the signed-in user's roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import Role
from xuncha.accounts.scoping import group_ids_of, leads_a_group, roles_of
from xuncha.dashboard.permissions import DASHBOARD_ROLES

# Roles that handle sealed clues; group leaders see their own groups' clues too. Nobody else gets even the link.
CLUE_ROLES = frozenset({Role.OFFICE_LEAD, Role.DISCIPLINE, Role.ORG_DEPT})


LIST_ROLES = frozenset({Role.OFFICE, Role.OFFICE_LEAD, Role.LEADER, Role.TOWNSHIP, Role.VILLAGE})

# Roles for whom declared ties matter: the office that plans and the people it sends out.
RECUSAL_ROLES = frozenset({Role.OFFICE, Role.OFFICE_LEAD, Role.GROUP_LEADER, Role.GROUP_MEMBER})


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    icon: str
    active: bool


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    sees_units = any(role.sees_units for role in roles) or bool(group_ids_of(user))
    sees_rounds = sees_units
    handles_recusals = bool(roles & RECUSAL_ROLES) or bool(group_ids_of(user))
    sees_clues = bool(roles & CLUE_ROLES) or leads_a_group(user)
    # The discipline commission and the organisation department receive clues; lists and the ledger are not theirs.
    works_on_lists = bool(roles & LIST_ROLES) or bool(group_ids_of(user))
    sees_dashboard = bool(roles & set(DASHBOARD_ROLES))
    entries: list[tuple[str | Promise, str, str, bool]] = [
        (_("Home"), reverse("home"), "house", True),
        (_("Dashboard"), reverse("dashboard:index"), "speedometer2", sees_dashboard),
        (_("Organisation tree"), reverse("organisations:unit-list"), "diagram-3", sees_units),
        (_("Villages"), reverse("organisations:village-list"), "houses", sees_units),
        (_("Inspection rounds"), reverse("inspections:round-list"), "flag", sees_rounds),
        (_("Lists and feedback"), reverse("rectification:list-overview"), "card-checklist", works_on_lists),
        (_("Rectification ledger"), reverse("rectification:item-list"), "clipboard-check", works_on_lists),
        (_("Return visits"), reverse("rectification:visit-list"), "arrow-repeat", works_on_lists),
        (_("Documents and spreadsheets"), reverse("documents:index"), "file-earmark-word", works_on_lists),
        (_("Sealed clues"), reverse("findings:clue-list"), "file-lock", sees_clues),
        (_("Recusals"), reverse("inspections:recusal-list"), "person-x", handles_recusals),
        (_("Audit log"), reverse("audit:event-list"), "journal-check", Role.AUDITOR in roles),
        (_("Administration"), reverse("admin:index"), "gear", user.is_staff),
    ]
    path = request.path
    shown = [(label, url, icon) for label, url, icon, visible in entries if visible]
    # The entry whose address is the longest prefix of the page is the active one (/units/villages/ is
    # "Villages", not "Organisation tree").
    matches = [url for _label, url, _icon in shown if (path == url if url == "/" else path.startswith(url))]
    current = max(matches, key=len, default=None)
    items = [NavItem(label, url, icon, url == current) for label, url, icon in shown]
    return {"nav_items": items, "user_roles": sorted(role.label for role in roles)}
