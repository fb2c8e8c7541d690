"""Pages of on-site work: the group's workbench on an assignment, and the pages of problems, suggestions,
petitions, clues and evidence. Every object is looked up through ``visible_to``; every change is an action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.audit.models import Event
from xuncha.core.exceptions import ActionRefused
from xuncha.core.http import AuthenticatedHttpRequest, client_ip, refusal, refuse_form, run_action
from xuncha.core.uploads import UploadRefused
from xuncha.evidence.views import evidence_response
from xuncha.findings import actions, permissions, queries
from xuncha.findings.filters import ClueFilter
from xuncha.findings.forms import (
    ClueForm,
    DecisionForm,
    DisposalForm,
    DispositionForm,
    EvidenceForm,
    FeedbackForm,
    NoticeCompletionForm,
    NoticeForm,
    PetitionForm,
    PetitionProblemForm,
    ProblemEditForm,
    ProblemForm,
    ReasonForm,
    SuggestionForm,
    TransferForm,
)
from xuncha.findings.models import Clue, ImmediateFixNotice, Petition, Problem, Suggestion
from xuncha.findings.workbench import default_day, villages_of
from xuncha.inspections.models import Assignment
from xuncha.inspections.pages import assignment_page
from xuncha.outcomes.views import clue_panel
from xuncha.rectification.timeline import case_timeline


def _workbench_url(assignment: Assignment, tab: str) -> str:
    return f"{assignment.get_absolute_url()}?tab={tab}"


def _visible_assignment(request: AuthenticatedHttpRequest, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("round__term__county", "group", "target"), pk=pk
    )


def _uploads(files: list[Any]) -> list[tuple[Any, str, int]]:
    return [(upload, upload.name or "", upload.size or 0) for upload in files]


@login_required
@require_POST
def problem_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Save a new working paper with its photos. A refused form or action comes back as the workbench with the
    form as typed and the reason at the field (a browser never refills a file input: the page says so)."""
    assignment = _visible_assignment(request, pk)
    form = ProblemForm(request.POST, request.FILES)
    form.limit_villages(villages_of(assignment))
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_problem(
                assignment,
                data["village"],
                category=data["category"],
                phenomenon=data["phenomenon"],
                basis=data["basis"],
                responsibility=data["responsibility"],
                source=data["source"],
                fix_type=data["fix_type"],
                found_on=data["found_on"],
                photos=_uploads(data["photos"]),
                actor=request.user,
            )
        except ActionRefused as exc:
            form.add_error("photos" if isinstance(exc, UploadRefused) else None, exc.message)
        else:
            messages.success(request, _("The working paper was saved as a draft."))
            return redirect(_workbench_url(assignment, "problems"))
    refusal(request, ActionRefused(_("The working paper was not saved: see the form below.")))
    # htmx swaps only successful answers by default; a plain form post gets the page with a 400.
    return assignment_page(
        request,
        assignment,
        problem_form=form,
        photos_dropped=bool(request.FILES),
        status=200 if request.htmx else 400,
    )


@login_required
@require_POST
def suggestion_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _visible_assignment(request, pk)
    form = SuggestionForm(request.POST)
    form.limit_villages(villages_of(assignment))
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.record_suggestion(
                assignment,
                data["village"],
                topic=data["topic"],
                text=data["text"],
                proposer=data["proposer"],
                received_on=data["received_on"],
                actor=request.user,
            ),
            _("The suggestion was recorded."),
        )
    else:
        refuse_form(request, form)
    return redirect(_workbench_url(assignment, "suggestions"))


@login_required
@require_POST
def petition_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _visible_assignment(request, pk)
    form = PetitionForm(request.POST)
    form.limit_villages(villages_of(assignment))
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.record_petition(
                assignment,
                channel=data["channel"],
                category=data["category"],
                text=data["text"],
                village=data["village"],
                name=data["name"],
                phone=data["phone"],
                actor=request.user,
            ),
            _("The petition was recorded."),
        )
    else:
        refuse_form(request, form)
    return redirect(_workbench_url(assignment, "petitions"))


