"""Pages of the group's records: entry from the assignment's page, each record's page (a talk's opening logged),
its files, and the problems and clues made from it. Every record is found through ``visible_to``; every change
is an action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.audit.models import Event
from xuncha.core.exceptions import ActionRefused
from xuncha.core.http import AuthenticatedHttpRequest, client_ip, refusal, refuse_form, run_action
from xuncha.core.uploads import UploadRefused
from xuncha.evidence.views import evidence_response
from xuncha.fieldwork import actions, permissions
from xuncha.fieldwork.forms import (
    DocumentReviewForm,
    FieldVisitForm,
    HearingForm,
    RecordProblemForm,
    ScanForm,
    TalkClueForm,
    TalkForm,
)
from xuncha.fieldwork.models import DocumentReview, FieldVisit, Hearing, TalkRecord
from xuncha.fieldwork.section import hearing_units, members_of
from xuncha.findings.models import Clue, Problem
from xuncha.findings.workbench import default_day, villages_of
from xuncha.inspections.models import Assignment

KINDS: dict[str, type[TalkRecord | DocumentReview | FieldVisit | Hearing]] = {
    "talk": TalkRecord,
    "review": DocumentReview,
    "visit": FieldVisit,
    "hearing": Hearing,
}
RELATED = ("assignment__round__term__county", "assignment__group", "assignment__target", "recorded_by")


def _section_url(assignment: Assignment) -> str:
    return f"{assignment.get_absolute_url()}#fieldwork"


def _visible_assignment(request: AuthenticatedHttpRequest, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("round__term__county", "group", "target"), pk=pk
    )


def _visible(request: AuthenticatedHttpRequest, kind: str, pk: int) -> Any:
    """A record outside the user's reach answers 404, as if it did not exist."""
    if kind not in KINDS:
        raise Http404
    model = KINDS[kind]
    related = (*RELATED, "unit" if model is Hearing else "village")
    return get_object_or_404(model.objects.visible_to(request.user).select_related(*related), pk=pk)


def _upload(file: Any) -> tuple[Any, str, int]:
    return (file, file.name or "", file.size or 0)


def _entered(request: AuthenticatedHttpRequest, assignment: Assignment, form: Any, run: Any, done: str) -> HttpResponse:
    if form.is_valid():
        try:
            record = run(form.cleaned_data)
        except (ActionRefused, UploadRefused) as exc:
            refusal(request, ActionRefused(str(getattr(exc, "message", exc))))
        else:
            messages.success(request, done)
            return redirect(record)
    else:
        refuse_form(request, form)
    return redirect(_section_url(assignment))


# Entry from the assignment's page ---------------------------------------------------------------------------------


@login_required
@require_POST
def talk_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _visible_assignment(request, pk)
    form = TalkForm(request.POST, request.FILES)
    form.limit_villages(villages_of(assignment))
    form.limit_members(members_of(assignment))

    def run(data: dict[str, Any]) -> TalkRecord:
        return actions.record_talk(
            assignment,
            data["village"],
            talk_role=data["talk_role"],
            person_name=data["person_name"],
            person_post=data["person_post"],
            talked_on=data["talked_on"],
            place=data["place"],
            interviewers=data["interviewers"],
            transcript=data["transcript"],
            scans=[_upload(data["scan"])] if data.get("scan") else [],
            actor=request.user,
        )

    return _entered(request, assignment, form, run, _("The talk was recorded."))


@login_required
@require_POST
def review_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _visible_assignment(request, pk)
    form = DocumentReviewForm(request.POST)
    form.limit_villages(villages_of(assignment))

    def run(data: dict[str, Any]) -> DocumentReview:
        return actions.record_document_review(
            assignment, data["village"], items=data["items"], requested_on=data["requested_on"], actor=request.user
        )

    return _entered(request, assignment, form, run, _("The documents requested were recorded."))


@login_required
@require_POST
def visit_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _visible_assignment(request, pk)
    form = FieldVisitForm(request.POST, request.FILES)
    form.limit_villages(villages_of(assignment))

    def run(data: dict[str, Any]) -> FieldVisit:
        return actions.record_field_visit(
            assignment,
            data["village"],
            visited_on=data["visited_on"],
            place=data["place"],
            households=data["households"],
            notes=data["notes"],
            photos=[_upload(data["photo"])] if data.get("photo") else [],
            actor=request.user,
        )

    return _entered(request, assignment, form, run, _("The visit was recorded."))


@login_required
@require_POST
def hearing_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _visible_assignment(request, pk)
    form = HearingForm(request.POST, request.FILES)
    form.fields["unit"].queryset = hearing_units(assignment)  # type: ignore[attr-defined]

    def run(data: dict[str, Any]) -> Hearing:
        return actions.record_hearing(
            assignment,
            data["unit"],
            kind=data["kind"],
            held_on=data["held_on"],
            attendees=data["attendees"],
            minutes=data["minutes"],
            report=_upload(data["report"]) if data.get("report") else None,
            actor=request.user,
        )

    return _entered(request, assignment, form, run, _("The meeting was recorded."))


# A record's page --------------------------------------------------------------------------------------------------


