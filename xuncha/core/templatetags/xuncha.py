"""Template helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.core.paginator import Page
from django.forms import BoundField
from django.http import QueryDict
from django.utils.html import format_html, format_html_join

from xuncha.core.paging import PAGE_SIZES

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


def _checkboxes(field: BoundField, css: str) -> str:
    """A list of checkboxes as Bootstrap's form-check rows, the class on each box only: Django's own rendering puts
    the widget's class on the wrapping ``div`` too, and ``form-check-input`` there shrinks it to a 1em box out of
    which the options spill over the rest of the form (and the fields below it cover them)."""
    options = []
    for option in field.subwidgets:
        option.data["attrs"]["class"] = css
        options.append((option.tag(wrap_label=False), option.id_for_label, option.choice_label))
    rows = format_html_join(
        "", '<div class="form-check">{}<label class="form-check-label" for="{}">{}</label></div>', options
    )
    return (
        format_html('<div id="{}">{}</div>', field.auto_id, rows)
        if field.auto_id
        else format_html("<div>{}</div>", rows)
    )


@register.filter
def control(field: BoundField) -> str:
    """Render a form field's widget with the Bootstrap class that suits it."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return _checkboxes(field, "form-check-input is-invalid" if field.errors else "form-check-input")
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    elif isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.simple_tag
def page_numbers(page_obj: Page[Any]) -> list[int | str]:
    """The page numbers a pager shows: both ends and the pages around the current one, gaps as an ellipsis."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))


@register.simple_tag
def page_sizes() -> tuple[int, ...]:
    return PAGE_SIZES
