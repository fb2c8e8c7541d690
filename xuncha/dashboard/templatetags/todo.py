"""``{% todo_panel unit %}``: the reader's to-do (``dashboard.todo``) at the top of their landing page — the unit
page or dashboard they start from, or the rounds page for those who work through groups (``{% todo_panel %}``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from xuncha.accounts.permissions import landing_grant
from xuncha.dashboard.todo import todos_for
from xuncha.inspections.scoping import group_ids_of

if TYPE_CHECKING:
    from xuncha.organisations.models import AdminUnit

register = template.Library()


@register.inclusion_tag("dashboard/partials/_todo.html", takes_context=True)
def todo_panel(context: dict[str, Any], unit: AdminUnit | None = None) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    grant = landing_grant(user)
    landing = grant.unit_id == unit.pk if unit is not None and grant is not None else False
    if unit is None:
        landing = grant is None and bool(group_ids_of(user))
    return {"show": landing, "todos": todos_for(user) if landing else []}
