"""The group's workbench on an assignment's page: its tabs of problems, suggestions, petitions, clues and notices,
and the entry forms, or the reason there are none. The page itself is ``inspections.pages.assignment_page``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from xuncha.core.http import AuthenticatedHttpRequest
from xuncha.findings import permissions, queries
from xuncha.findings.filters import PetitionFilter, ProblemFilter
from xuncha.findings.forms import ClueForm, PetitionForm, ProblemForm, SuggestionForm
from xuncha.findings.models import Category, Clue, FixType, ImmediateFixNotice, Petition, Problem, Suggestion
from xuncha.inspections.models import Assignment
from xuncha.organisations.models import AdminUnit

TABS = ("problems", "suggestions", "petitions", "clues", "notices")
ROWS_PER_TAB = 200


def villages_of(assignment: Assignment) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(assignments=assignment).select_related("parent").order_by("code")


def default_day(assignment: Assignment) -> date:
    """Today, or the last day of stationing when the group has already left (papers written up afterwards)."""
    return min(timezone.localdate(), assignment.stationed_until)


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


def workbench_context(
    request: AuthenticatedHttpRequest, assignment: Assignment, *, problem_form: ProblemForm | None = None
) -> dict[str, Any]:
    """What the group's workbench shows on an assignment's page, for the tab asked for. ``problem_form`` is a
    bound form that comes back with its errors and what was typed. Where the user cannot record, the workbench says
    why instead of the forms."""
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "problems"
    user = request.user
    villages = villages_of(assignment)
    recording_refusal = permissions.recording_refusal(user, assignment)
    can_record = recording_refusal is None
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
        "recording_refusal": recording_refusal,
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
            if problem_form is None:
                problem_form = ProblemForm(initial={"found_on": default_day(assignment)})
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
            suggestion_form = SuggestionForm(initial={"received_on": default_day(assignment)})
            suggestion_form.limit_villages(villages)
            context["suggestion_form"] = suggestion_form
    elif context["tab"] == "petitions":
        petitions = Petition.objects.visible_to(user).filter(assignment=assignment)
        petitions = PetitionFilter(request.GET, queryset=petitions, request=request).qs
        context["petitions"] = petitions.select_related("village", "problem").order_by("-received_at")[:ROWS_PER_TAB]
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
        notices = ImmediateFixNotice.objects.visible_to(user).filter(problem__assignment=assignment)
        if request.GET.get("status") in ImmediateFixNotice.Status.values:
            notices = notices.filter(status=request.GET["status"])
        context["notices"] = notices.select_related("problem__village").order_by("deadline")
    return context
