"""Pages of the deliverables: the list (scoped, filtered by kind, light and status), a deliverable with its text,
its signature and its review, the signed scan and the .docx. Every object is found through ``visible_to``; every
change is one action."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.audit.actions import log_access
from xuncha.audit.models import AccessLog
from xuncha.core.http import AuthenticatedHttpRequest, client_ip, refuse_form, run_action
from xuncha.core.paging import page_of
from xuncha.deliverables import actions, document, permissions
from xuncha.deliverables.drafting import items_of
from xuncha.deliverables.forms import DecisionForm, ListFilterForm, SubmitForm, TextForm
from xuncha.deliverables.lights import light_q
from xuncha.deliverables.models import Deliverable
from xuncha.evidence.views import evidence_response

Status = Deliverable.Status
PER_PAGE = 50


def _deliverable(request: AuthenticatedHttpRequest, pk: int) -> Deliverable:
    return get_object_or_404(
        Deliverable.objects.visible_to(request.user).select_related(
            "round__term__county", "unit", "township", "feedback", "signed_scan", "signed_by"
        ),
        pk=pk,
    )


@login_required
def deliverable_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ListFilterForm(request.GET or None)
    rows = Deliverable.objects.visible_to(request.user).select_related("round__term", "unit", "township")
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["light"]:
            rows = rows.filter(light_q(data["light"], timezone.localdate()))
    page: Page[Deliverable] = page_of(request, rows.order_by("due_on", "unit__code", "kind"), PER_PAGE)
    return render(request, "deliverables/list.html", {"form": form, "page_obj": page})


@login_required
def deliverable_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    deliverable = _deliverable(request, pk)
    user = request.user
    writes = permissions.can_write(user, deliverable) and deliverable.status in (
        Status.DUE,
        Status.DRAFT,
        Status.RETURNED,
    )
    awaited = Status.SUBMITTED if deliverable.is_department else Status.REVIEWED
    context = {
        "deliverable": deliverable,
        "items": list(items_of(deliverable)),
        "text_form": TextForm(initial={"text": deliverable.text}) if writes and deliverable.text else None,
        "can_prefill": writes,
        "submit_form": SubmitForm() if writes and deliverable.text else None,
        "review_form": (
            DecisionForm()
            if deliverable.status == Status.SUBMITTED and permissions.can_review(user, deliverable)
            else None
        ),
        "accept_form": (
            DecisionForm() if deliverable.status == awaited and permissions.can_accept(user, deliverable) else None
        ),
    }
    return render(request, "deliverables/detail.html", context)


@login_required
@require_POST
def deliverable_draft(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Prefill the text from the ledger (no ``text`` posted) or save the edited text."""
    deliverable = _deliverable(request, pk)
    if "text" not in request.POST:
        run_action(
            request,
            lambda: actions.draft_deliverable(deliverable, actor=request.user),
            _("The text was drafted from the ledger; edit it, then sign and submit it."),
        )
        return redirect(deliverable)
    form = TextForm(request.POST)
    if form.is_valid():
        text = form.cleaned_data["text"]
        run_action(
            request,
            lambda: actions.draft_deliverable(deliverable, actor=request.user, text=text),
            _("The text was saved."),
        )
    else:
        refuse_form(request, form)
    return redirect(deliverable)


@login_required
@require_POST
def deliverable_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    deliverable = _deliverable(request, pk)
    form = SubmitForm(request.POST, request.FILES)
    if form.is_valid():
        scan = form.cleaned_data["scan"]
        run_action(
            request,
            lambda: actions.submit_deliverable(
                deliverable,
                actor=request.user,
                confirm=form.cleaned_data["confirm"],
                scan=scan,
                scan_name=scan.name if scan else "",
            ),
            _("Signed and submitted."),
        )
    else:
        refuse_form(request, form)
    return redirect(deliverable)


@login_required
@require_POST
def deliverable_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The township approves or returns."""
    deliverable = _deliverable(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve, reason = form.approves, form.cleaned_data["reason"]
        run_action(
            request,
            lambda: actions.review_deliverable(deliverable, approve=approve, reason=reason, actor=request.user),
            _("Approved: it goes on to the office.") if approve else _("Returned to the village."),
        )
    else:
        refuse_form(request, form)
    return redirect(deliverable)


@login_required
@require_POST
def deliverable_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office accepts or returns."""
    deliverable = _deliverable(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        accept, reason = form.approves, form.cleaned_data["reason"]
        run_action(
            request,
            lambda: actions.accept_deliverable(deliverable, accept=accept, reason=reason, actor=request.user),
            _("Accepted.") if accept else _("Returned."),
        )
    else:
        refuse_form(request, form)
    return redirect(deliverable)


@login_required
def deliverable_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    deliverable = _deliverable(request, pk)
    generated = document.render(deliverable)
    log_access(
        request.user, AccessLog.Action.DOCUMENT, deliverable, detail=generated.name, ip_address=client_ip(request)
    )
    return generated.response()


@login_required
def deliverable_scan(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    deliverable = _deliverable(request, pk)
    if deliverable.signed_scan is None:
        raise Http404
    return evidence_response(deliverable.signed_scan)