def _problem_form(request: AuthenticatedHttpRequest, record: Any, text: str) -> RecordProblemForm | None:
    if not permissions.can_draft_problem_from_record(request.user, record):
        return None
    return RecordProblemForm(initial={"phenomenon": text, "found_on": default_day(record.assignment)})


def _made_from(request: AuthenticatedHttpRequest, record: Any) -> dict[str, Any]:
    """The problems made from the record, and its clues only for those who may read them."""
    made: dict[str, Any] = {
        "problems": Problem.objects.visible_to(request.user).filter(pk__in=record.problems.values("pk"))
    }
    if isinstance(record, TalkRecord):
        made["clues"] = Clue.objects.visible_to(request.user).filter(pk__in=record.clues.values("pk"))
    return made


def _timeline(record: Model) -> Any:
    return Event.objects.filter(object_type=record._meta.label_lower, object_id=str(record.pk)).order_by("seq")


def _page(request: AuthenticatedHttpRequest, kind: str, record: Any, **extra: Any) -> HttpResponse:
    context = {"record": record, "kind": kind, "timeline": _timeline(record), **extra}
    if kind != "hearing":
        context.update(_made_from(request, record))
        context.setdefault("problem_form", _problem_form(request, record, extra.pop("prefill", "")))
    response = render(request, f"fieldwork/{kind}_detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def talk_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    talk = actions.read_talk(_visible(request, "talk", pk), actor=request.user, ip_address=client_ip(request))
    user = request.user
    return _page(
        request,
        "talk",
        talk,
        prefill=talk.transcript,
        interviewers=list(talk.interviewers.order_by("pk")),
        scans=list(talk.scans.order_by("uploaded_at")),
        scan_form=ScanForm() if permissions.can_update_record(user, talk) else None,
        can_sign=talk.status == TalkRecord.Status.DRAFT and permissions.can_update_record(user, talk),
        clue_form=TalkClueForm() if permissions.can_register_clue_from_talk(user, talk) else None,
    )


@login_required
def review_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _visible(request, "review", pk)
    items = list(review.items.all())
    prefill = "\n".join(f"{item.name}（{item.period}）" if item.period else item.name for item in items)
    can_return = review.status == DocumentReview.Status.REQUESTED and permissions.can_update_record(
        request.user, review
    )
    return _page(request, "review", review, items=items, prefill=prefill, can_return=can_return)


@login_required
def visit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = _visible(request, "visit", pk)
    return _page(request, "visit", visit, prefill=visit.notes, photos=list(visit.photos.order_by("uploaded_at")))


@login_required
def hearing_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hearing = _visible(request, "hearing", pk)
    return _page(request, "hearing", hearing, files=list(hearing.report.order_by("uploaded_at")))


@login_required
def record_file(request: AuthenticatedHttpRequest, kind: str, pk: int, evidence_pk: int) -> FileResponse:
    """Serve a record's file to those who may see the record."""
    record = _visible(request, kind, pk)
    files = {"talk": "scans", "visit": "photos", "hearing": "report"}
    if kind not in files:
        raise Http404
    return evidence_response(get_object_or_404(getattr(record, files[kind]), pk=evidence_pk))


# Changes ----------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def talk_scan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    talk = _visible(request, "talk", pk)
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.attach_talk_scan(talk, _upload(form.cleaned_data["scan"]), actor=request.user)
        except (ActionRefused, UploadRefused) as exc:
            refusal(request, ActionRefused(str(getattr(exc, "message", exc))))
        else:
            messages.success(request, _("The scan was attached."))
    else:
        refuse_form(request, form)
    return redirect(talk)


@login_required
@require_POST
def talk_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    talk = _visible(request, "talk", pk)
    run_action(request, lambda: actions.sign_talk(talk, actor=request.user), _("The talk is signed."))
    return redirect(talk)


@login_required
@require_POST
def review_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _visible(request, "review", pk)
    chosen = review.items.filter(pk__in=request.POST.getlist("item")) if request.POST.getlist("item") else None
    run_action(
        request,
        lambda: actions.return_documents(review, items=chosen, actor=request.user),
        _("The documents were marked returned."),
    )
    return redirect(review)


@login_required
@require_POST
def record_problem(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    """A member writes a draft working paper from a record; a refused form comes back as typed."""
    if kind == "hearing":
        raise Http404
    record = _visible(request, kind, pk)
    form = RecordProblemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            problem = actions.draft_problem_from_record(
                record,
                category=data["category"],
                phenomenon=data["phenomenon"],
                fix_type=data["fix_type"],
                found_on=data["found_on"],
                actor=request.user,
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("A draft working paper was written from this record."))
            return redirect(problem)
    refusal(request, ActionRefused(_("The working paper was not saved: see the form below.")))
    if kind == "talk":
        actions.read_talk(record, actor=request.user, ip_address=client_ip(request))
    return _page(request, kind, record, problem_form=form)


@login_required
@require_POST
def talk_clue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    talk = _visible(request, "talk", pk)
    form = TalkClueForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.register_clue_from_talk(
                talk, subject=data["subject"], summary=data["summary"], receiver=data["receiver"], actor=request.user
            ),
            _("A sealed clue was registered from this talk."),
        )
    else:
        refuse_form(request, form)
    return redirect(talk)
