"""Pages of return visits (回访): the list with the plan form, a visit's page with the record form, and photos
taken on site. Every visit is looked up through ``visible_to``; every change is an action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.core.exceptions import ActionRefused
from xuncha.core.http import AuthenticatedHttpRequest, form_errors, refusal, run_action
from xuncha.core.paging import page_of
from xuncha.documents.list_exports import ExportColumn, export_list, label_of, text_of, wants_export
from xuncha.evidence.views import evidence_response
from xuncha.inspections.models import AssignmentVillage, Round
from xuncha.inspections.scoping import group_ids_of
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import actions, lights, permissions
from xuncha.rectification.models import LedgerItem, ReturnVisit, VisitCheck
from xuncha.rectification.visit_forms import VisitPhotoForm, VisitPlanForm, VisitRecordForm

VISITS_PER_PAGE = 50
Verdict = VisitCheck.Verdict


# The list and the plan form ---------------------------------------------------------------------------------------


def _plannable_villages(user: User) -> QuerySet[AdminUnit] | None:
    """The villages with fed-back items the user sees and may plan a visit to; ``None`` when there are none.

    The office plans for its county; a group member for the villages the group inspected (``plan_visit`` checks
    this again against the round of the chosen items)."""
    candidates = AdminUnit.objects.filter(pk__in=LedgerItem.objects.visible_to(user).values("village_id"))
    groups = group_ids_of(user)
    inspected = (
        set(AssignmentVillage.objects.filter(assignment__group_id__in=groups).values_list("village_id", flat=True))
        if groups
        else set()
    )
    allowed = [
        village.pk
        for village in candidates.only("pk", "path")
        if village.pk in inspected or permissions.can_plan_visit(user, village)
    ]
    if not allowed:
        return None
    return AdminUnit.objects.filter(pk__in=allowed).select_related("parent").order_by("code")


def _plan_items(user: User) -> QuerySet[LedgerItem]:
    # A visit checks work reported done: items still being worked on are not offered.
    return LedgerItem.objects.visible_to(user).exclude(status__in=lights.WORKING).select_related("round")


def _plan_form(user: User, data: Any = None, initial: dict[str, Any] | None = None) -> VisitPlanForm | None:
    villages = _plannable_villages(user)
    if villages is None:
        return None
    return VisitPlanForm(data, initial=initial, villages=villages, items=_plan_items(user))


VISIT_COLUMNS = (
    ExportColumn(gettext_lazy("Township"), text_of("village.parent.name")),
    ExportColumn(gettext_lazy("Village"), text_of("village.name")),
    ExportColumn(gettext_lazy("Planned for"), lambda visit: visit.planned_on),
    ExportColumn(gettext_lazy("Visited on"), lambda visit: visit.visited_on),
    ExportColumn(gettext_lazy("Visitors"), text_of("visitors")),
    ExportColumn(gettext_lazy("Status"), label_of("status")),
    ExportColumn(gettext_lazy("Items checked"), lambda visit: visit.checked),
    ExportColumn(gettext_lazy("Verified"), lambda visit: visit.verified),
    ExportColumn(gettext_lazy("Reopened"), lambda visit: visit.reopened),
    ExportColumn(gettext_lazy("Residents asked"), lambda visit: visit.people_asked),
    ExportColumn(gettext_lazy("Residents satisfied"), lambda visit: visit.people_satisfied),
)


def _visits(request: AuthenticatedHttpRequest) -> QuerySet[ReturnVisit]:
    return (
        ReturnVisit.objects.visible_to(request.user)
        .select_related("village__parent", "planned_by_group")
        .annotate(
            checked=Count("checks"),
            verified=Count("checks", filter=Q(checks__verdict=Verdict.VERIFIED)),
            reopened=Count("checks", filter=Q(checks__verdict=Verdict.REOPEN)),
        )
        .order_by("-planned_on", "-pk")
    )


def _list_context(request: AuthenticatedHttpRequest, plan_form: VisitPlanForm | None) -> dict[str, Any]:
    page = page_of(request, _visits(request), VISITS_PER_PAGE)
    return {"page_obj": page, "visits": page.object_list, "plan_form": plan_form}


@login_required
def visit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The return visits the user may see, newest first, with the plan form for those who plan them."""
    if wants_export(request):
        return export_list(request, _visits(request), VISIT_COLUMNS, title=gettext_lazy("Return visits"))
    plan_form = _plan_form(request.user, initial={"planned_on": timezone.localdate()})
    return render(request, "rectification/visits/list.html", _list_context(request, plan_form))


def _round_of(items: list[LedgerItem]) -> Round | None:
    """The round the chosen items belong to, under which a group plans; none when they span several."""
    rounds = {item.round_id for item in items}
    return items[0].round if len(rounds) == 1 else None


