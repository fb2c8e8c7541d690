"""Pages of the administrative tree: the county overview, townships, villages and the village list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from xuncha.accounts.permissions import can_classify_villages, has_role_over
from xuncha.accounts.scoping import county_readers
from xuncha.core.exceptions import ActionRefused
from xuncha.core.http import AuthenticatedHttpRequest, form_errors, refusal
from xuncha.core.paging import page_of
from xuncha.documents.list_exports import ExportColumn, export_list, label_of, text_of, wants_export
from xuncha.findings.models import Category as ProblemCategory
from xuncha.findings.permissions import can_count_clues
from xuncha.findings.queries import findings_figures
from xuncha.inspections.models import Assignment, Term
from xuncha.inspections.queries import coverage, current_term, villages_with_coverage
from xuncha.organisations import actions
from xuncha.organisations.codes import normalise_code
from xuncha.organisations.filters import VillageFilter
from xuncha.organisations.forms import CategoryForm
from xuncha.organisations.models import AdminUnit, Category, Level
from xuncha.organisations.queries import VillageCounts, village_counts_under
from xuncha.public.permissions import can_manage_disclosure
from xuncha.rectification.filters import local_reader
from xuncha.rectification.models import ResponsibleParty
from xuncha.rectification.views.ledger import township_panel, village_panel

VILLAGES_PER_PAGE = 50


def _coverage_label(village: AdminUnit) -> str:
    if getattr(village, "inspected", False):
        return str(_("Inspected"))
    return str(_("Planned") if getattr(village, "planned", False) else _("Not yet"))


VILLAGE_COLUMNS = (
    ExportColumn(_("Code"), text_of("code")),
    ExportColumn(_("Village or community"), text_of("__str__")),
    ExportColumn(_("Township"), text_of("parent.name")),
    ExportColumn(_("Kind"), label_of("kind")),
    ExportColumn(_("Category"), label_of("category")),
    ExportColumn(_("This term"), _coverage_label),
)


def _visible_unit(request: AuthenticatedHttpRequest, code: str) -> AdminUnit:
    normalised = normalise_code(code)
    if normalised is None:
        raise Http404
    return get_object_or_404(AdminUnit.objects.visible_to(request.user).select_related("parent"), code=normalised)


def _chosen_term(request: AuthenticatedHttpRequest, county: AdminUnit) -> Term | None:
    """The term asked for in ``?term=``, else the county's current one."""
    terms = Term.objects.visible_to(request.user).filter(county=county)
    term_id = request.GET.get("term", "")
    if term_id.isdigit():
        return terms.filter(pk=int(term_id)).first() or current_term(county)
    return current_term(county)


@login_required
def unit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The org tree's entry: the one county a user covers, or a table of the counties they can see."""
    visible = AdminUnit.objects.visible_to(request.user)
    counties = list(visible.counties().select_related("parent").order_by("code"))
    if len(counties) == 1:
        return redirect(counties[0])
    if not counties:
        top = visible.order_by("path").first()
        return redirect(top) if top is not None else render(request, "core/no_role.html")
    counts = village_counts_under(counties)
    rows = [(county, counts.get(county.pk, VillageCounts())) for county in counties]
    return render(request, "organisations/unit_list.html", {"rows": rows})


@login_required
def unit_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    unit = _visible_unit(request, code)
    if unit.level == Level.COUNTY:
        return _county(request, unit)
    if unit.level == Level.TOWNSHIP:
        return _township(request, unit)
    if unit.level == Level.VILLAGE:
        return _village(request, unit)
    if unit.level == Level.DEPARTMENT:
        return _department(request, unit)
    return _region(request, unit)


def _county(request: AuthenticatedHttpRequest, county: AdminUnit) -> HttpResponse:
    term = _chosen_term(request, county)
    reads_findings = has_role_over(request.user, county_readers(), county)
    figures = findings_figures(county, term) if reads_findings else None
    context = {
        "unit": county,
        "term": term,
        "findings": figures,
        "categories": [(label, figures["problems_by_category"][code]) for code, label in ProblemCategory.choices]
        if figures
        else [],
        # Sealed clues are counted only for those who may know of them.
        "knows_clues": can_count_clues(request.user, county),
        "terms": Term.objects.visible_to(request.user).filter(county=county),
        "coverage": coverage(county, term),
        "ancestors": AdminUnit.objects.ancestors_of(county).visible_to(request.user),
        # Departments are listed apart from the townships: they have no villages and no coverage.
        "departments": AdminUnit.objects.departments()
        .filter(parent=county)
        .visible_to(request.user)
        .annotate(
            handed=Count("handed_items"),
            handed_done=Count("handed_items", filter=Q(handed_items__status="DONE")),
        )
        .order_by("code"),
    }
    return render(request, "organisations/county.html", context)


