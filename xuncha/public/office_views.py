"""The office's page of a village's disclosure (双公开) and satisfaction surveys: the village's done items with the
words to publish for residents, the surveys with their answers, and the QR codes of the public pages. Reads start
from ``visible_to``; every change is an action; refusals come back as messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xuncha.core.http import AuthenticatedHttpRequest, refuse_form, run_action
from xuncha.evidence.views import evidence_response
from xuncha.organisations.models import AdminUnit
from xuncha.public import actions, permissions
from xuncha.public.forms import DISCLOSURE_TEXT_MAX_LENGTH, DisclosureForm, SurveyOpenForm
from xuncha.public.models import Disclosure, ResidentConfirmation, Survey, SurveyAnswer
from xuncha.public.qr import qr_svg
from xuncha.rectification.models import DONE_STATUSES, LedgerItem, Progress
from xuncha.rectification.queries import rate

Rating = SurveyAnswer.Rating
SURVEY_DAYS = 30
# The village's own account of the work is the best start for "what was done": its last report or submission.
REPORT_KINDS = [Progress.Kind.SUBMISSION, Progress.Kind.PROGRESS]


def _village(request: AuthenticatedHttpRequest, code: str) -> AdminUnit:
    """The village, if the user is the office over it; any other answers 404, as if there were no such page."""
    village = get_object_or_404(
        AdminUnit.objects.visible_to(request.user).villages().select_related("parent"), code=code
    )
    if not permissions.can_manage_disclosure(request.user, village):
        raise Http404
    return village


def _back(village: AdminUnit, anchor: str = "") -> HttpResponse:
    return redirect(reverse("disclosure:village", args=[village.code]) + (f"#{anchor}" if anchor else ""))


@dataclass(frozen=True)
class ItemRow:
    """A done item with its disclosure (if any), the words the publish form starts from (the published ones, or
    nothing: the office writes them for residents) and the ledger's own words beside them, for reference only, as
    they may name people."""

    item: LedgerItem
    disclosure: Disclosure | None
    summary: str
    result: str
    report: str

    @property
    def is_public(self) -> bool:
        return self.disclosure is not None and self.disclosure.is_shown


def _item_rows(request: AuthenticatedHttpRequest, village: AdminUnit) -> list[ItemRow]:
    last_report = Progress.objects.filter(item=OuterRef("pk"), kind__in=REPORT_KINDS).order_by("-on", "-pk")
    items = (
        LedgerItem.objects.visible_to(request.user)
        .filter(village=village)
        # Done items may be published; a published one that was reopened stays listed, to be withdrawn.
        .filter(Q(status__in=DONE_STATUSES) | Q(disclosure__isnull=False))
        .select_related("disclosure")
        .annotate(report=Subquery(last_report.values("text")[:1]))
        .order_by("number", "pk")
    )
    rows = []
    for item in items:
        disclosure: Disclosure | None = getattr(item, "disclosure", None)
        report: str = getattr(item, "report", None) or ""
        rows.append(
            ItemRow(
                item,
                disclosure,
                disclosure.summary if disclosure else "",
                disclosure.result if disclosure else "",
                report,
            )
        )
    return rows


@dataclass(frozen=True)
class SurveyRow:
    survey: Survey
    url: str
    answers: int
    satisfied: int
    fairly_satisfied: int
    dissatisfied: int
    comments: list[str]

    @property
    def satisfaction_rate(self) -> float:
        return rate(self.satisfied + self.fairly_satisfied, self.answers)


# The latest comments residents left, per survey; the office reads them beside the counts.
COMMENTS_SHOWN = 20


def _survey_rows(request: AuthenticatedHttpRequest, village: AdminUnit) -> list[SurveyRow]:
    surveys = (
        Survey.objects.visible_to(request.user)
        .filter(village=village)
        .annotate(
            answer_count=Count("answers"),
            satisfied=Count("answers", filter=Q(answers__rating=Rating.SATISFIED)),
            fairly_satisfied=Count("answers", filter=Q(answers__rating=Rating.FAIRLY_SATISFIED)),
            dissatisfied=Count("answers", filter=Q(answers__rating=Rating.DISSATISFIED)),
        )
        .order_by("-opens_on", "-pk")
    )
    comments = SurveyAnswer.objects.visible_to(request.user).exclude(comment="").order_by("-created_at", "-pk")
    surveys = surveys.prefetch_related(Prefetch("answers", comments[:COMMENTS_SHOWN], to_attr="comments"))
    return [
        SurveyRow(
            survey,
            request.build_absolute_uri(reverse("public:survey", args=[survey.public_key])),
            getattr(survey, "answer_count", 0),
            getattr(survey, "satisfied", 0),
            getattr(survey, "fairly_satisfied", 0),
            getattr(survey, "dissatisfied", 0),
            [answer.comment for answer in getattr(survey, "comments", [])],
        )
        for survey in surveys
    ]


@login_required
@require_GET
def village(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Publish and withdraw the village's results, run its surveys, and print the QR codes of the public pages."""
    unit = _village(request, code)
    today = timezone.localdate()
    surveys = _survey_rows(request, unit)
    running = next((row for row in surveys if not row.survey.is_closed and row.survey.closes_on >= today), None)
    public_url = request.build_absolute_uri(reverse("public:disclosure", args=[unit.code]))
    open_form = None
    if running is None:
        title = _("Satisfaction with the rectification of %(village)s") % {"village": unit}
        open_form = SurveyOpenForm(
            initial={"title": title, "opens_on": today, "closes_on": today + timedelta(days=SURVEY_DAYS)}
        )
    context: dict[str, Any] = {
        "village": unit,
        "rows": _item_rows(request, unit),
        "surveys": surveys,
        "running": running,
        "running_qr": qr_svg(running.url) if running else None,
        "open_form": open_form,
        "public_url": public_url,
        "public_qr": qr_svg(public_url),
        "today": today,
        "max_length": DISCLOSURE_TEXT_MAX_LENGTH,
    }
    return render(request, "public/office/village.html", context)


