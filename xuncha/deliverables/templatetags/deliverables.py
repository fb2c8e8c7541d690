"""The deliverables shown on other apps' pages: a feedback's three on the village's list page, and the figures (on
time, late, missing) on the dashboard; each one query."""

from __future__ import annotations

from typing import Any

from django import template

from xuncha.deliverables.models import Deliverable
from xuncha.deliverables.queries import deliverable_figures

register = template.Library()


@register.inclusion_tag("deliverables/partials/_card.html", takes_context=True)
def deliverables_card(context: dict[str, Any], feedback: Any) -> dict[str, Any]:
    """The deliverables of ``feedback`` that the reader may see, each with its light."""
    user = context["request"].user
    rows = list(Deliverable.objects.visible_to(user).filter(feedback=feedback).order_by("due_on", "kind"))
    return {"deliverables": rows}


@register.inclusion_tag("deliverables/partials/_figures.html", takes_context=True)
def deliverables_figures(context: dict[str, Any], scope: Any) -> dict[str, Any]:
    """How many villages (and departments) handed each deliverable in on time, late, or not at all, in the
    dashboard's scope: its place, term or round, among what the reader may see."""
    user = context["request"].user
    if scope.county is None:
        return {"figures": None}
    rows = Deliverable.objects.visible_to(user).filter(unit__path__under=scope.place.path)
    if scope.round is not None:
        rows = rows.filter(round=scope.round)
    elif scope.term is not None:
        rows = rows.filter(round__term=scope.term)
    return {"figures": deliverable_figures(rows), "county": scope.county}
