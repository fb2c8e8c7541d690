"""The dashboard pages: a unit's figures at a glance (charts with their tables), filtered by term, round and
township with htmx, and the lists behind the figures (problems, suggestions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_filters import FilterSet

from xuncha.core.http import AuthenticatedHttpRequest
from xuncha.core.paging import page_of
from xuncha.dashboard.charts import Links, build_charts
from xuncha.dashboard.lookups import chosen_scope, dashboard_unit, reader_sources
from xuncha.dashboard.permissions import home_unit_id, reads_findings
from xuncha.dashboard.queries import Scope, dashboard_figures, in_scope
from xuncha.documents.list_exports import ExportColumn, export_list, label_of, text_of, wants_export
from xuncha.findings.filters import ProblemFilter, SuggestionFilter
from xuncha.findings.models import Category, Problem, Suggestion
from xuncha.inspections.models import Assignment, Round
from xuncha.organisations.models import AdminUnit, Level
from xuncha.outcomes.models import PeopleKind
from xuncha.public.permissions import can_manage_disclosure

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

ROWS_PER_PAGE = 50


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dashboard of the user's own unit: the widest one their grants give."""
    unit_id = home_unit_id(request.user)
    if unit_id is None:
        raise PermissionDenied
    unit = AdminUnit.objects.only("code").get(pk=unit_id)
    return redirect("dashboard:unit", code=unit.code)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def unit_dashboard(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A unit's figures at a glance; the filter form swaps the body (figures, charts, tables) with htmx."""
    unit = dashboard_unit(request.user, code)
    scope, choices = chosen_scope(request.user, unit, request.GET)
    figures = dashboard_figures(scope, reader_sources(request.user, unit))
    links = Links(scope)
    context = {
        "unit": unit,
        "scope": scope,
        "figures": figures,
        "charts": build_charts(figures, scope),
        "links": links,
        "filters_query": links.query(),
        **_tables(figures, scope, links),
        "ancestors": AdminUnit.objects.ancestors_of(unit).visible_to(request.user),
        "reads_findings": reads_findings(request.user, unit),
        "manages_disclosure": unit.level == Level.VILLAGE and can_manage_disclosure(request.user, unit),
        **choices,
    }
    # A history restore asks with HX-Request too, but it needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "dashboard/partials/_body.html" if partial else "dashboard/unit.html"
    return TemplateResponse(request, template, context)


AREA_LABELS = {Level.COUNTY: _("County"), Level.TOWNSHIP: _("Township"), Level.VILLAGE: _("Village or community")}


def _tables(figures: dict[str, Any], scope: Scope, links: Links) -> dict[str, Any]:
    """The rows of the page's tables, with the labels and links the figures leave out."""
    modes = list(Assignment.Mode.choices)
    outcomes = list(Suggestion.Outcome.choices)
    topics = dict(Suggestion.Topic.choices)
    statuses = dict(Round.Status.choices)
    rounds = [
        {
            **row,
            "status_label": statuses.get(row["status"], row["status"]),
            "mode_counts": [row["villages_by_mode"][mode] for mode, _label in modes],
        }
        for row in figures["rounds"] or []
    ]
    suggestions = figures["suggestions"] or {"top_villages": []}
    parts = [
        scope.term.name if scope.term else "",
        str(scope.round or ""),
        scope.township.name if scope.township else "",
    ]
    return {
        "scope_label": " · ".join(part for part in parts if part),
        "modes": modes,
        "outcomes": outcomes,
        "round_rows": rounds,
        "area_label": AREA_LABELS.get(Level(scope.area_level)) if scope.area_level else "",
        "area_rows": [{**area, "link": links.area(area)} for area in figures["areas"]],
        "people_rows": [(label, figures["outcomes"]["people"][kind]) for kind, label in PeopleKind.choices],
        "category_rows": [
            (label, figures["outcomes"]["by_category"][code])
            for code, label in Category.choices
            if figures["outcomes"]["by_category"][code]["outcomes"]
        ],
        "suggestion_rows": [
            {
                **row,
                "topic_label": topics.get(row["topic"], row["topic"]),
                "outcome_counts": [row[code] for code, _label in outcomes],
                "link": links.suggestions(village=row["code"], topic=row["topic"]),
            }
            for row in suggestions["top_villages"]
        ],
    }


PROBLEM_COLUMNS = (
    ExportColumn(_("Number"), text_of("serial")),
    ExportColumn(_("Township"), text_of("village.parent.name")),
    ExportColumn(_("Village or community"), text_of("village.name")),
    ExportColumn(_("Category"), label_of("category")),
    ExportColumn(_("Source"), label_of("source")),
    ExportColumn(_("Rectification type"), label_of("fix_type")),
    ExportColumn(_("Status"), label_of("status")),
    ExportColumn(_("What was found"), text_of("phenomenon"), width=60),
)
SUGGESTION_COLUMNS = (
    ExportColumn(_("Township"), text_of("village.parent.name")),
    ExportColumn(_("Village or community"), text_of("village.name")),
    ExportColumn(_("Topic"), label_of("topic")),
    ExportColumn(_("Suggestion"), text_of("text"), width=60),
    ExportColumn(_("Outcome"), label_of("outcome")),
    ExportColumn(_("Round"), text_of("assignment.round")),
)


def _drill_page(
    request: AuthenticatedHttpRequest,
    unit: AdminUnit,
    scope: Scope,
    filterset: FilterSet,
    carried: tuple[str, ...],
    template: str,
    export: tuple[StrOrPromise, Sequence[ExportColumn]],
) -> HttpResponse:
    """A page of the rows behind a figure, with the filters the list offers and the dashboard's own (``carried``)
    kept as they were. No assignment filter (the scope says where), and above a county no village or round, whose
    choices would grow with the province. ``?export=xlsx`` answers the rows as ``export`` (a title, the columns)."""
    if wants_export(request):
        title, columns = export
        scope_filters = [
            (_("Unit"), unit.name),
            (_("Term"), scope.term.name if scope.term else ""),
            (_("Round"), str(scope.round) if scope.round else ""),
            (_("Township"), scope.township.name if scope.township else ""),
        ]
        return export_list(
            request, filterset.qs, columns, title=title, filterset=filterset, extra_filters=scope_filters, obj=unit
        )
    hidden = {"assignment"} | ({"village", "round"} if scope.is_region else set())
    context = {
        "unit": unit,
        "scope": scope,
        "filter": filterset,
        "page_obj": page_of(request, filterset.qs, ROWS_PER_PAGE),
        "carried": [(name, request.GET[name]) for name in carried if request.GET.get(name)],
        "fields": [field for field in filterset.form if field.name not in hidden],
    }
    return render(request, template, context)


def _drill(request: AuthenticatedHttpRequest, code: str) -> tuple[AdminUnit, Scope]:
    unit = dashboard_unit(request.user, code)
    scope, _choices = chosen_scope(request.user, unit, request.GET)
    return unit, scope


@login_required
@require_GET
def problem_list(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The problems behind a figure of the dashboard: its scope, narrowed by category, source, type, village."""
    unit, scope = _drill(request, code)
    problems: QuerySet[Problem] = in_scope(
        Problem.objects.visible_to(request.user), scope, round_path="round", village_path="village"
    )
    problems = problems.exclude(status=Problem.Status.DISCARDED).select_related("village__parent", "round")
    problem_filter = ProblemFilter(request.GET, queryset=problems.order_by("round__number", "serial"), request=request)
    # The problem filter has its own round field; the suggestion filter has none, so the round is carried there.
    return _drill_page(
        request,
        unit,
        scope,
        problem_filter,
        ("term", "township"),
        "dashboard/problem_list.html",
        (_("Problems"), PROBLEM_COLUMNS),
    )


@login_required
@require_GET
def suggestion_list(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The suggestions behind a figure of the dashboard (for those who read the groups' findings)."""
    unit, scope = _drill(request, code)
    if not reads_findings(request.user, unit):
        raise PermissionDenied
    suggestions: QuerySet[Suggestion] = in_scope(
        Suggestion.objects.visible_to(request.user), scope, round_path="assignment__round", village_path="village"
    )
    suggestions = suggestions.select_related("village__parent", "assignment__round__term")
    suggestions = suggestions.order_by("village__code", "pk")
    suggestion_filter = SuggestionFilter(request.GET, queryset=suggestions, request=request)
    carried = ("term", "round", "township")
    return _drill_page(
        request,
        unit,
        scope,
        suggestion_filter,
        carried,
        "dashboard/suggestion_list.html",
        (_("Suggestions"), SUGGESTION_COLUMNS),
    )