def _department(request: AuthenticatedHttpRequest, department: AdminUnit) -> HttpResponse:
    """A county department: the items handed to it that the reader sees."""
    parties = (
        ResponsibleParty.objects.visible_to(request.user)
        .filter(unit=department)
        .select_related("item__village")
        .order_by("-handed_on", "pk")
    )
    context = {
        "unit": department,
        "parties": parties,
        "county_visible": AdminUnit.objects.visible_to(request.user).filter(children=department).exists(),
    }
    return render(request, "organisations/department.html", context)


def _township(request: AuthenticatedHttpRequest, township: AdminUnit) -> HttpResponse:
    county = township.parent
    assert county is not None  # noqa: S101 - a township always hangs under a county
    term = current_term(county)
    villages = villages_with_coverage(county, term).filter(parent=township).visible_to(request.user).order_by("code")
    township_coverage = next(
        (row for row in coverage(county, term).townships if row.unit and row.unit.pk == township.pk), None
    )
    context = {
        "unit": township,
        "county": county,
        "term": term,
        "villages": villages,
        "coverage": township_coverage,
        "county_visible": AdminUnit.objects.visible_to(request.user).filter(pk=county.pk).exists(),
        "ledger_panel": township_panel(request, township),
    }
    return render(request, "organisations/township.html", context)


def _village(request: AuthenticatedHttpRequest, village: AdminUnit) -> HttpResponse:
    township = village.parent
    history = (
        Assignment.objects.visible_to(request.user)
        .filter(covered__village=village)
        .select_related("round__term", "group", "target")
        .order_by("-round__start_date")
    )
    visible_ancestors = set(
        AdminUnit.objects.ancestors_of(village).visible_to(request.user).values_list("pk", flat=True)
    )
    context = {
        "unit": village,
        "township": township,
        "township_visible": township is not None and township.pk in visible_ancestors,
        "history": history,
        "can_classify": can_classify_villages(request.user, village),
        "manages_disclosure": can_manage_disclosure(request.user, village),
        "category_form": CategoryForm(initial={"category": village.category, "reason": village.category_reason}),
        "ledger_panel": village_panel(request, village),
    }
    return render(request, "organisations/village.html", context)


def _region(request: AuthenticatedHttpRequest, region: AdminUnit) -> HttpResponse:
    """A province or city: its children with their village counts."""
    children = list(AdminUnit.objects.visible_to(request.user).filter(parent=region).order_by("code"))
    counts = village_counts_under(children)
    rows = [(child, counts.get(child.pk, VillageCounts())) for child in children]
    return render(request, "organisations/region.html", {"unit": region, "rows": rows})


@login_required
@vary_on_headers("HX-Request")
def village_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Villages of one county with filters (township, category, kind, coverage) and search; htmx swaps the table."""
    counties = list(AdminUnit.objects.visible_to(request.user).counties().order_by("code"))
    county = next((c for c in counties if c.code == normalise_code(request.GET.get("county", ""))), None)
    if county is None:
        county = counties[0] if counties else _county_of_scope(request)
    if county is None:
        return render(request, "core/no_role.html")
    term = current_term(county)
    villages = villages_with_coverage(county, term).visible_to(request.user).select_related("parent").order_by("code")
    townships = AdminUnit.objects.townships().filter(parent=county).visible_to(request.user).order_by("code")
    village_filter = VillageFilter(request.GET or None, queryset=villages, townships=townships)
    if local_reader(request.user) is not None:
        # A township (or village) reader's villages lie in one township: the selector would offer only that one.
        del village_filter.filters["township"]
    if wants_export(request):
        return export_list(
            request,
            village_filter.qs,
            VILLAGE_COLUMNS,
            title=_("Villages and communities"),
            filterset=village_filter,
            extra_filters=[(_("County"), county.name), (_("Term"), term.name if term else "")],
            obj=county,
        )
    page = page_of(request, village_filter.qs, VILLAGES_PER_PAGE)
    context = {
        "county": county,
        # Below county level (a township, a group, a village) the county's page is not open to the reader.
        "county_visible": county in counties,
        "counties": counties,
        "term": term,
        "filter": village_filter,
        "page_obj": page,
    }
    # A history restore asks with HX-Request too, but it needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "organisations/partials/_village_table.html" if partial else "organisations/village_list.html"
    return TemplateResponse(request, template, context)


def _county_of_scope(request: AuthenticatedHttpRequest) -> AdminUnit | None:
    """For users below county level (townships, group members), the county their visible villages lie in."""
    first = AdminUnit.objects.visible_to(request.user).villages().select_related("parent__parent").first()
    return first.parent.parent if first and first.parent else None


@login_required
@require_POST
def village_classify(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    village = _visible_unit(request, code)
    form = CategoryForm(request.POST)
    if form.is_valid():
        try:
            actions.set_village_category(
                village, Category(form.cleaned_data["category"]), form.cleaned_data["reason"], actor=request.user
            )
        except ActionRefused as exc:
            refusal(request, exc)
    else:
        refusal(request, ActionRefused(form_errors(form)))
    return redirect(village)