@login_required
def plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the plan form drawn again for the chosen village (htmx), or the list page with it. POST: plan."""
    user = request.user
    if request.method != "POST":
        initial: dict[str, Any] = request.GET.dict() | {"items": request.GET.getlist("items")}
        form = _plan_form(user, initial=initial)
        if form is None:
            raise PermissionDenied
        if request.htmx:
            return render(request, "rectification/visits/_plan_form.html", {"plan_form": form})
        return render(request, "rectification/visits/list.html", _list_context(request, form))
    form = _plan_form(user, request.POST)
    if form is None:
        raise PermissionDenied
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        items = list(data["items"])
        try:
            visit = actions.plan_visit(
                data["village"],
                planned_on=data["planned_on"],
                items=items,
                visitors=data["visitors"],
                round_=_round_of(items),
                actor=user,
            )
        except ActionRefused as exc:
            refusal(request, exc)
            status = exc.status_code
        else:
            messages.success(request, _("The return visit was planned."))
            return redirect(visit)
    else:
        refusal(request, ActionRefused(form_errors(form)))
    return render(request, "rectification/visits/list.html", _list_context(request, form), status=status)


# A visit ----------------------------------------------------------------------------------------------------------


def _visible_visit(request: AuthenticatedHttpRequest, pk: int) -> ReturnVisit:
    return get_object_or_404(
        ReturnVisit.objects.visible_to(request.user).select_related(
            "village__parent", "planned_by", "planned_by_group"
        ),
        pk=pk,
    )


def _checks(visit: ReturnVisit) -> list[VisitCheck]:
    return list(visit.checks.select_related("item").prefetch_related("evidence").order_by("item__number", "item_id"))


def _detail_context(
    request: AuthenticatedHttpRequest,
    visit: ReturnVisit,
    checks: list[VisitCheck],
    record_form: VisitRecordForm | None = None,
) -> dict[str, Any]:
    can_record = permissions.can_record_visit(request.user, visit)
    planned = visit.status == ReturnVisit.Status.PLANNED
    if record_form is None and can_record and planned:
        record_form = VisitRecordForm(
            checks=checks, initial={"visited_on": timezone.localdate(), "visitors": visit.visitors}
        )
    return {
        "visit": visit,
        "checks": checks,
        "verified": sum(1 for check in checks if check.verdict == Verdict.VERIFIED),
        "reopened": sum(1 for check in checks if check.verdict == Verdict.REOPEN),
        "record_form": record_form if can_record and planned else None,
        "photo_form": VisitPhotoForm() if can_record else None,
        "timeline": Event.objects.for_object(visit).select_related("actor").order_by("seq"),
    }


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = _visible_visit(request, pk)
    return render(request, "rectification/visits/detail.html", _detail_context(request, visit, _checks(visit)))


@login_required
def photo_file(request: AuthenticatedHttpRequest, pk: int, check_pk: int, evidence_pk: int) -> FileResponse:
    """Serve a photo of a return visit to those who may see the visit."""
    check = get_object_or_404(_visible_visit(request, pk).checks, pk=check_pk)
    return evidence_response(get_object_or_404(check.evidence, pk=evidence_pk))


@login_required
@require_POST
def record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record what the visit found; a refusal shows the page again with what was typed."""
    visit = _visible_visit(request, pk)
    checks = _checks(visit)
    form = VisitRecordForm(request.POST, checks=checks)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_visit(
                visit,
                visited_on=data["visited_on"],
                verdicts=form.verdicts(),
                people_asked=data["people_asked"],
                people_satisfied=data["people_satisfied"],
                visitors=data["visitors"],
                note=data["note"],
                actor=request.user,
            )
        except ActionRefused as exc:
            refusal(request, exc)
            status = exc.status_code
        else:
            messages.success(request, _("The return visit was recorded."))
            return redirect(visit)
    else:
        refusal(request, ActionRefused(form_errors(form)))
    context = _detail_context(request, visit, checks, record_form=form)
    return render(request, "rectification/visits/detail.html", context, status=status)


@login_required
@require_POST
def photo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A photo taken on the visit, attached to one checked item."""
    check = get_object_or_404(
        VisitCheck.objects.filter(visit__in=ReturnVisit.objects.visible_to(request.user)).select_related(
            "visit__village", "item"
        ),
        pk=pk,
    )
    form = VisitPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["photo"]
        run_action(
            request,
            lambda: actions.attach_check_photo(
                check, upload, upload.name, upload.size, caption=form.cleaned_data["caption"], actor=request.user
            ),
            _("The photo was added."),
        )
    else:
        refusal(request, ActionRefused(form_errors(form)))
    return redirect(f"{check.visit.get_absolute_url()}#check-{check.pk}")
