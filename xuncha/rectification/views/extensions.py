"""Pages of extensions as requests (整改延期申请): the request form on the item's page for the village and its
township, the township's review and the office director's decision there too, and the list of requests waiting
for the reader. Requests are read through ``ExtensionRequest.visible_to``; every change is an action."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts.models import Role
from xuncha.accounts.scoping import roles_of
from xuncha.core.http import AuthenticatedHttpRequest, refuse_form, run_action
from xuncha.core.paging import page_of
from xuncha.rectification import actions, extensions, permissions
from xuncha.rectification.ledger_forms import ExtensionDecisionForm, ExtensionRequestForm, ExtensionReviewForm
from xuncha.rectification.models import ExtensionRequest, LedgerItem, Progress

REQUESTS_PER_PAGE = 50
Request = ExtensionRequest.Status


def extension_context(request: AuthenticatedHttpRequest, item: LedgerItem) -> dict[str, Any]:
    """The item page's extensions: how many and how long so far against the limits, the open request with the
    form of whoever acts on it next, and the request form for the village and its township. Three queries."""
    user = request.user
    if not ExtensionRequest.objects.visible_to(user).filter(item=item).exists() and not (
        permissions.can_request_extension(user, item) or permissions.can_decide_extension(user, item)
    ):
        return {"extensions": None}
    used = extensions.usage(item)
    open_request = (
        ExtensionRequest.objects.filter(item=item).open().select_related("requested_by", "reviewed_by").first()
    )
    review_form = decision_form = beyond = None
    if open_request is not None:
        if open_request.status == Request.ASKED and permissions.can_review_extension(user, open_request):
            review_form = ExtensionReviewForm(auto_id="extreview_%s")
        if open_request.status == Request.SUPPORTED and permissions.can_decide_extension(user, item):
            decision_form = ExtensionDecisionForm(auto_id="extdecide_%s")
        beyond = extensions.why_beyond_limits(item, open_request.new_deadline, used)
    asks = not item.is_done and open_request is None and permissions.can_request_extension(user, item)
    return {
        "extensions": {
            "used": used,
            "open": open_request,
            "beyond": beyond,
            "review_form": review_form,
            "decision_form": decision_form,
            "request_form": ExtensionRequestForm(auto_id="extask_%s") if asks else None,
        }
    }


@login_required
@require_POST
def ask(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The village or its township asks for more time on an item it sees."""
    item = get_object_or_404(
        LedgerItem.objects.visible_to(request.user).select_related("round__term__county", "village", "township"), pk=pk
    )
    form = ExtensionRequestForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.request_extension(
                item, new_deadline=data["new_deadline"], reason=data["reason"], actor=request.user
            ),
            _("The request for more time was sent."),
        )
    else:
        refuse_form(request, form)
    return redirect(item)


def _visible_request(request: AuthenticatedHttpRequest, pk: int) -> ExtensionRequest:
    return get_object_or_404(
        ExtensionRequest.objects.visible_to(request.user).select_related(
            "item__round__term__county", "item__village", "item__township"
        ),
        pk=pk,
    )


@login_required
@require_POST
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The township supports or returns its village's request."""
    extension = _visible_request(request, pk)
    form = ExtensionReviewForm(request.POST)
    if form.is_valid():
        supports = form.supports
        run_action(
            request,
            lambda: actions.review_extension(
                extension, support=supports, note=form.cleaned_data["note"], actor=request.user
            ),
            _("The request was supported and sent to the office director.")
            if supports
            else _("The request was returned to the village."),
        )
    else:
        refuse_form(request, form)
    return redirect(extension.item)


@login_required
@require_POST
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office director approves or refuses; beyond the limits, with the leading group's decision."""
    extension = _visible_request(request, pk)
    form = ExtensionDecisionForm(request.POST)
    if form.is_valid():
        data, approves = form.cleaned_data, form.approves
        run_action(
            request,
            lambda: actions.decide_extension(
                extension,
                approve=approves,
                note=data["note"],
                by_leading_group=data["by_leading_group"],
                meeting_on=data["meeting_on"],
                minutes=data["minutes"],
                actor=request.user,
            ),
            _("More time was granted.") if approves else _("More time was refused."),
        )
    else:
        refuse_form(request, form)
    return redirect(extension.item)


def waiting_for(user: Any, requests: QuerySet[ExtensionRequest]) -> QuerySet[ExtensionRequest]:
    """The open requests that wait for ``user``: the director's supported ones, a township's asked ones; everyone
    else reads them all."""
    roles = roles_of(user)
    if Role.OFFICE_LEAD in roles:
        return requests.filter(status=Request.SUPPORTED)
    if Role.TOWNSHIP in roles:
        return requests.filter(status=Request.ASKED)
    return requests


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The requests for more time waiting for the reader (the office director's list), with the number of
    extensions each item already had; ``?all=1`` lists every open request the reader sees."""
    extensions_so_far = (
        Progress.objects.filter(item=OuterRef("item"), kind=Progress.Kind.EXTENSION)
        .order_by()
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    requests = (
        ExtensionRequest.objects.visible_to(request.user)
        .open()
        .select_related("item__village", "item__township", "requested_by")
        .annotate(so_far=Coalesce(Subquery(extensions_so_far), 0))
        .order_by("requested_on", "pk")
    )
    everything = request.GET.get("all") == "1"
    shown = requests if everything else waiting_for(request.user, requests)
    context = {
        "page_obj": page_of(request, shown, REQUESTS_PER_PAGE),
        "everything": everything,
        "max_count": extensions.Usage(0, 0).max_count,
        "today": timezone.localdate(),
        "counts": requests.aggregate(
            asked=Count("pk", filter=Q(status=Request.ASKED)), supported=Count("pk", filter=Q(status=Request.SUPPORTED))
        ),
    }
    return render(request, "rectification/extensions/list.html", context)
