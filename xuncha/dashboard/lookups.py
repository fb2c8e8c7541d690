"""Lookups shared by the dashboard pages and the statistics report: the unit asked for, the scope its filters
choose (``?term=&round=&township=``) and the sources the reader's figures come from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from xuncha.dashboard.permissions import can_view_dashboard, reads_findings
from xuncha.dashboard.queries import Scope, Sources, build_scope, county_of
from xuncha.findings.permissions import can_count_clues
from xuncha.inspections.models import Round, Term
from xuncha.organisations.codes import normalise_code
from xuncha.organisations.models import AdminUnit, Level

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.accounts.scoping import AnyUser


def dashboard_unit(user: User, code: str) -> AdminUnit:
    """The unit of ``code`` if the user may see it (404) and read its dashboard (403)."""
    normalised = normalise_code(code)
    if normalised is None:
        raise Http404
    unit = get_object_or_404(AdminUnit.objects.visible_to(user).select_related("parent"), code=normalised)
    if not can_view_dashboard(user, unit):
        raise PermissionDenied
    return unit


def chosen_scope(user: AnyUser, unit: AdminUnit, params: Mapping[str, str]) -> tuple[Scope, dict[str, Any]]:
    """The scope asked for by ``?term=&round=&township=`` (unknown or invisible values fall back to none), and the
    choices of the filter form."""
    county = county_of(unit)
    if county is None:
        return build_scope(unit), {}
    terms = list(Term.objects.visible_to(user).filter(county=county).order_by("-number"))
    term_id = params.get("term", "")
    term = next((t for t in terms if str(t.pk) == term_id), terms[0] if terms else None)
    visible_rounds = Round.objects.visible_to(user).select_related("term")
    rounds = list(visible_rounds.filter(term=term).order_by("number")) if term else []
    round_ = next((r for r in rounds if str(r.pk) == params.get("round", "")), None)
    townships: list[AdminUnit] = []
    township = None
    if unit.level == Level.COUNTY:
        townships = list(AdminUnit.objects.townships().filter(parent=unit).order_by("code"))
        township = next((t for t in townships if t.code == normalise_code(params.get("township", ""))), None)
    scope = build_scope(unit, term=term, round_=round_, township=township)
    return scope, {"terms": terms, "rounds": rounds, "townships": townships}


def reader_sources(user: AnyUser, unit: AdminUnit) -> Sources:
    """What ``user`` reads the figures of ``unit`` from."""
    return Sources.of(user, reads_findings=reads_findings(user, unit), counts_clues=can_count_clues(user, unit))
