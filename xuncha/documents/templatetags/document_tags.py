"""Template helpers of the documents pages."""

from __future__ import annotations

from django import template

from xuncha.documents.builders.rectification_report import reports_on
from xuncha.organisations.models import AdminUnit

register = template.Library()


@register.filter
def has_rectification_report(unit: AdminUnit) -> bool:
    """Whether the unit's page and the documents page offer its rectification report (a village or a township)."""
    return reports_on(unit)
