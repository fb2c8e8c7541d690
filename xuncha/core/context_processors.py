"""Template context shared by every page: the left navigation for the signed-in user's roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.permissions import can_grant_roles, can_manage_accounts, can_read_audit_log
from xuncha.accounts.scoping import grants_of
from xuncha.dashboard.permissions import can_see_dashboard
from xuncha.findings.permissions import can_see_clue_list
from xuncha.inspections.permissions import handles_recusals, sees_units_and_rounds
from xuncha.rectification.permissions import hands_off, works_on_lists


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
    sees_units = sees_units_and_rounds(user)
    # The discipline commission and the organisation department receive clues; lists and the ledger are not theirs.
    on_lists = works_on_lists(user)
    entries: list[tuple[str | Promise, str, str, bool]] = [
        (_("Home"), reverse("home"), "house", True),
        (_("Dashboard"), reverse("dashboard:index"), "speedometer2", can_see_dashboard(user)),
        (_("Organisation tree"), reverse("organisations:unit-list"), "diagram-3", sees_units),
        (_("Villages"), reverse("organisations:village-list"), "houses", sees_units),
        (_("Inspection rounds"), reverse("inspections:round-list"), "flag", sees_units),
        (_("Lists and feedback"), reverse("rectification:list-overview"), "card-checklist", on_lists),
        (_("Rectification ledger"), reverse("rectification:item-list"), "clipboard-check", on_lists),
        (_("Items handed off"), reverse("rectification:handed-items"), "box-arrow-in-right", hands_off(user)),
        (_("Return visits"), reverse("rectification:visit-list"), "arrow-repeat", on_lists),
        (_("Documents and spreadsheets"), reverse("documents:index"), "file-earmark-word", on_lists),
        (_("Sealed clues"), reverse("findings:clue-list"), "file-lock", can_see_clue_list(user)),
        (_("Recusals"), reverse("inspections:recusal-list"), "person-x", handles_recusals(user)),
        (_("System administration"), reverse("accounts:system"), "pc-display", can_manage_accounts(user)),
        (_("Security administration"), reverse("accounts:security"), "shield-lock", can_grant_roles(user)),
        (_("Security audit"), reverse("accounts:auditor"), "eye", can_read_audit_log(user)),
        (_("Audit log"), reverse("audit:event-list"), "journal-check", can_read_audit_log(user)),
        (_("Administration"), reverse("admin:index"), "gear", user.is_staff),
    ]
    path = request.path
    shown = [(label, url, icon) for label, url, icon, visible in entries if visible]
    # The entry whose address is the longest prefix of the page is the active one (/units/villages/ is
    # "Villages", not "Organisation tree").
    matches = [url for _label, url, _icon in shown if (path == url if url == "/" else path.startswith(url))]
    current = max(matches, key=len, default=None)
    items = [NavItem(label, url, icon, url == current) for label, url, icon in shown]
    return {
        "nav_items": items,
        # A role's title follows the unit granted: a leader over 桂林市 is 市领导.
        "user_roles": sorted({str(grant.label) for grant in grants_of(user)}),
        "idle_minutes": settings.XUNCHA_IDLE_MINUTES,
        "idle_warning_minutes": min(settings.XUNCHA_IDLE_WARNING_MINUTES, settings.XUNCHA_IDLE_MINUTES),
    }
