"""Pages of the rectification ledger (整改台账): the ledger with its filters and figures, an item's page with the
forms of whoever may act on it now, the township's review of its villages' submissions, and the ledger panels of
the township and village pages. Every item is looked up through ``visible_to``; every change is an action."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, When
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from xuncha.audit.models import Event
from xuncha.core.exceptions import ActionRefused
from xuncha.core.http import AuthenticatedHttpRequest, refuse_form, run_action
from xuncha.core.paging import page_of
from xuncha.documents import exports
from xuncha.documents.list_exports import export_sheet, wants_export
from xuncha.evidence.views import evidence_response
from xuncha.findings.models import FixType, Problem
from xuncha.organisations.models import AdminUnit
from xuncha.outcomes.views import item_panel
from xuncha.public.queries import confirmation_panel
from xuncha.rectification import actions, closing, permissions, refusals
from xuncha.rectification.filters import LedgerPageFilter, local_reader
from xuncha.rectification.ledger_forms import (
    BatchReviewForm,
    CloseForm,
    DeadlineForm,
    NoteForm,
    PlanForm,
    ProgressForm,
    ReasonForm,
    ResponsibilityForm,
    ReviewForm,
    SubmitForm,
)
from xuncha.rectification.lights import light_q, with_light
from xuncha.rectification.models import DONE_STATUSES, LedgerItem, Light, ProblemList, Progress
from xuncha.rectification.queries import ledger_figures
from xuncha.rectification.timeline import case_timeline
from xuncha.rectification.views.extensions import extension_context
from xuncha.rectification.views.handoffs import party_context

if TYPE_CHECKING:
    from xuncha.accounts.models import User

Status = LedgerItem.Status
ITEMS_PER_PAGE = 50
REVIEW_PER_PAGE = 100
PANEL_RED_ROWS = 20
PANEL_VILLAGE_ROWS = 100
# Where a review posted from the batch page returns to.
BACK_TO_REVIEW = "review"


def _visible_item(request: AuthenticatedHttpRequest, pk: int) -> LedgerItem:
    """An item outside the user's reach answers 404, as if it did not exist."""
    return get_object_or_404(
        LedgerItem.objects.visible_to(request.user).select_related(
            "round__term__county", "village", "township", "feedback", "problem", "common_item__problem_list"
        ),
        pk=pk,
    )


def _ledger_url(**params: str) -> str:
    return f"{reverse('rectification:item-list')}?{urlencode(params)}"


def _files(data: dict[str, Any]) -> list[tuple[Any, str, int]]:
    uploads = [*data.get("photos", []), *data.get("evidence", [])]
    return [(upload, upload.name or "", upload.size or 0) for upload in uploads]


# The ledger -------------------------------------------------------------------------------------------------------


