"""Filters of the lists of problems, suggestions, petitions and clues, shared by the pages and the API.

They narrow a queryset that already starts from ``visible_to(user)``; the choices they offer (assignments,
villages) are scoped to the same user through the request, so a filter cannot be used to probe what lies outside.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from xuncha.findings.models import Category, Clue, FixType, Petition, Problem, Suggestion
from xuncha.inspections.models import Assignment, Round
from xuncha.organisations.models import AdminUnit

if TYPE_CHECKING:
    from django.http import HttpRequest


def visible_assignments(request: HttpRequest | None) -> QuerySet[Assignment]:
    if request is None:
        return Assignment.objects.none()
    return Assignment.objects.visible_to(request.user)


def visible_rounds(request: HttpRequest | None) -> QuerySet[Round]:
    """The rounds the user sees, with their terms (a round is named after its term)."""
    if request is None:
        return Round.objects.none()
    return Round.objects.visible_to(request.user).select_related("term")


def visible_villages(request: HttpRequest | None) -> QuerySet[AdminUnit]:
    if request is None:
        return AdminUnit.objects.none()
    return AdminUnit.objects.visible_to(request.user).villages()  # type: ignore[arg-type]


def _assignment_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Assignment"), queryset=visible_assignments, empty_label=_("All"), help_text=_("Assignment id")
    )


def _round_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Round"), field_name=field_name, queryset=visible_rounds, empty_label=_("All"), help_text=_("Round id")
    )


def _village_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Village or community"),
        queryset=visible_villages,
        to_field_name="code",
        empty_label=_("All"),
        help_text=_("The village's 12-digit code"),
    )


def _search(queryset: QuerySet[Any], value: str, *fields: str) -> QuerySet[Any]:
    value = value.strip()
    if not value:
        return queryset
    query = Q()
    for field in fields:
        query |= Q(**{f"{field}__icontains": value})
    return queryset.filter(query)


class ProblemFilter(django_filters.FilterSet):
    """Working papers by round, assignment, village, category, status, rectification type and source."""

    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search", help_text=_("Words of the number or what was found")
    )
    round = _round_filter("round")
    assignment = _assignment_filter()
    village = _village_filter()
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Problem.Status.choices, empty_label=_("All"))
    fix_type = django_filters.ChoiceFilter(label=_("Rectification type"), choices=FixType.choices, empty_label=_("All"))
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Problem.Source.choices, empty_label=_("All"))

    class Meta:
        model = Problem
        fields = ["q", "round", "assignment", "village", "category", "status", "fix_type", "source"]

    def filter_search(self, queryset: QuerySet[Problem], name: str, value: str) -> QuerySet[Problem]:
        return _search(queryset, value, "serial", "phenomenon")


class SuggestionFilter(django_filters.FilterSet):
    """Suggestions by assignment, village, topic and outcome (``undecided`` for those not yet decided)."""

    UNDECIDED = "UNDECIDED"
    OUTCOME_CHOICES = [*Suggestion.Outcome.choices, (UNDECIDED, _("Not yet decided"))]

    q = django_filters.CharFilter(label=_("Search"), method="filter_search", help_text=_("Words of the suggestion"))
    assignment = _assignment_filter()
    village = _village_filter()
    topic = django_filters.ChoiceFilter(label=_("Topic"), choices=Suggestion.Topic.choices, empty_label=_("All"))
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"), choices=OUTCOME_CHOICES, method="filter_outcome", empty_label=_("All")
    )

    class Meta:
        model = Suggestion
        fields = ["q", "assignment", "village", "topic", "outcome"]

    def filter_search(self, queryset: QuerySet[Suggestion], name: str, value: str) -> QuerySet[Suggestion]:
        return _search(queryset, value, "text", "proposer")

    def filter_outcome(self, queryset: QuerySet[Suggestion], name: str, value: str) -> QuerySet[Suggestion]:
        if not value:
            return queryset
        return queryset.filter(outcome="" if value == self.UNDECIDED else value)


class PetitionFilter(django_filters.FilterSet):
    """Petitions by assignment, village, channel, category, status and disposition. Search covers the content
    and the receipt code, never the reporter, whose identity is stored encrypted."""

    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search", help_text=_("Words of the content, or the receipt code")
    )
    assignment = _assignment_filter()
    village = _village_filter()
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Petition.Channel.choices, empty_label=_("All"))
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Petition.Status.choices, empty_label=_("All"))
    disposition = django_filters.ChoiceFilter(
        label=_("Disposition"), choices=Petition.Disposition.choices, empty_label=_("All")
    )

    class Meta:
        model = Petition
        fields = ["q", "assignment", "village", "channel", "category", "status", "disposition"]

    def filter_search(self, queryset: QuerySet[Petition], name: str, value: str) -> QuerySet[Petition]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(text__icontains=value) | Q(receipt_code=value.upper()))


class ClueFilter(django_filters.FilterSet):
    """Clues by round, assignment, status, receiver and source. There is no text search: a clue's subject and
    summary are read only by opening it, which is logged."""

    round = _round_filter("round")
    assignment = _assignment_filter()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Clue.Status.choices, empty_label=_("All"))
    receiver = django_filters.ChoiceFilter(
        label=_("Transferred to"), choices=Clue.Receiver.choices, empty_label=_("All")
    )
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Clue.Source.choices, empty_label=_("All"))

    class Meta:
        model = Clue
        fields = ["round", "assignment", "status", "receiver", "source"]
