"""Reads of the findings app: the figures of a term's problems, notices, suggestions, petitions and clues.

Each group of figures is one aggregate query with conditional counts, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from xuncha.findings.models import Category, Clue, FixType, ImmediateFixNotice, Petition, Problem, Suggestion
from xuncha.findings.permissions import can_count_clues

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.inspections.models import Term
    from xuncha.organisations.models import AdminUnit


def _by(field: str, codes: list[str], condition: Q | None = None) -> dict[str, Count]:
    """Conditional counts ``{field}_{code}`` for every code, to aggregate several breakdowns in one query."""
    base = condition if condition is not None else Q()
    return {f"{field}_{code}": Count("pk", filter=base & Q(**{field: code})) for code in codes}


def _split(counts: dict[str, int], field: str, codes: list[str]) -> dict[str, int]:
    return {code: counts[f"{field}_{code}"] for code in codes}


def findings_figures(county: AdminUnit, term: Term | None) -> dict[str, Any]:
    """What the term's groups found in ``county``, for ``xuncha stats`` and reports.

    ``problems`` counts the papers that stand (every status but DISCARDED); ``clues_transferred`` the clues that
    left the inspection office (every status but REGISTERED). Sealed clues are only counted, never described.
    """
    # No term (or another county's) counts nothing.
    counted = term is not None and term.county_id == county.pk

    def of_term(queryset: QuerySet[Any, Any], path: str) -> QuerySet[Any, Any]:
        return queryset.filter(**{path: term}).order_by() if counted else queryset.none()

    categories, fix_types, statuses = list(Category.values), list(FixType.values), list(Problem.Status.values)
    standing = ~Q(status=Problem.Status.DISCARDED)
    problems = of_term(Problem.objects.all(), "round__term").aggregate(
        **_by("category", categories, standing), **_by("fix_type", fix_types, standing), **_by("status", statuses)
    )
    clue_statuses, disposals = list(Clue.Status.values), list(Clue.Disposal.values)
    clues = of_term(Clue.objects.all(), "round__term").aggregate(
        **_by("status", clue_statuses), **_by("disposal", disposals)
    )
    outcomes = list(Suggestion.Outcome.values)
    suggestions = of_term(Suggestion.objects.all(), "assignment__round__term").aggregate(
        total=Count("pk"), undecided=Count("pk", filter=Q(outcome="")), **_by("outcome", outcomes)
    )
    dispositions = list(Petition.Disposition.values)
    petitions = of_term(Petition.objects.all(), "assignment__round__term").aggregate(
        total=Count("pk"),
        anonymous=Count("pk", filter=Q(reporter_name_token="", reporter_phone_token="")),
        pending=Count("pk", filter=Q(status=Petition.Status.RECEIVED)),
        **_by("disposition", dispositions),
    )
    notices = of_term(ImmediateFixNotice.objects.all(), "problem__round__term").aggregate(
        issued=Count("pk"),
        completed=Count("pk", filter=Q(status=ImmediateFixNotice.Status.COMPLETED)),
        open=Count("pk", filter=Q(status=ImmediateFixNotice.Status.ISSUED)),
    )
    by_status = _split(problems, "status", statuses)
    by_clue_status = _split(clues, "status", clue_statuses)
    return {
        "problems": sum(by_status.values()) - by_status[Problem.Status.DISCARDED],
        "problems_by_category": _split(problems, "category", categories),
        "problems_by_fix_type": _split(problems, "fix_type", fix_types),
        "problems_by_status": by_status,
        "clues_transferred": sum(by_clue_status.values()) - by_clue_status[Clue.Status.REGISTERED],
        "clues_by_status": by_clue_status,
        "clues_by_disposal": _split(clues, "disposal", disposals),
        "suggestions": {
            "total": suggestions["total"],
            **_split(suggestions, "outcome", outcomes),
            "undecided": suggestions["undecided"],
        },
        "petitions": {
            "total": petitions["total"],
            "anonymous": petitions["anonymous"],
            "pending": petitions["pending"],
            "by_disposition": _split(petitions, "disposition", dispositions),
        },
        "immediate_fix_notices": notices,
    }


def problems_with_clues(user: AnyUser, problems: Iterable[Problem]) -> set[int]:
    """Which of ``problems`` (their villages loaded) a sealed clue was registered from, for a badge shown to those
    who may count clues (``can_count_clues``): that a clue exists, never what it says. Nothing for anyone else, and
    no query when the user may count none of them."""
    countable = [problem.pk for problem in problems if can_count_clues(user, problem.village)]
    if not countable:
        return set()
    return set(Clue.objects.filter(problem_id__in=countable).values_list("problem_id", flat=True))