@login_required
@vary_on_headers("HX-Request")
def item_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The ledger in the columns offices use, with filters and the figures of what they keep; htmx swaps the
    table and its figures."""
    items = (
        with_light(LedgerItem.objects.visible_to(request.user))
        .select_related("village", "township")
        .order_by("-round__start_date", "township__code", "village__code", "number")
    )
    ledger_filter = LedgerPageFilter(request.GET or None, queryset=items, request=request)
    filtered = ledger_filter.qs
    if wants_export(request):
        # The office's ledger columns (those the ledger import reads back), of exactly the items the filters show.
        rows = exports.ledger_rows(LedgerItem.objects.filter(pk__in=filtered.values("pk")))
        columns = exports.ledger_columns()
        return export_sheet(request, columns, rows, title=gettext_lazy("Rectification ledger"), filterset=ledger_filter)
    context = {
        "filter": ledger_filter,
        "figures": ledger_figures(filtered),
        "page_obj": page_of(request, filtered, ITEMS_PER_PAGE),
        "local_reader": local_reader(request.user),
        "sets_responsibility": permissions.works_on_lists(request.user),
    }
    # A history restore asks with HX-Request too, but it needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "rectification/ledger/partials/_table.html" if partial else "rectification/ledger/list.html"
    return TemplateResponse(request, template, context)


# An item's page ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefusedAction:
    """An action of the reader's role that the item's state does not allow now: a disabled button, the reason, and
    where to go next when there is a next step (e.g. plan the return visit the closure waits for)."""

    key: str
    label: str
    reason: str
    next_url: str = ""
    next_label: str = ""


def _refused_actions(user: User, item: LedgerItem) -> list[RefusedAction]:
    """The item actions of the reader's role (submit, review, close, return) refused by the item's state now.
    Nothing for a closed item, nor what another role does (a village is not told it may not close)."""
    if item.status == Status.CLOSED:
        return []
    refused: list[RefusedAction] = []
    if permissions.can_report_progress(user, item) and item.status in (Status.SUBMITTED, Status.REVIEWED):
        reason = refusals.why_not_submit_item(user, item)
        if reason:
            refused.append(RefusedAction("submit", _("Submit for review"), reason))
    if permissions.can_review(user, item) and item.status in refusals.SUBMITTABLE:
        reason = refusals.why_not_review_item(user, item)
        if reason:
            refused.append(RefusedAction("review", _("Approve"), reason))
    if permissions.can_close(user, item):
        long_term_reviewed = item.status == Status.REVIEWED and item.fix_type == FixType.LONG_TERM
        reason = None if long_term_reviewed else refusals.why_not_close_item(user, item)
        if reason:
            refused.append(RefusedAction("close", _("Close (销号)"), reason, *_visit_step(user, item)))
        if item.status == Status.SUBMITTED:
            reason = refusals.why_not_return_item(user, item)
            if reason:
                refused.append(RefusedAction("return", _("Return to the village"), reason))
    return refused


def _visit_step(user: User, item: LedgerItem) -> tuple[str, str]:
    """The link to plan the return visit an item waits for, if the reader plans visits."""
    if not (item.needs_return_visit and item.verified_at is None):
        return "", ""
    if not permissions.can_plan_visit(user, item.village, item.round):
        return "", ""
    query = urlencode({"village": item.village.code, "items": item.pk})
    return f"{reverse('rectification:visit-plan')}?{query}", _("Plan a return visit")


def _action_forms(request: AuthenticatedHttpRequest, item: LedgerItem) -> dict[str, Any]:
    """The forms of whoever may act on the item now, by role and status; the actions check again. What the role
    could do but the state does not allow is listed in ``refused`` with its reason and next step."""
    user, status, today = request.user, item.status, timezone.localdate()
    moves = actions.ITEM_TRANSITIONS.get(status, set())
    village = permissions.can_report_progress(user, item)
    township = permissions.can_review(user, item)
    office = permissions.can_close(user, item)
    being_worked_on = status not in (Status.CLOSED, Status.SUBMITTED, Status.REVIEWED)
    long_term = item.fix_type == FixType.LONG_TERM
    close_form = (
        CloseForm(initial={"closed_on": today}, auto_id="close_%s")
        if Status.CLOSED in moves and refusals.why_not_close_item(user, item) is None
        else None
    )
    if close_form is not None and not closing.confirmations(item).objection_holds:
        del close_form.fields["override_reason"]
    plan = {"measures": item.measures, "goal": item.goal, "responsible_leader": item.responsible_leader}
    return {
        "plan_form": PlanForm(initial=plan, auto_id="plan_%s") if village and being_worked_on else None,
        "progress_form": (
            ProgressForm(initial={"on": today}, auto_id="progress_%s") if village and being_worked_on else None
        ),
        "submit_form": (
            SubmitForm(initial={"expected_status": status}, auto_id="submit_%s")
            if village and Status.SUBMITTED in moves
            else None
        ),
        "review_form": (
            ReviewForm(initial={"expected_status": status}, auto_id="review_%s")
            if refusals.why_not_review_item(user, item) is None
            else None
        ),
        "close_form": close_form,
        "close_checklist": closing.checklist(item) if close_form is not None else [],
        "ongoing_form": (
            NoteForm(auto_id="ongoing_%s") if office and status == Status.REVIEWED and long_term else None
        ),
        "return_form": (ReasonForm(auto_id="return_%s") if refusals.why_not_return_item(user, item) is None else None),
        "reopen_form": (
            DeadlineForm(auto_id="reopen_%s") if office and status in (Status.CLOSED, Status.ONGOING) else None
        ),
        # The director's direct extension, within the limits; the village and its township ask (``extensions``).
        "extend_form": (
            DeadlineForm(auto_id="extend_%s")
            if permissions.can_decide_extension(user, item) and not item.is_done
            else None
        ),
        "responsibility_form": (
            ResponsibilityForm(initial=_people(item), auto_id="people_%s")
            if not item.is_done and permissions.can_set_item_responsibility(user, item)
            else None
        ),
        "can_flag": office and not item.needs_return_visit and status != Status.CLOSED,
        "awaits_visit": item.needs_return_visit and item.verified_at is None,
        "refused": _refused_actions(user, item) if village or township or office else [],
    }


def _people(item: LedgerItem) -> dict[str, str]:
    return {
        "first_name": item.first_responsible_name,
        "first_post": item.first_responsible_post,
        "overseer_name": item.overseer_name,
        "overseer_post": item.overseer_post,
    }


@login_required
def item_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    user = request.user
    problem_visible = (
        item.problem_id is not None and Problem.objects.visible_to(user).filter(pk=item.problem_id).exists()
    )
    context = {
        "item": item,
        "light": item.light(),
        "problem_visible": problem_visible,
        # A village or a group reads the item but not its township's page: the township is then named, not linked.
        "township_visible": AdminUnit.objects.visible_to(user).filter(pk=item.township_id).exists(),
        "case_timeline": case_timeline(user, item=item),
        "timeline": Event.objects.for_object(item).select_related("actor").order_by("seq"),
        **_action_forms(request, item),
        **party_context(request, item),
        **extension_context(request, item),
        "outcome_panel": item_panel(user, item),
        "confirmations": confirmation_panel(user, item),
    }
    return render(request, "rectification/ledger/detail.html", context)


def _back(request: AuthenticatedHttpRequest, item: LedgerItem) -> HttpResponse:
    if request.POST.get("back") == BACK_TO_REVIEW:
        return redirect("rectification:item-review")
    return redirect(item)


def _step(
    request: AuthenticatedHttpRequest,
    pk: int,
    form_class: type[forms.Form] | None,
    run: Callable[[LedgerItem, dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """Validate the form, run the action on the visible item, and go back to where the form was."""
    item = _visible_item(request, pk)
    form = form_class(request.POST, request.FILES) if form_class is not None else None
    if form is not None and not form.is_valid():
        refuse_form(request, form)
    else:
        data = form.cleaned_data if form is not None else {}
        run_action(request, lambda: run(item, data), success)
    return _back(request, item)


@login_required
def progress_file(request: AuthenticatedHttpRequest, pk: int, progress_pk: int, evidence_pk: int) -> FileResponse:
    """Serve a file of a progress note to those who may see the item."""
    progress = get_object_or_404(_visible_item(request, pk).progress, pk=progress_pk)
    return evidence_response(get_object_or_404(progress.evidence, pk=evidence_pk))


@login_required
@require_POST
def plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        PlanForm,
        lambda item, data: actions.plan_item(
            item,
            measures=data["measures"],
            goal=data["goal"],
            responsible_leader=data["responsible_leader"],
            actor=request.user,
        ),
        _("The rectification plan was saved."),
    )


@login_required
@require_POST
def responsibility(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ResponsibilityForm,
        lambda item, data: actions.set_item_responsibility(item, actor=request.user, **data),
        _("The responsible people of the item were saved."),
    )


@login_required
@require_POST
def progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ProgressForm,
        lambda item, data: actions.report_progress(
            item, text=data["text"], on=data["on"], files=_files(data), actor=request.user
        ),
        _("The progress report was saved."),
    )


@login_required
@require_POST
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        SubmitForm,
        lambda item, data: actions.submit_item(
            item,
            text=data["text"],
            files=_files(data),
            expected_status=data["expected_status"],
            actor=request.user,
        ),
        _("The item was submitted to the township for review."),
    )


@login_required
@require_POST
def review_one(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The township approves or returns one submission, acting on the status its page showed."""
    item = _visible_item(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.review_item(
                item,
                approve=form.approves,
                reason=data["reason"],
                expected_status=data["expected_status"],
                actor=request.user,
            ),
            _("The submission was approved.") if form.approves else _("The submission was returned to the village."),
        )
    else:
        refuse_form(request, form)
    return _back(request, item)


