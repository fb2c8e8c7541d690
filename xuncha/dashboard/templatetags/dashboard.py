"""``{% dashboard_url user unit as url %}``: the address of a unit's dashboard when the user may read it, else ""."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.urls import reverse

from xuncha.dashboard.permissions import can_view_dashboard

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.organisations.models import AdminUnit

register = template.Library()


@register.simple_tag
def dashboard_url(user: AnyUser, unit: AdminUnit) -> str:
    return reverse("dashboard:unit", args=[unit.code]) if can_view_dashboard(user, unit) else ""
