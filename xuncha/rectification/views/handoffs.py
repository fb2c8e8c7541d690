"""Pages of hand-offs (移交, 交办): a department's landing page with the items handed to it and its to-do, the
parties of an item on the item's page (with the office's hand-off form and the department's receipt, reports and
'done'), and the POSTs that run the actions. Parties are looked up through ``visible_to``; every change is an
action."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.core.http import AuthenticatedHttpRequest, refuse_form, run_action
from xuncha.core.paging import page_of
from xuncha.rectification import actions, permissions
from xuncha.rectification.ledger_forms import HandOffForm, PartyDoneForm, ProgressForm
from xuncha.rectification.models import LedgerItem, ResponsibleParty

PartyStatus = ResponsibleParty.Status
PARTIES_PER_PAGE = 50
# What waits for the department first: receipts to sign, then items to report on, then what it has done.
STATUS_ORDER = Case(
    When(status=PartyStatus.HANDED, then=Value(0)),
    When(status=PartyStatus.SIGNED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@login_required
def handed_items(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The items handed off: a department's own (its landing page, with its to-do), or for the office and the
    other readers of the ledger those of the items they see."""
    user = request.user
    own = permissions.acts_for_departments(user)
    parties = ResponsibleParty.objects.of_departments(user) if own else ResponsibleParty.objects.visible_to(user)
    counts = parties.aggregate(
        to_sign=Count("pk", filter=Q(status=PartyStatus.HANDED)),
        to_report=Count("pk", filter=Q(status=PartyStatus.SIGNED) & ~Q(item__status=LedgerItem.Status.CLOSED)),
    )
    rows = parties.select_related("unit", "item__village", "item__township").order_by(STATUS_ORDER, "-handed_on", "pk")
    context = {"own": own, "todo": counts, "page_obj": page_of(request, rows, PARTIES_PER_PAGE)}
    return TemplateResponse(request, "rectification/handoffs/list.html", context)


def party_context(request: AuthenticatedHttpRequest, item: LedgerItem) -> dict[str, Any]:
    """The item page's parties, each with the forms its department may use now, and the office's hand-off form."""
    user, today = request.user, timezone.localdate()
    parties = list(item.parties.select_related("unit", "signed_by", "done_by").order_by("-part", "unit__code"))
    open_item = item.status != LedgerItem.Status.CLOSED
    for party in parties:
        acts = open_item and permissions.can_act_for_party(user, party)
        party.can_sign = acts and party.status == PartyStatus.HANDED  # type: ignore[attr-defined]
        working = acts and party.status == PartyStatus.SIGNED
        party.progress_form = (  # type: ignore[attr-defined]
            ProgressForm(initial={"on": today}, auto_id=f"party{party.pk}_progress_%s") if working else None
        )
        party.done_form = PartyDoneForm(auto_id=f"party{party.pk}_done_%s") if working else None  # type: ignore[attr-defined]
    hands_off = open_item and permissions.can_hand_off(user, item)
    form = HandOffForm(county=item.round.term.county, auto_id="handoff_%s") if hands_off else None
    return {
        "parties": parties,
        "hand_off_form": form if form is not None and form.fields["unit"].queryset.exists() else None,  # type: ignore[attr-defined]
        "department_reader": permissions.acts_for_departments(user) and not permissions.works_on_lists(user),
    }


def _files(data: dict[str, Any]) -> list[tuple[Any, str, int]]:
    uploads = [*data.get("photos", []), *data.get("evidence", [])]
    return [(upload, upload.name or "", upload.size or 0) for upload in uploads]


def _visible_party(request: AuthenticatedHttpRequest, pk: int) -> ResponsibleParty:
    return get_object_or_404(ResponsibleParty.objects.visible_to(request.user).select_related("unit", "item"), pk=pk)


@login_required
@require_POST
def hand_off(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(LedgerItem.objects.visible_to(request.user).select_related("round__term__county"), pk=pk)
    form = HandOffForm(request.POST, county=item.round.term.county)
    if not form.is_valid():
        refuse_form(request, form)
    else:
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.hand_off_item(
                item, unit=data["unit"], part=data["part"], request=data["request"], actor=request.user
            ),
            _("The item was handed to %(unit)s.") % {"unit": data["unit"]},
        )
    return redirect(item)


@login_required
@require_POST
def party_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    party = _visible_party(request, pk)
    run_action(request, lambda: actions.sign_party_receipt(party, actor=request.user), _("The receipt was signed."))
    return redirect(party.item)


@login_required
@require_POST
def party_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    party = _visible_party(request, pk)
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        refuse_form(request, form)
    else:
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.report_party_progress(
                party, text=data["text"], on=data["on"], files=_files(data), actor=request.user
            ),
            _("The progress report was saved."),
        )
    return redirect(party.item)


@login_required
@require_POST
def party_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    party = _visible_party(request, pk)
    form = PartyDoneForm(request.POST, request.FILES)
    if not form.is_valid():
        refuse_form(request, form)
    else:
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.complete_party(party, text=data["text"], files=_files(data), actor=request.user),
            _("The department's part was marked done."),
        )
    return redirect(party.item)