@login_required
@require_POST
def clue_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _visible_assignment(request, pk)
    form = ClueForm(request.POST)
    form.fields["problem"].queryset = Problem.objects.filter(assignment=assignment)  # type: ignore[attr-defined]
    form.fields["petition"].queryset = Petition.objects.filter(assignment=assignment)  # type: ignore[attr-defined]
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.register_clue(
                assignment,
                source=data["source"],
                subject=data["subject"],
                summary=data["summary"],
                receiver=data["receiver"],
                problem=data["problem"],
                petition=data["petition"],
                feedback_wording=data["feedback_wording"],
                actor=request.user,
            ),
            _("The clue was registered and sealed."),
        )
    else:
        refuse_form(request, form)
    return redirect(_workbench_url(assignment, "clues"))


# Problems ---------------------------------------------------------------------------------------------------------


def _visible_problem(request: AuthenticatedHttpRequest, pk: int) -> Problem:
    return get_object_or_404(
        Problem.objects.visible_to(request.user).select_related(
            "assignment__round__term__county", "assignment__group", "village__parent", "finder", "confirmed_by"
        ),
        pk=pk,
    )


def _timeline(obj: Any) -> QuerySet[Event]:
    return Event.objects.for_object(obj).select_related("actor").order_by("seq")


def _edit_form(user: Any, problem: Problem) -> ProblemEditForm | None:
    if not permissions.can_edit_problem(user, problem):
        return None
    form = ProblemEditForm(
        initial={name: getattr(problem, name) for name in actions.EDITABLE_PROBLEM_FIELDS}
        | {"version": problem.version}
    )
    return _without_photos_unless_allowed(user, problem, form)


def _without_photos_unless_allowed(user: Any, problem: Problem, form: ProblemEditForm) -> ProblemEditForm:
    # The office rewords a confirmed paper before feedback, but only the group adds evidence to it.
    if not permissions.can_upload_evidence(user, problem):
        del form.fields["photos"]
    return form