@login_required
@require_POST
def return_reviewed(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ReasonForm,
        lambda item, data: actions.return_reviewed_item(item, reason=data["reason"], actor=request.user),
        _("The item was returned to the village."),
    )


@login_required
@require_POST
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        CloseForm,
        lambda item, data: actions.close_item(
            item,
            closed_on=data["closed_on"],
            note=data["note"],
            override_reason=data["override_reason"],
            actor=request.user,
        ),
        _("The item was closed."),
    )


@login_required
@require_POST
def ongoing(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        NoteForm,
        lambda item, data: actions.make_ongoing(item, note=data["note"], actor=request.user),
        _("The item is kept as a long-term item."),
    )


@login_required
@require_POST
def reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        DeadlineForm,
        lambda item, data: actions.reopen_item(
            item, reason=data["reason"], new_deadline=data["new_deadline"], actor=request.user
        ),
        _("The item was reopened."),
    )


@login_required
@require_POST
def extend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        DeadlineForm,
        lambda item, data: actions.extend_deadline(
            item, new_deadline=data["new_deadline"], reason=data["reason"], actor=request.user
        ),
        _("The deadline was extended."),
    )


@login_required
@require_POST
def flag(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        None,
        lambda item, data: actions.require_return_visit(item, actor=request.user),
        _("The item will close only after a verified return visit."),
    )


