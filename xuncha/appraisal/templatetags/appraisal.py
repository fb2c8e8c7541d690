"""The assignment page's box of democratic appraisals (one include: ``appraisal/partials/_assignment_appraisals.html``),
so that the inspections app's view needs no knowledge of this app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import template
from django.db.models import Count

from xuncha.appraisal import permissions
from xuncha.appraisal.models import Appraisal
from xuncha.inspections.models import Assignment

register = template.Library()


@dataclass(frozen=True)
class AppraisalBox:
    appraisals: Sequence[Appraisal]
    can_open: bool

    @property
    def shown(self) -> bool:
        return self.can_open or bool(self.appraisals)


@register.simple_tag(takes_context=True)
def assignment_appraisals(context: dict[str, Any], assignment: Assignment) -> AppraisalBox:
    """The appraisals of ``assignment`` the reader may see (one query), and whether the reader may open one. Readers
    who may see none (townships, villages, leaders) get an empty box, which the include does not show."""
    user = context["request"].user
    appraisals = list(
        Appraisal.objects.visible_to(user)
        .filter(assignment=assignment)
        .select_related("village")
        .annotate(forms_count=Count("forms"))
        .order_by("-opened_at", "-pk")
    )
    can_open = permissions.can_open_appraisal(user, assignment)
    return AppraisalBox(appraisals, can_open)