def _problem_page(
    request: AuthenticatedHttpRequest,
    problem: Problem,
    *,
    edit_form: ProblemEditForm | None = None,
    photos_dropped: bool = False,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    notice = ImmediateFixNotice.objects.filter(problem=problem).first()
    stationed_until = problem.assignment.stationed_until
    context = {
        "problem": problem,
        # A county department an item was handed to reads its fed-back problem, not the group's workbench.
        "assignment_visible": Assignment.objects.visible_to(user).filter(pk=problem.assignment_id).exists(),
        "notice": notice,
        "evidence": problem.evidence.order_by("uploaded_at"),
        "suggestions": Suggestion.objects.visible_to(user).filter(problem=problem),
        "petitions": Petition.objects.visible_to(user).filter(problem=problem),
        "edit_form": edit_form or _edit_form(user, problem),
        "edit_open": edit_form is not None,
        "photos_dropped": photos_dropped,
        "can_confirm": problem.status == Problem.Status.DRAFT and permissions.can_confirm_problem(user, problem),
        "can_discard": problem.status == Problem.Status.DRAFT and permissions.can_discard_problem(user, problem),
        "can_upload": permissions.can_upload_evidence(user, problem),
        "notice_form": (
            NoticeForm(initial={"issued_on": timezone.localdate(), "deadline": stationed_until})
            if notice is None and problem.fix_type == "IMMEDIATE" and permissions.can_issue_notice(user, problem)
            else None
        ),
        "completion_form": (
            NoticeCompletionForm(initial={"completed_on": timezone.localdate()})
            if notice is not None
            and notice.status == ImmediateFixNotice.Status.ISSUED
            and permissions.can_complete_notice(user, notice)
            else None
        ),
        "evidence_form": EvidenceForm() if permissions.can_upload_evidence(user, problem) else None,
        "with_clues": queries.problems_with_clues(user, [problem]),
        "case_timeline": case_timeline(user, problem=problem),
    }
    return render(request, "findings/problem_detail.html", context, status=status)


@login_required
def problem_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _problem_page(request, _visible_problem(request, pk))


@login_required
@require_POST
def problem_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Save an edit of a working paper with the photos sent along; a refused edit comes back as typed."""
    problem = _visible_problem(request, pk)
    form = _without_photos_unless_allowed(request.user, problem, ProblemEditForm(request.POST, request.FILES))
    if form.is_valid():
        data = form.cleaned_data
        changes = {name: data[name] for name in actions.EDITABLE_PROBLEM_FIELDS}
        try:
            actions.update_problem(
                problem,
                changes,
                expected_version=data["version"],
                actor=request.user,
                note=data["note"],
                photos=_uploads(data.get("photos", [])),
            )
        except ActionRefused as exc:
            form.add_error(
                "photos" if isinstance(exc, UploadRefused) and "photos" in form.fields else None, exc.message
            )
        else:
            messages.success(request, _("The working paper was saved."))
            return redirect(problem)
    refusal(request, ActionRefused(_("The working paper was not saved: see the form below.")))
    return _problem_page(request, problem, edit_form=form, photos_dropped=bool(request.FILES), status=400)


@login_required
@require_POST
def problem_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    problem = _visible_problem(request, pk)
    run_action(
        request, lambda: actions.confirm_problem(problem, actor=request.user), _("The working paper is confirmed.")
    )
    return redirect(problem)


@login_required
@require_POST
def problem_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    problem = _visible_problem(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: actions.discard_problem(problem, actor=request.user, reason=form.cleaned_data["reason"]),
            _("The draft was discarded."),
        )
    else:
        refuse_form(request, form)
    return redirect(problem)


@login_required
@require_POST
def notice_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    problem = _visible_problem(request, pk)
    form = NoticeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.issue_notice(
                problem,
                requirement=data["requirement"],
                deadline=data["deadline"],
                issued_on=data["issued_on"],
                actor=request.user,
            ),
            _("The immediate-fix notice was issued."),
        )
    else:
        refuse_form(request, form)
    return redirect(problem)


@login_required
@require_POST
def notice_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    problem = _visible_problem(request, pk)
    notice = get_object_or_404(ImmediateFixNotice, problem=problem)
    form = NoticeCompletionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.complete_notice(
                notice, completed_on=data["completed_on"], note=data["note"], actor=request.user
            ),
            _("The fix was recorded."),
        )
    else:
        refuse_form(request, form)
    return redirect(problem)


@login_required
@require_POST
def evidence_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    problem = _visible_problem(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        run_action(
            request,
            lambda: actions.attach_evidence(
                problem, upload, upload.name, upload.size, caption=form.cleaned_data["caption"], actor=request.user
            ),
            _("The file was added."),
        )
    else:
        refuse_form(request, form)
    return redirect(problem)


@login_required
def problem_file(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """Serve a problem's evidence file to those who may see the problem (never as a public static file)."""
    problem = get_object_or_404(Problem.objects.visible_to(request.user), pk=pk)
    return evidence_response(get_object_or_404(problem.evidence, pk=evidence_pk))


# Suggestions ------------------------------------------------------------------------------------------------------


def _visible_suggestion(request: AuthenticatedHttpRequest, pk: int) -> Suggestion:
    return get_object_or_404(
        Suggestion.objects.visible_to(request.user).select_related(
            "assignment__round", "assignment__group", "village", "problem", "recorded_by", "decided_by"
        ),
        pk=pk,
    )


@login_required
def suggestion_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    suggestion = _visible_suggestion(request, pk)
    form = None
    if not suggestion.outcome and permissions.can_decide_suggestion(request.user, suggestion):
        form = DecisionForm()
        form.fields["problem"].queryset = Problem.objects.filter(  # type: ignore[attr-defined]
            assignment=suggestion.assignment, village=suggestion.village
        ).exclude(status=Problem.Status.DISCARDED)
    context = {"suggestion": suggestion, "decision_form": form, "timeline": _timeline(suggestion)}
    return render(request, "findings/suggestion_detail.html", context)


@login_required
@require_POST
def suggestion_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    suggestion = _visible_suggestion(request, pk)
    form = DecisionForm(request.POST)
    form.fields["problem"].queryset = Problem.objects.filter(assignment=suggestion.assignment)  # type: ignore[attr-defined]
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.decide_suggestion(
                suggestion, data["outcome"], note=data["note"], problem=data["problem"], actor=request.user
            ),
            _("The suggestion was decided."),
        )
    else:
        refuse_form(request, form)
    return redirect(suggestion)


