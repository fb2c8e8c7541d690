"""``{% fieldwork_section %}``: the group's records on an assignment's page, one include line in its template."""

from __future__ import annotations

from typing import Any

from django import template

from xuncha.fieldwork.section import section_context

register = template.Library()


@register.inclusion_tag("fieldwork/partials/_section.html", takes_context=True)
def fieldwork_section(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        **section_context(request, context["assignment"]),
    }
