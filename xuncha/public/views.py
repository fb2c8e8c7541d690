"""Residents' pages, without login: an assignment's public notice with its QR code, the petition form and its
receipt, the lookup of a receipt code, a village's published rectification results (双公开) and its satisfaction
survey. Nothing here reveals more than the notice and the office publish, and the status of one's own petition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from xuncha.core.exceptions import ActionRefused
from xuncha.findings.actions import submit_public_petition
from xuncha.findings.models import Category, Petition
from xuncha.findings.permissions import petition_refusal
from xuncha.inspections.models import Assignment, ContactChannel
from xuncha.organisations.models import AdminUnit
from xuncha.public import ratelimit
from xuncha.public.actions import answer_survey
from xuncha.public.confirm_views import open_items, receipt_draft_key
from xuncha.public.devices import device_key, device_token, new_device_token, remember_device
from xuncha.public.forms import PetitionForm, ReceiptConfirmationForm, ReceiptLookupForm, SurveyAnswerForm
from xuncha.public.models import Disclosure, SubmissionQuota, Survey, SurveyAnswer
from xuncha.public.qr import qr_svg
from xuncha.public.queries import RECEIPT_EXPLANATIONS, petition_open_items, receipt_stage
from xuncha.public.ratelimit import LOOKUPS_PER_HOUR, Allowance

# The receipt code waits in the session between the form's POST and the receipt page, which shows it once.
RECEIPT_SESSION_KEY = "public_receipt_code"
# Channels in the order of their kinds: phone, mailbox, e-mail, online form, address.
CHANNEL_ORDER = {kind.value: position for position, kind in enumerate(ContactChannel.Kind)}


def _assignment(public_key: UUID) -> Assignment:
    return get_object_or_404(Assignment.objects.select_related("round__term", "group"), public_key=public_key)


def _villages(assignment: Assignment) -> QuerySet[AdminUnit]:
    return assignment.villages.select_related("parent").order_by("code")


def _channels(assignment: Assignment) -> tuple[list[ContactChannel], bool]:
    """The group's channels valid today, or, when none is, all of them to be shown with their dates."""
    channels = sorted(assignment.channels.all(), key=lambda c: (CHANNEL_ORDER[c.kind], c.valid_from, c.pk))
    today = timezone.localdate()
    current = [channel for channel in channels if channel.valid_from <= today <= channel.valid_until]
    return (current, False) if current else (channels, True)


def _too_many(request: HttpRequest, scope: SubmissionQuota.Scope) -> HttpResponse:
    # The resident's text comes back so that it is not lost: they can copy it and send it later.
    text = request.POST.get("text", "") if scope == SubmissionQuota.Scope.PETITION else ""
    return render(request, "public/too_many.html", {"scope": scope.value, "text": text}, status=429)


@require_GET
def notice(request: HttpRequest, public_key: UUID) -> HttpResponse:
    """The notice a group posts in the villages (巡察公告): who is stationed where and when, how to reach them,
    what they take, and a QR code that opens the petition form."""
    assignment = _assignment(public_key)
    channels, show_validity = _channels(assignment)
    form_url = request.build_absolute_uri(reverse("public:petition-form", args=[assignment.public_key]))
    context = {
        "assignment": assignment,
        "villages": _villages(assignment),
        # Outside their dates the channels are still worth printing, with the dates they are valid.
        "channels": channels,
        "show_validity": show_validity,
        "categories": [label for _value, label in Category.choices],
        "form_url": form_url,
        "qr": qr_svg(form_url),
    }
    return render(request, "public/notice.html", context)