# Petitions --------------------------------------------------------------------------------------------------------


def _visible_petition(request: AuthenticatedHttpRequest, pk: int) -> Petition:
    return get_object_or_404(
        Petition.objects.visible_to(request.user).select_related(
            "assignment__round__term__county", "assignment__group", "assignment__target", "village", "problem"
        ),
        pk=pk,
    )


def _petition_problem_form(user: Any, petition: Petition) -> PetitionProblemForm | None:
    if petition.status != Petition.Status.RECEIVED or not permissions.can_draft_problem_from_petition(user, petition):
        return None
    form = PetitionProblemForm(
        initial={
            "village": petition.village_id,
            "category": petition.category,
            "phenomenon": petition.text,
            "found_on": default_day(petition.assignment),
        }
    )
    form.limit_villages(villages_of(petition.assignment))
    return form


def _petition_context(request: AuthenticatedHttpRequest, petition: Petition, **extra: Any) -> dict[str, Any]:
    user = request.user
    extra.setdefault("problem_form", _petition_problem_form(user, petition))
    form = None
    if petition.status == Petition.Status.RECEIVED and permissions.can_dispose_petition(user, petition):
        form = DispositionForm()
        form.fields["problem"].queryset = Problem.objects.filter(assignment=petition.assignment)  # type: ignore[attr-defined]
        form.fields["duplicate_of"].queryset = Petition.objects.filter(  # type: ignore[attr-defined]
            assignment=petition.assignment
        ).exclude(pk=petition.pk)
    return {
        "petition": petition,
        "disposition_form": form,
        "can_reveal": not petition.is_anonymous and permissions.can_reveal_reporter(user, petition),
        "evidence": petition.evidence.order_by("uploaded_at"),
        "timeline": _timeline(petition),
        **extra,
    }


@login_required
def petition_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    petition = _visible_petition(request, pk)
    return render(request, "findings/petition_detail.html", _petition_context(request, petition))


@login_required
@require_POST
def petition_reveal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show the reporter's name and phone once, in this response only; the reveal is logged."""
    petition = _visible_petition(request, pk)
    try:
        name, phone = actions.reveal_reporter(petition, actor=request.user, ip_address=client_ip(request))
    except ActionRefused as exc:
        refusal(request, exc)
        return redirect(petition)
    context = _petition_context(request, petition, revealed={"name": name, "phone": phone})
    response = render(request, "findings/petition_detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def petition_dispose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    petition = _visible_petition(request, pk)
    form = DispositionForm(request.POST)
    form.fields["problem"].queryset = Problem.objects.filter(assignment=petition.assignment)  # type: ignore[attr-defined]
    form.fields["duplicate_of"].queryset = Petition.objects.filter(assignment=petition.assignment)  # type: ignore[attr-defined]
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.dispose_petition(
                petition,
                data["disposition"],
                note=data["note"],
                problem=data["problem"],
                duplicate_of=data["duplicate_of"],
                actor=request.user,
            ),
            _("The petition was settled."),
        )
    else:
        refuse_form(request, form)
    return redirect(petition)


