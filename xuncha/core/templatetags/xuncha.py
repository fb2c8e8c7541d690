"""Template helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms import BoundField
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (``None`` or "" removes one)."""
    request = context.get("request")
    query: QueryDict = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = str(value)
    return query.urlencode()


@register.filter
def percent(part: int | None, whole: int | None) -> int:
    """``part`` as a whole-number percentage of ``whole`` (0 when there is nothing to divide by)."""
    if not whole:
        return 0
    return (200 * (part or 0) + whole) // (2 * whole)  # half up (四舍五入), as published figures are


@register.filter
def control(field: BoundField) -> str:
    """Render a form field's widget with the Bootstrap class that suits it."""
    widget = field.field.widget
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    elif isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})