@require_http_methods(["GET", "POST"])
def petition_form(request: HttpRequest, public_key: UUID) -> HttpResponse:
    """The petition form. Sending it is limited per client per hour; a refused message comes back with what
    was typed (all but the photo) and the reason."""
    assignment = _assignment(public_key)
    villages = _villages(assignment)
    if request.method != "POST":
        form = PetitionForm(villages=villages)
        return _render_form(request, assignment, form)
    allowance = Allowance(request, SubmissionQuota.Scope.PETITION, settings.XUNCHA_PETITIONS_PER_HOUR)
    with transaction.atomic():
        allowance.hold()
        if allowance.exhausted():
            return _too_many(request, SubmissionQuota.Scope.PETITION)
        form = PetitionForm(request.POST, request.FILES, villages=villages)
        if form.is_valid():
            try:
                petition = _submit(assignment, form)
            except ActionRefused as exc:
                form.add_error(None, exc.message)
            else:
                allowance.spend()
                request.session[RECEIPT_SESSION_KEY] = petition.receipt_code
                return redirect("public:petition-sent", public_key=assignment.public_key)
    return _render_form(request, assignment, form)


def _submit(assignment: Assignment, form: PetitionForm) -> Petition:
    data = form.cleaned_data
    photo = data.get("photo")
    return submit_public_petition(
        assignment,
        category=data["category"],
        text=data["text"],
        village=form.chosen_village(),
        name=data["name"],
        phone=data["phone"],
        photo=(photo, photo.name or "", photo.size or 0) if photo else None,
    )


def _render_form(request: HttpRequest, assignment: Assignment, form: PetitionForm) -> HttpResponse:
    # The same answer as ``submit_public_petition`` gives when the message is sent.
    closed_reason = petition_refusal(assignment)
    channels, show_validity = _channels(assignment) if closed_reason else ([], False)
    context = {
        "assignment": assignment,
        "form": form,
        "is_open": closed_reason is None,
        "closed_reason": closed_reason,
        "channels": [channel for channel in channels if channel.kind != ContactChannel.Kind.QR],
        "show_validity": show_validity,
        # A browser never fills a file input again: say so when the form comes back after a photo was chosen.
        "photo_dropped": bool(request.FILES),
    }
    return render(request, "public/petition_form.html", context)


@never_cache
@require_GET
def petition_sent(request: HttpRequest, public_key: UUID) -> HttpResponse:
    """The receipt: the code, once. Reloading the page shows that it was already shown, never the code again."""
    assignment = _assignment(public_key)
    code = request.session.pop(RECEIPT_SESSION_KEY, None)
    if code and not request.session.keys():
        # A resident's session held only the code: delete it, so that the code does not linger in the table.
        request.session.flush()
    return render(request, "public/petition_sent.html", {"assignment": assignment, "code": code})


@require_http_methods(["GET", "POST"])
def receipt_lookup(request: HttpRequest) -> HttpResponse:
    """The stage of a petition by its receipt code (``receipt_stage``) and the date received, nothing else. Every
    lookup counts against the client's hourly allowance, so that codes cannot be tried at random."""
    if request.method != "POST":
        return render(request, "public/receipt_lookup.html", {"form": ReceiptLookupForm()})
    with transaction.atomic():
        if not Allowance(request, SubmissionQuota.Scope.LOOKUP, LOOKUPS_PER_HOUR).take():
            return _too_many(request, SubmissionQuota.Scope.LOOKUP)
    form = ReceiptLookupForm(request.POST)
    context: dict[str, object] = {"form": form, "searched": False}
    if form.is_valid():
        found = (
            Petition.objects.filter(receipt_code=form.cleaned_data["code"])
            .only("status", "disposition", "problem_id", "received_at")
            .first()
        )
        stage = receipt_stage(found) if found else None
        if found is not None and petition_open_items(found):
            context["confirm_form"] = ReceiptConfirmationForm(initial={"code": form.cleaned_data["code"]})
            context["draft_key"] = receipt_draft_key(form.cleaned_data["code"])
        context.update(
            searched=True,
            status=stage.label if stage else None,
            stage=stage.value if stage else None,
            explanation=RECEIPT_EXPLANATIONS[stage] if stage else None,
            received_on=timezone.localdate(found.received_at) if found else None,
        )
    return render(request, "public/receipt_lookup.html", context)