@login_required
@require_POST
def publish(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    unit = _village(request, code)
    item = get_object_or_404(LedgerItem.objects.visible_to(request.user).filter(village=unit), pk=pk)
    form = DisclosureForm(request.POST)
    if not form.is_valid():
        refuse_form(request, form)
    else:
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.publish_disclosure(
                item, summary=data["summary"], result=data["result"], actor=request.user
            ),
            _("The result of %(item)s is published.") % {"item": item},
        )
    return _back(unit, f"item-{item.pk}")


@login_required
@require_POST
def withdraw(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    unit = _village(request, code)
    disclosure = get_object_or_404(
        Disclosure.objects.visible_to(request.user).filter(item__village=unit).select_related("item__village"), pk=pk
    )
    run_action(
        request,
        lambda: actions.withdraw_disclosure(disclosure, actor=request.user),
        _("The result of %(item)s was taken off the public page.") % {"item": disclosure.item},
    )
    return _back(unit, f"item-{disclosure.item_id}")


@login_required
@require_POST
def survey_open(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    unit = _village(request, code)
    form = SurveyOpenForm(request.POST)
    if not form.is_valid():
        refuse_form(request, form)
    else:
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.open_survey(
                unit, title=data["title"], opens_on=data["opens_on"], closes_on=data["closes_on"], actor=request.user
            ),
            _("The survey is open."),
        )
    return _back(unit, "surveys")


@login_required
@require_POST
def survey_close(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    unit = _village(request, code)
    survey = get_object_or_404(
        Survey.objects.visible_to(request.user).filter(village=unit).select_related("village"), pk=pk
    )
    run_action(request, lambda: actions.close_survey(survey, actor=request.user), _("The survey is closed."))
    return _back(unit, "surveys")


@login_required
@require_GET
def confirmation_photo(request: AuthenticatedHttpRequest, code: str, pk: int) -> FileResponse:
    """The photo of a resident's answer, to whoever reads its words (``ResidentConfirmation.words_visible_to``: the
    petitioner's only to the county's side)."""
    confirmation = get_object_or_404(
        ResidentConfirmation.objects.words_visible_to(request.user).select_related("photo"),
        pk=pk,
        item__village__code=code,
        photo__isnull=False,
    )
    assert confirmation.photo is not None  # noqa: S101 - filtered above
    return evidence_response(confirmation.photo)