# The township's review --------------------------------------------------------------------------------------------


def _submitted(request: AuthenticatedHttpRequest) -> QuerySet[LedgerItem]:
    """The submitted items the user sees, with the text of their last submission and their evidence count."""
    last_submission = Progress.objects.filter(item=OuterRef("pk"), kind=Progress.Kind.SUBMISSION).order_by("-pk")
    return (
        with_light(LedgerItem.objects.visible_to(request.user).filter(status=Status.SUBMITTED))
        .select_related("village", "township", "round__term__county")
        .annotate(
            submission_text=Subquery(last_submission.values("text")[:1]),
            submitted_on=Subquery(last_submission.values("on")[:1]),
            evidence_count=Count("progress__evidence"),
        )
        .order_by("township__code", "village__code", "number")
    )


@login_required
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The villages' submissions waiting for the township (统筹把关); the office sees its whole county's."""
    page = page_of(request, _submitted(request), REVIEW_PER_PAGE)
    reviewable = {item.pk for item in page if permissions.can_review(request.user, item)}
    context = {
        "page_obj": page,
        "reviewable": reviewable,
        "back": BACK_TO_REVIEW,
        "today": timezone.localdate(),
    }
    return render(request, "rectification/ledger/review.html", context)


@login_required
@require_POST
def review_batch(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Approve each ticked item on its own: a refusal (someone acted first, no right) stops only that item."""
    form = BatchReviewForm(request.POST)
    if not form.is_valid():
        refuse_form(request, form)
        return redirect("rectification:item-review")
    ids: list[int] = form.cleaned_data["ids"]
    found = LedgerItem.objects.visible_to(request.user).filter(pk__in=ids)
    items = {item.pk: item for item in found.select_related("round__term__county", "village", "township")}
    approved: list[str] = []
    for pk in ids:
        item = items.get(pk)
        if item is None:
            messages.error(request, _("Item #%(id)s was not found.") % {"id": pk})
            continue
        try:
            actions.review_item(item, approve=True, actor=request.user, expected_status=Status.SUBMITTED)
        except ActionRefused as exc:
            messages.error(request, _("%(item)s was not approved: %(reason)s") % {"item": item, "reason": exc.message})
        else:
            approved.append(item.number)
    if approved:
        messages.success(
            request,
            ngettext("%(count)s item approved: %(items)s", "%(count)s items approved: %(items)s", len(approved))
            % {"count": len(approved), "items": "、".join(approved)},
        )
    return redirect("rectification:item-review")