# A village's published results and its satisfaction survey ----------------------------------------------------------


@dataclass(frozen=True)
class PublicResult:
    """What residents read of one published item, and nothing else of it: no names, leaders, notes or evidence."""

    summary: str
    result: str
    category: str
    closed_on: date | None
    ongoing: bool


def _public_results(village: AdminUnit) -> list[PublicResult]:
    """The village's published results, newest closure first; long-term items, not closed, come first."""
    rows = (
        Disclosure.objects.public()
        .filter(item__village=village)
        .order_by(F("item__closed_on").desc(nulls_first=True), "item__number")
        .values_list("summary", "result", "item__category", "item__closed_on", "item__status")
    )
    labels = dict(Category.choices)
    return [
        PublicResult(summary, result, str(labels.get(category, "")), closed_on, status == "ONGOING")
        for summary, result, category, closed_on, status in rows
    ]


@require_GET
def village_disclosure(request: HttpRequest, code: str) -> HttpResponse:
    """A village's rectification results that the office published (整改结果公开), with a QR code of this page to
    print and post in the village, and the way to its survey while one takes answers."""
    village = get_object_or_404(AdminUnit.objects.villages().select_related("parent"), code=code)
    today = timezone.localdate()
    survey = (
        Survey.objects.filter(village=village, closed_at__isnull=True, opens_on__lte=today, closes_on__gte=today)
        .only("public_key", "title", "closes_on")
        .first()
    )
    page_url = request.build_absolute_uri(reverse("public:disclosure", args=[village.code]))
    context = {
        "village": village,
        "results": _public_results(village),
        "open_items": open_items(village),
        "survey": survey,
        "page_url": page_url,
        "qr": qr_svg(page_url),
    }
    return render(request, "public/disclosure.html", context)


def _survey(public_key: UUID) -> Survey:
    return get_object_or_404(Survey.objects.select_related("village__parent"), public_key=public_key)


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, public_key: UUID) -> HttpResponse:
    """A satisfaction survey on a phone: the village's published results in brief, three big answers and an
    optional comment. Each phone answers once (its cookie's token, see ``devices``); answers are limited per
    connection per hour, and refused answers do not count."""
    survey = _survey(public_key)
    token = device_token(request)
    if request.method != "POST":
        return _survey_page(request, survey, token, SurveyAnswerForm())
    allowance = Allowance(request, SubmissionQuota.Scope.SURVEY, ratelimit.SURVEY_ANSWERS_PER_HOUR)
    status = 200
    with transaction.atomic():
        allowance.hold()
        if allowance.exhausted():
            return _too_many(request, SubmissionQuota.Scope.SURVEY)
        form = SurveyAnswerForm(request.POST)
        if form.is_valid():
            token = token or new_device_token()
            data = form.cleaned_data
            try:
                answer_survey(
                    survey, rating=data["rating"], comment=data["comment"], device_key=device_key(survey, token)
                )
            except ActionRefused as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                allowance.spend()
                response = redirect("public:survey", public_key=survey.public_key)
                remember_device(response, token)
                return response
    return _survey_page(request, survey, token, form, status=status)


def _survey_page(
    request: HttpRequest, survey: Survey, token: str | None, form: SurveyAnswerForm, *, status: int = 200
) -> HttpResponse:
    answered = (
        token is not None and SurveyAnswer.objects.filter(survey=survey, device_key=device_key(survey, token)).exists()
    )
    today = timezone.localdate()
    context = {
        "survey": survey,
        "village": survey.village,
        "results": _public_results(survey.village),
        "form": form,
        "answered": answered,
        "ended": survey.has_ended(today),
        "begun": survey.has_begun(today),
    }
    response = render(request, "public/survey.html", context, status=status)
    if device_token(request) is None:
        # The first visit gives the phone its token, so that the answer it may send is known as its own.
        remember_device(response, token or new_device_token())
    return response