@login_required
@require_POST
def petition_to_problem(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member writes a draft working paper from a petition, which is settled as recorded as that paper; the
    leader confirms the paper later. A refused form comes back as typed."""
    petition = _visible_petition(request, pk)
    form = PetitionProblemForm(request.POST)
    form.limit_villages(villages_of(petition.assignment))
    if form.is_valid():
        data = form.cleaned_data
        try:
            problem = actions.draft_problem_from_petition(
                petition,
                village=data["village"],
                category=data["category"],
                phenomenon=data["phenomenon"],
                fix_type=data["fix_type"],
                found_on=data["found_on"],
                actor=request.user,
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The petition was written up as a draft working paper for the leader."))
            return redirect(problem)
    refusal(request, ActionRefused(_("The working paper was not saved: see the form below.")))
    context = _petition_context(request, petition, problem_form=form)
    return render(request, "findings/petition_detail.html", context, status=400)


@login_required
def petition_file(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """Serve a petition's photo to those who may see the petition."""
    petition = get_object_or_404(Petition.objects.visible_to(request.user), pk=pk)
    return evidence_response(get_object_or_404(petition.evidence, pk=evidence_pk))


# Clues ------------------------------------------------------------------------------------------------------------


def _visible_clue(request: AuthenticatedHttpRequest, pk: int) -> Clue:
    """A clue outside the user's reach answers 404, as if it did not exist."""
    return get_object_or_404(
        Clue.objects.visible_to(request.user).select_related(
            "assignment", "round__term__county", "group", "village", "problem", "petition", "registered_by"
        ),
        pk=pk,
    )


@login_required
def clue_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    clue = actions.read_clue(_visible_clue(request, pk), actor=request.user, ip_address=client_ip(request))
    user = request.user
    status = Clue.Status
    context = {
        "clue": clue,
        "transfer_form": (
            TransferForm() if clue.status == status.REGISTERED and permissions.can_transfer_clue(user, clue) else None
        ),
        "can_receive": clue.status == status.TRANSFERRED and permissions.receives(user, clue),
        "disposal_form": (
            DisposalForm() if clue.status == status.RECEIVED and permissions.receives(user, clue) else None
        ),
        "feedback_form": (
            FeedbackForm() if clue.status == status.DISPOSED and permissions.receives(user, clue) else None
        ),
        "timeline": _timeline(clue),
        "outcome_panel": clue_panel(user, clue),
    }
    response = render(request, "findings/clue_detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _clue_step(
    request: AuthenticatedHttpRequest, pk: int, form_class: Any, run: Callable[[Clue, dict[str, Any]], object]
) -> HttpResponse:
    clue = _visible_clue(request, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        refuse_form(request, form)
    else:
        data = form.cleaned_data if form is not None else {}
        run_action(request, lambda: run(clue, data), _("The clue was updated."))
    return redirect(clue)


@login_required
@require_POST
def clue_transfer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _clue_step(
        request,
        pk,
        TransferForm,
        lambda clue, data: actions.transfer_clue(clue, transfer_number=data["transfer_number"], actor=request.user),
    )


@login_required
@require_POST
def clue_receive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _clue_step(request, pk, None, lambda clue, data: actions.receive_clue(clue, actor=request.user))


@login_required
@require_POST
def clue_dispose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _clue_step(
        request,
        pk,
        DisposalForm,
        lambda clue, data: actions.dispose_clue(clue, data["disposal"], actor=request.user),
    )


@login_required
@require_POST
def clue_feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _clue_step(
        request,
        pk,
        FeedbackForm,
        lambda clue, data: actions.give_clue_feedback(clue, data["feedback"], actor=request.user),
    )


@login_required
def clue_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The sealed clues the user may see (office director, group leaders, receiving bodies); others see an empty
    list, so that nothing tells them whether clues exist."""
    clues = (
        Clue.objects.visible_to(request.user)
        .select_related("round__term", "group", "village")
        .order_by("-registered_at")
    )
    clues = ClueFilter(request.GET, queryset=clues, request=request).qs
    return render(request, "findings/clue_list.html", {"clues": clues})