# Panels of the township and village pages -------------------------------------------------------------------------


def township_panel(request: AuthenticatedHttpRequest, township: AdminUnit) -> dict[str, Any]:
    """A township's villages' items: a matrix village × status with counts, the traffic lights, the red items.
    Four aggregate or bounded queries, whatever the number of items."""
    today = timezone.localdate()
    items = LedgerItem.objects.visible_to(request.user).filter(township=township)
    by_status = {f"n_{status}": Count("pk", filter=Q(status=status)) for status in Status.values}
    rows = cast(
        "Iterable[dict[str, Any]]",
        items.order_by()
        .values("village__code", "village__name", "village__short_name")
        .annotate(total=Count("pk"), red=Count("pk", filter=light_q(Light.RED, today)), **by_status)
        .order_by("village__code"),
    )
    lights = items.order_by().aggregate(**{light: Count("pk", filter=light_q(light, today)) for light in Light.values})
    matrix = [
        {
            "name": row["village__short_name"] or row["village__name"],
            "url": _ledger_url(township=township.code, village=row["village__code"]),
            "cells": [
                (
                    row[f"n_{status}"],
                    _ledger_url(township=township.code, village=row["village__code"], status=status),
                )
                for status in Status.values
            ],
            "red": row["red"],
            "red_url": _ledger_url(township=township.code, village=row["village__code"], light=Light.RED),
            "total": row["total"],
        }
        for row in rows
    ]
    red_items = with_light(items.filter(light_q(Light.RED, today))).select_related("village").order_by("deadline")
    return {
        "unit": township,
        "figures": ledger_figures(items, today),
        "statuses": Status.choices,
        "matrix": matrix,
        "lights": [
            (light, label, lights[light], _ledger_url(township=township.code, light=light))
            for light, label in Light.choices
        ],
        "red_items": red_items[:PANEL_RED_ROWS],
        "red_more": max(lights[Light.RED] - PANEL_RED_ROWS, 0),
        "red_url": _ledger_url(township=township.code, light=Light.RED),
        "ledger_url": _ledger_url(township=township.code),
        "review_url": reverse("rectification:item-review"),
    }


def village_panel(request: AuthenticatedHttpRequest, village: AdminUnit) -> dict[str, Any]:
    """A village's items with their lights, and the lists fed back to it."""
    items = (
        with_light(LedgerItem.objects.visible_to(request.user).filter(village=village))
        .select_related("round")
        # What is still to be done comes first, the nearest deadline at the top.
        .order_by(Case(When(status__in=DONE_STATUSES, then=1), default=0), "deadline", "number")
    )
    fed_back = ProblemList.objects.filter(Q(feedbacks__village=village) | Q(common_feedbacks__village=village))
    lists = (
        ProblemList.objects.visible_to(request.user)
        .filter(pk__in=fed_back.values("pk"))
        .select_related("round__term", "village")
        .order_by("-round__start_date", "kind")
    )
    shown = list(items[: PANEL_VILLAGE_ROWS + 1])
    return {
        "unit": village,
        "items": shown[:PANEL_VILLAGE_ROWS],
        "more": len(shown) > PANEL_VILLAGE_ROWS,
        "lists": lists,
        "ledger_url": _ledger_url(village=village.code),
    }
