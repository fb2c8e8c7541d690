"""Residents say whether an item being rectified is fixed (群众认可), on their phones and without an account.

Two ways in: the village's disclosure page (its printed QR code) lists the village's items being rectified, each
with a page that takes an answer; and the petitioner's receipt lookup offers the same answer on the items of their
petition. An item's own texts (the problem as fed back, the measures, the village's reports) name people, so the
residents' pages show an open item only by its number on the fed-back list, its category and its deadline: the
village posts that list on its notice board, and the office's own words come with the published result once the
item is done.

The answer form is plain HTML that posts without JavaScript; ``static/xuncha/confirm.js`` keeps what was typed when
the phone has no network and sends it when the network is back. One answer per phone per item (the device cookie,
``devices``; answering again replaces the phone's answer), and an hourly allowance per connection (``ratelimit``);
refused answers do not count. The receipt code's form spends the lookup allowance too, as the lookup page does.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.core.exceptions import ActionRefused
from xuncha.findings.models import Petition
from xuncha.organisations.models import AdminUnit
from xuncha.public import ratelimit
from xuncha.public.actions import confirm_item
from xuncha.public.devices import device_token, item_device_key, new_device_token, remember_device
from xuncha.public.forms import ConfirmationForm, ReceiptConfirmationForm, normalise_receipt_code
from xuncha.public.models import ResidentConfirmation, SubmissionQuota
from xuncha.public.queries import petition_open_items
from xuncha.public.ratelimit import Allowance
from xuncha.rectification.models import LedgerItem

Channel = ResidentConfirmation.Channel
DRAFT_KEY_SALT = "xuncha.public.confirm.draft"


def open_items(village: AdminUnit) -> list[LedgerItem]:
    """The village's items not yet closed, by their number on the list: what residents may confirm."""
    return list(
        LedgerItem.objects.filter(village=village)
        .exclude(status=LedgerItem.Status.CLOSED)
        .only("pk", "number", "category", "deadline", "village_id")
        .order_by("number", "pk")
    )


def _answered(items: list[LedgerItem], token: str | None) -> bool:
    if token is None or not items:
        return False
    keys = [item_device_key(item, token) for item in items]
    return ResidentConfirmation.objects.filter(item__in=items, device_key__in=keys).count() == len(items)


def _photo(form: ConfirmationForm) -> tuple[Any, str] | None:
    photo = form.cleaned_data.get("photo")
    return (photo, photo.name or "") if photo else None


def _confirm(
    request: HttpRequest, items: list[LedgerItem], form: ConfirmationForm, channel: str
) -> tuple[str | None, int, str | None]:
    """Record the answer on each item under the client's allowance: ``(token, status, refusal)``; ``status`` 429 when
    the allowance is spent. A refusal rolls every item back."""
    allowance = Allowance(request, SubmissionQuota.Scope.CONFIRM, ratelimit.CONFIRMATIONS_PER_HOUR)
    token = device_token(request) or new_device_token()
    try:
        with transaction.atomic():
            allowance.hold()
            if allowance.exhausted():
                return token, 429, None
            data = form.cleaned_data
            for item in items:
                confirm_item(
                    item,
                    answer=data["answer"],
                    comment=data["comment"],
                    device_key=item_device_key(item, token),
                    channel=channel,
                    photo=_photo(form),
                )
            allowance.spend()
    except ActionRefused as exc:
        return token, exc.status_code, exc.message
    return token, 200, None


def _too_many(request: HttpRequest, scope: SubmissionQuota.Scope = SubmissionQuota.Scope.CONFIRM) -> HttpResponse:
    return render(request, "public/too_many.html", {"scope": scope.value, "text": ""}, status=429)


def receipt_draft_key(code: str) -> str:
    """The key of the offline draft of an answer given with ``code`` (``confirm.js``): one per receipt code, so that
    an answer kept for one code is never sent with another; a keyed hash, so that the phone's storage does not keep
    the code itself."""
    return "receipt-" + salted_hmac(DRAFT_KEY_SALT, code, algorithm="sha256").hexdigest()[:24]


@never_cache
@require_http_methods(["GET", "POST"])
def item_confirm(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One open item of the village, reached from its disclosure page: 已解决 / 未解决, words and a photo."""
    village = get_object_or_404(AdminUnit.objects.villages().select_related("parent"), code=code)
    item = get_object_or_404(
        LedgerItem.objects.filter(village=village).only("pk", "number", "category", "deadline", "status", "village_id"),
        pk=pk,
    )
    token = device_token(request)
    form = ConfirmationForm()
    status = 200
    if request.method == "POST":
        form = ConfirmationForm(request.POST, request.FILES)
        if form.is_valid():
            token, status, refusal = _confirm(request, [item], form, Channel.DISCLOSURE)
            if status == 429:
                return _too_many(request)
            if refusal is None:
                done = redirect("public:item-confirm", code=village.code, pk=item.pk)
                remember_device(done, token or new_device_token())
                return done
            form.add_error(None, refusal)
        else:
            status = 400
    context = {
        "village": village,
        "item": item,
        "form": form,
        "closed": item.status == LedgerItem.Status.CLOSED,
        "answered": _answered([item], token),
        "posted": request.method == "POST",
        "draft_key": f"item-{item.pk}",
    }
    response = render(request, "public/item_confirm.html", context, status=status)
    if device_token(request) is None:
        remember_device(response, token or new_device_token())
    return response


@never_cache
@require_POST
def receipt_confirm(request: HttpRequest) -> HttpResponse:
    """The petitioner's answer on the items of their petition, found again by the receipt code the form carries."""
    # A code is looked up here as on the lookup page: every post spends that allowance first, so that the form
    # cannot be used to try codes at random (a code not found costs an attempt too).
    with transaction.atomic():
        if not Allowance(request, SubmissionQuota.Scope.LOOKUP, ratelimit.LOOKUPS_PER_HOUR).take():
            return _too_many(request, SubmissionQuota.Scope.LOOKUP)
    form = ReceiptConfirmationForm(request.POST, request.FILES)
    status, refusal, items = 400, None, []
    token = device_token(request)
    if form.is_valid():
        petition = (
            Petition.objects.filter(receipt_code=form.cleaned_data["code"])
            .only("status", "disposition", "problem_id")
            .first()
        )
        items = petition_open_items(petition) if petition is not None else []
        if not items:
            refusal, status = _("Nothing of this message is being rectified now, so there is nothing to confirm."), 409
        else:
            token, status, refusal = _confirm(request, items, form, Channel.RECEIPT)
            if status == 429:
                return _too_many(request)
    context = {
        "form": form,
        "refusal": refusal if status != 200 else None,
        "sent": status == 200,
        "draft_key": receipt_draft_key(normalise_receipt_code(request.POST.get("code", ""))),
    }
    response = render(request, "public/receipt_confirm.html", context, status=status)
    if token is not None and status == 200:
        remember_device(response, token)
    return response
