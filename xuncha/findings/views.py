"""Pages of on-site work: the group's workbench on an assignment, and the pages of problems, suggestions,
petitions, clues and evidence. Every object is looked up through ``visible_to``; every change is an action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.audit.models import Event
from xuncha.core.exceptions import ActionRefused
from xuncha.core.http import AuthenticatedHttpRequest, client_ip, refusal, refuse_form, run_action
from xuncha.evidence.views import evidence_response
from xuncha.findings import actions, permissions, queries
from xuncha.findings.filters import ProblemFilter
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
    ProblemEditForm,
    ProblemForm,
    ReasonForm,
    SuggestionForm,
    TransferForm,
)
from xuncha.findings.models import Category, Clue, FixType, ImmediateFixNotice, Petition, Problem, Suggestion
from xuncha.inspections.models import Assignment
from xuncha.organisations.models import AdminUnit
from xuncha.rectification.timeline import case_timeline

TABS = ("problems", "suggestions", "petitions", "clues", "notices")
ROWS_PER_TAB = 200


def _villages(assignment: Assignment) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(assignments=assignment).select_related("parent").order_by("code")


def _default_day(assignment: Assignment) -> date:
    """Today, or the last day of stationing when the group has already left (papers written up afterwards)."""
    return min(timezone.localdate(), assignment.stationed_until)


def _workbench_url(assignment: Assignment, tab: str) -> str:
    return f"{assignment.get_absolute_url()}?tab={tab}"


# The workbench ----------------------------------------------------------------------------------------------------


def _filtered_problems(request: AuthenticatedHttpRequest, assignment: Assignment) -> QuerySet[Problem]:
    """The assignment's papers through the same filters as the API's problem list."""
    problems = (
        Problem.objects.visible_to(request.user)
        .filter(assignment=assignment)
        .select_related("village", "finder", "notice")
        .annotate(evidence_count=Count("evidence"))
        .order_by("serial_no")
    )
    return ProblemFilter(request.GET, queryset=problems, request=request).qs


def workbench_context(request: AuthenticatedHttpRequest, assignment: Assignment) -> dict[str, Any]:
    """What the group's workbench shows on an assignment's page, for the tab asked for."""
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "problems"
    user = request.user
    villages = _villages(assignment)
    can_record = permissions.can_record_findings(user, assignment)
    counts = {
        "problems": Problem.objects.visible_to(user).filter(assignment=assignment).count(),
        "suggestions": Suggestion.objects.visible_to(user).filter(assignment=assignment).count(),
        "petitions": Petition.objects.visible_to(user).filter(assignment=assignment).count(),
        "notices": ImmediateFixNotice.objects.visible_to(user).filter(problem__assignment=assignment).count(),
    }
    clues = Clue.objects.visible_to(user).filter(assignment=assignment)
    sees_clues = permissions.can_register_clue(user, assignment) or clues.exists()
    if sees_clues:
        counts["clues"] = clues.count()
    context: dict[str, Any] = {
        "tab": tab if (tab != "clues" or sees_clues) else "problems",
        "counts": counts,
        "sees_clues": sees_clues,
        "can_record": can_record,
        "leads": permissions.leads(user, assignment),
        "villages": villages,
    }
    if context["tab"] == "problems":
        context["problems"] = list(_filtered_problems(request, assignment)[:ROWS_PER_TAB])
        context["with_clues"] = queries.problems_with_clues(user, context["problems"])
        context["problem_filters"] = request.GET
        context["category_choices"] = Category.choices
        context["status_choices"] = Problem.Status.choices
        context["fix_type_choices"] = FixType.choices
        if can_record:
            problem_form = ProblemForm(initial={"found_on": _default_day(assignment)})
            problem_form.limit_villages(villages)
            context["problem_form"] = problem_form
    elif context["tab"] == "suggestions":
        context["suggestions"] = (
            Suggestion.objects.visible_to(user)
            .filter(assignment=assignment)
            .select_related("village", "problem")
            .order_by("-received_on", "-pk")[:ROWS_PER_TAB]
        )
        if can_record:
            suggestion_form = SuggestionForm(initial={"received_on": _default_day(assignment)})
            suggestion_form.limit_villages(villages)
            context["suggestion_form"] = suggestion_form
    elif context["tab"] == "petitions":
        context["petitions"] = (
            Petition.objects.visible_to(user)
            .filter(assignment=assignment)
            .select_related("village", "problem")
            .order_by("-received_at")[:ROWS_PER_TAB]
        )
        if can_record:
            petition_form = PetitionForm()
            petition_form.limit_villages(villages)
            context["petition_form"] = petition_form
    elif context["tab"] == "clues":
        context["clues"] = clues.select_related("village").order_by("-registered_at")
        if permissions.can_register_clue(user, assignment):
            clue_form = ClueForm()
            clue_form.fields["problem"].queryset = Problem.objects.filter(assignment=assignment)  # type: ignore[attr-defined]
            clue_form.fields["petition"].queryset = Petition.objects.filter(assignment=assignment)  # type: ignore[attr-defined]
            context["clue_form"] = clue_form
    else:
        context["notices"] = (
            ImmediateFixNotice.objects.visible_to(user)
            .filter(problem__assignment=assignment)
            .select_related("problem__village")
            .order_by("deadline")
        )
    return context


def _visible_assignment(request: AuthenticatedHttpRequest, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("round__term__county", "group", "target"), pk=pk
    )


@login_required
@require_POST
def problem_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _visible_assignment(request, pk)
    form = ProblemForm(request.POST)
    form.limit_villages(_villages(assignment))
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            lambda: actions.record_problem(
                assignment,
                data["village"],
                category=data["category"],
                phenomenon=data["phenomenon"],
                basis=data["basis"],
                responsibility=data["responsibility"],
                source=data["source"],
                fix_type=data["fix_type"],
                found_on=data["found_on"],
                actor=request.user,
            ),
            _("The working paper was saved as a draft."),
        )
    else:
        refuse_form(request, form)
    return redirect(_workbench_url(assignment, "problems"))


@login_required
@require_POST
def suggestion_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _visible_assignment(request, pk)
    form = SuggestionForm(request.POST)
    form.limit_villages(_villages(assignment))
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
    form.limit_villages(_villages(assignment))
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


@login_required
def problem_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    problem = _visible_problem(request, pk)
    user = request.user
    notice = ImmediateFixNotice.objects.filter(problem=problem).first()
    edit_form = None
    if permissions.can_edit_problem(user, problem):
        edit_form = ProblemEditForm(
            initial={name: getattr(problem, name) for name in actions.EDITABLE_PROBLEM_FIELDS}
            | {"version": problem.version}
        )
    stationed_until = problem.assignment.stationed_until
    context = {
        "problem": problem,
        "notice": notice,
        "evidence": problem.evidence.order_by("uploaded_at"),
        "suggestions": Suggestion.objects.visible_to(user).filter(problem=problem),
        "petitions": Petition.objects.visible_to(user).filter(problem=problem),
        "edit_form": edit_form,
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
    return render(request, "findings/problem_detail.html", context)


@login_required
@require_POST
def problem_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    problem = _visible_problem(request, pk)
    form = ProblemEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        changes = {name: data[name] for name in actions.EDITABLE_PROBLEM_FIELDS}
        run_action(
            request,
            lambda: actions.update_problem(
                problem, changes, expected_version=data["version"], actor=request.user, note=data["note"]
            ),
            _("The working paper was saved."),
        )
    else:
        refuse_form(request, form)
    return redirect(problem)


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


def _petition_context(request: AuthenticatedHttpRequest, petition: Petition, **extra: Any) -> dict[str, Any]:
    user = request.user
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
    return render(request, "findings/clue_list.html", {"clues": clues})
