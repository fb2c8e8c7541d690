"""Template helpers of the ledger: the traffic-light and status badges, and the ledger panels of the township and
village pages."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString

from xuncha.rectification.models import LedgerItem, Light
from xuncha.rectification.views.ledger import township_panel, village_panel
from xuncha.rectification.views.phone import phone_home

register = template.Library()

# Colour and an icon, so that the light reads without colour too.
LIGHT_LOOK = {
    Light.GREEN: ("text-bg-success", "check-circle"),
    Light.YELLOW: ("text-bg-warning", "hourglass-split"),
    Light.RED: ("text-bg-danger", "exclamation-octagon"),
    Light.DONE: ("text-bg-secondary", "check2-all"),
}
STATUS_LOOK = {
    LedgerItem.Status.OPEN: "text-bg-light border",
    LedgerItem.Status.IN_PROGRESS: "text-bg-primary",
    LedgerItem.Status.SUBMITTED: "text-bg-info",
    LedgerItem.Status.RETURNED: "text-bg-warning",
    LedgerItem.Status.REVIEWED: "text-bg-dark",
    LedgerItem.Status.ONGOING: "text-bg-success",
    LedgerItem.Status.CLOSED: "text-bg-success",
}


@register.simple_tag
def light_badge(code: str) -> SafeString:
    """The traffic light ``code`` (GREEN, YELLOW, RED, DONE) as a badge with its icon and name."""
    try:
        light = Light(code)
    except ValueError:
        return format_html("")
    css, icon = LIGHT_LOOK[light]
    return format_html(
        '<span class="badge {} text-nowrap" data-testid="light" data-light="{}"><i class="bi bi-{}" aria-hidden="true">'
        "</i> {}</span>",
        css,
        light.value,
        icon,
        light.label,
    )


@register.simple_tag
def status_badge(code: str) -> SafeString:
    """An item's status as a badge."""
    try:
        status = LedgerItem.Status(code)
    except ValueError:
        return format_html("")
    return format_html(
        '<span class="badge {}" data-testid="item-status" data-status="{}">{}</span>',
        STATUS_LOOK[status],
        status.value,
        status.label,
    )


@register.filter
def small_control(field: BoundField) -> str:
    """A filter's control, small as filters above a table are. Rendered through the widget, which reads the choices
    once, without the count a template loop over them would cost."""
    css = (
        "form-select form-select-sm" if isinstance(field.field.widget, forms.Select) else "form-control form-control-sm"
    )
    return field.as_widget(attrs={"class": css})


@register.inclusion_tag("rectification/ledger/partials/_township_panel.html", takes_context=True)
def township_ledger_panel(context: template.Context, request: Any, township: Any) -> dict[str, Any]:
    """The township page's ledger panel: from ``ledger_panel`` when the page's view computed it, else computed
    here from the request and the township."""
    panel = context.get("ledger_panel") or township_panel(request, township)
    return {"panel": panel, "request": request}


@register.inclusion_tag("rectification/ledger/partials/_village_panel.html", takes_context=True)
def village_ledger_panel(context: template.Context, request: Any, village: Any) -> dict[str, Any]:
    """The village page's ledger panel: from ``ledger_panel`` when the page's view computed it, else computed here
    from the request and the village."""
    panel = context.get("ledger_panel") or village_panel(request, village)
    return {"panel": panel, "request": request}


@register.inclusion_tag("rectification/partials/_phone_home.html")
def phone_home_panel(request: Any, unit: Any) -> dict[str, Any]:
    """The phone home of a village or township reader on their own unit's page (empty for anyone else)."""
    return {"home": phone_home(request, unit), "request": request}
