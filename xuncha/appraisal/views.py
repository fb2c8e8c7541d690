"""Pages of the democratic appraisal: the group opens one from its assignment, reads its tallies with charts, enters
paper forms, closes it and exports the tallies; residents answer on their phones through the QR code's address.
Every office page starts from ``Appraisal.objects.visible_to``; every change is an action."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xuncha.appraisal import actions, permissions
from xuncha.appraisal.charts import appraisal_charts
from xuncha.appraisal.devices import device_key
from xuncha.appraisal.exports import export_tallies
from xuncha.appraisal.forms import OpenAppraisalForm, PaperForm, QuestionnaireForm
from xuncha.appraisal.models import Appraisal, AppraisalForm, AppraisalItem, Rating
from xuncha.appraisal.queries import tallies
from xuncha.core.exceptions import ActionRefused
from xuncha.core.http import AuthenticatedHttpRequest, refusal, run_action
from xuncha.inspections.models import Assignment
from xuncha.public.devices import device_token, new_device_token, remember_device
from xuncha.public.models import SubmissionQuota
from xuncha.public.qr import qr_svg
from xuncha.public.ratelimit import Allowance

# Forms a connection may send per hour. A village meeting answers together on one Wi-Fi or one carrier's address,
# so the allowance is larger than a survey's; it shares the survey's count (an appraisal is a survey of the kind).
APPRAISAL_FORMS_PER_HOUR = 80


def _visible(request: AuthenticatedHttpRequest, pk: int) -> Appraisal:
    return get_object_or_404(
        Appraisal.objects.visible_to(request.user).select_related(
            "assignment__round__term", "assignment__group", "assignment__target", "village__parent"
        ),
        pk=pk,
    )


def _items(appraisal: Appraisal) -> list[AppraisalItem]:
    return list(appraisal.items.order_by("position"))


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_new(request: AuthenticatedHttpRequest, assignment_pk: int) -> HttpResponse:
    """Open an appraisal of one of the assignment's villages (members of the group)."""
    assignment = get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("round__term", "group", "target"), pk=assignment_pk
    )
    if not permissions.can_open_appraisal(request.user, assignment):
        return redirect(assignment)
    villages = assignment.villages.order_by("code")
    form = OpenAppraisalForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appraisal = actions.open_appraisal(
                assignment, data["village"], title=data["title"], cadres=data["cadres"], actor=request.user
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The appraisal is open: print or show its QR code to the respondents."))
            return redirect(appraisal)
    elif request.method == "GET" and len(villages) == 1:
        village = villages[0]
        form.initial = {"village": village, "title": _("Democratic appraisal of %(village)s") % {"village": village}}
    return render(request, "appraisal/new.html", {"assignment": assignment, "form": form})


def _public_url(request: HttpRequest, appraisal: Appraisal) -> str:
    return request.build_absolute_uri(reverse("appraisal:public", args=[appraisal.public_key]))


@login_required
@require_GET
def appraisal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The appraisal's tallies with charts and tables, its QR code while open, and the paper entry form."""
    appraisal = _visible(request, pk)
    return _detail_page(request, appraisal)


def _detail_page(
    request: AuthenticatedHttpRequest, appraisal: Appraisal, paper_form: PaperForm | None = None, status: int = 200
) -> HttpResponse:
    figures = tallies(appraisal)
    can_enter = appraisal.is_open and permissions.can_enter_paper_forms(request.user, appraisal)
    if paper_form is None and can_enter:
        paper_form = PaperForm(items=[row.item for row in figures.items])
    public_url = _public_url(request, appraisal) if appraisal.is_open else ""
    context = {
        "appraisal": appraisal,
        "assignment": appraisal.assignment,
        "tallies": figures,
        "charts": appraisal_charts(figures),
        "ratings": Rating.choices,
        "public_url": public_url,
        "qr": qr_svg(public_url) if public_url else "",
        "paper_form": paper_form if can_enter else None,
        "can_close": appraisal.is_open and permissions.can_close_appraisal(request.user, appraisal),
    }
    return render(request, "appraisal/detail.html", context, status=status)


@login_required
@require_POST
def appraisal_paper(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _visible(request, pk)
    form = PaperForm(request.POST, items=_items(appraisal))
    if not form.is_valid():
        return _detail_page(request, appraisal, form, status=400)
    data = form.cleaned_data
    try:
        actions.enter_paper_forms(
            appraisal,
            respondent_kind=data["respondent_kind"],
            ratings=form.ratings(),
            count=data["count"],
            actor=request.user,
        )
    except ActionRefused as exc:
        refusal(request, exc)
        return redirect(appraisal)
    messages.success(request, _("%(count)d paper forms were entered.") % {"count": data["count"]})
    return redirect(appraisal)


@login_required
@require_POST
def appraisal_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appraisal = _visible(request, pk)
    run_action(
        request,
        lambda: actions.close_appraisal(appraisal, actor=request.user),
        _("The appraisal was closed; it takes no more forms."),
    )
    return redirect(appraisal)


@login_required
@require_GET
def appraisal_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The tallies as an .xlsx, recorded in the access log."""
    appraisal = _visible(request, pk)
    return export_tallies(request, appraisal, tallies(appraisal))


# The residents' questionnaire -------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def appraisal_public(request: HttpRequest, public_key: UUID) -> HttpResponse:
    """The questionnaire on a phone: who answers, then one grade per item. Each phone answers once (its cookie's
    token, see ``public.devices``); forms are limited per connection per hour, and refused ones do not count.
    Nothing of the tallies is shown here."""
    appraisal = get_object_or_404(Appraisal.objects.select_related("village__parent"), public_key=public_key)
    token = device_token(request)
    items = _items(appraisal)
    if request.method != "POST":
        return _public_page(request, appraisal, token, QuestionnaireForm(items=items))
    allowance = Allowance(request, SubmissionQuota.Scope.SURVEY, APPRAISAL_FORMS_PER_HOUR)
    status = 200
    with transaction.atomic():
        allowance.hold()
        if allowance.exhausted():
            return render(request, "public/too_many.html", {"scope": SubmissionQuota.Scope.SURVEY.value}, status=429)
        form = QuestionnaireForm(request.POST, items=items)
        if form.is_valid():
            token = token or new_device_token()
            try:
                actions.submit_phone_form(
                    appraisal,
                    respondent_kind=form.cleaned_data["respondent_kind"],
                    ratings=form.ratings(),
                    device_key=device_key(appraisal, token),
                )
            except ActionRefused as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                allowance.spend()
                response = redirect("appraisal:public", public_key=appraisal.public_key)
                remember_device(response, token)
                return response
        else:
            status = 400
    return _public_page(request, appraisal, token, form, status=status)


def _public_page(
    request: HttpRequest, appraisal: Appraisal, token: str | None, form: QuestionnaireForm, *, status: int = 200
) -> HttpResponse:
    answered = (
        token is not None
        and AppraisalForm.objects.filter(appraisal=appraisal, device_key=device_key(appraisal, token)).exists()
    )
    context = {"appraisal": appraisal, "village": appraisal.village, "form": form, "answered": answered}
    response = render(request, "appraisal/public_form.html", context, status=status)
    if device_token(request) is None:
        # The first visit gives the phone its token, so that the form it may send is known as its own.
        remember_device(response, token or new_device_token())
    return response
