"""Filters of the rectification API's lists: problem lists, feedbacks, return visits and figures. The ledger items'
filter is the ledger page's own (``xuncha.rectification.filters.LedgerItemFilter``).

They narrow a queryset that already starts from ``visible_to(user)``; the rounds, villages and townships they
accept are those the same user may see, so that a filter cannot be used to probe what lies outside (a value out of
scope is an invalid choice: 400).
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from xuncha.findings.filters import visible_rounds, visible_villages
from xuncha.rectification.filters import visible_townships
from xuncha.rectification.models import Feedback, LedgerItem, ProblemList, Receipt, ResponsibleParty, ReturnVisit


def _round_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Round"), queryset=visible_rounds, empty_label=_("All"), help_text=_("Round id")
    )


def _village_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Village or community"),
        queryset=visible_villages,
        to_field_name="code",
        empty_label=_("All"),
        help_text=_("The village's 12-digit code"),
    )


def _township_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Township"),
        queryset=visible_townships,
        to_field_name="code",
        empty_label=_("All"),
        help_text=_("The township's 12-digit code"),
    )


class ProblemListFilter(django_filters.FilterSet):
    """Lists by round, kind and village."""

    round = _round_filter()
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ProblemList.Kind.choices, empty_label=_("All"))
    village = _village_filter()

    class Meta:
        model = ProblemList
        fields = ["round", "kind", "village"]


class FeedbackFilter(django_filters.FilterSet):
    """Feedbacks by round, village and whether both recipients have signed for them."""

    round = _round_filter()
    village = _village_filter()
    signed = django_filters.BooleanFilter(
        label=_("Signed by both recipients"),
        method="filter_signed",
        help_text=_("true: both receipts signed; false: a recipient has not signed yet"),
    )

    class Meta:
        model = Feedback
        fields = ["round", "village", "signed"]

    def filter_signed(self, queryset: QuerySet[Feedback], name: str, value: bool | None) -> QuerySet[Feedback]:
        if value is None:
            return queryset
        unsigned = Exists(Receipt.objects.filter(feedback=OuterRef("pk"), signed_at__isnull=True))
        return queryset.exclude(unsigned) if value else queryset.filter(unsigned)


class ReturnVisitFilter(django_filters.FilterSet):
    """Return visits by village and status."""

    village = _village_filter()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReturnVisit.Status.choices, empty_label=_("All"))

    class Meta:
        model = ReturnVisit
        fields = ["village", "status"]


class PartyFilter(django_filters.FilterSet):
    """Responsible parties by status, and a department's own."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ResponsibleParty.Status.choices, empty_label=_("All")
    )
    mine = django_filters.BooleanFilter(
        label=_("The user's own departments"),
        method="filter_mine",
        help_text=_("true: only the parties of the departments the user acts for"),
    )

    class Meta:
        model = ResponsibleParty
        fields = ["status", "mine"]

    def filter_mine(
        self, queryset: QuerySet[ResponsibleParty], name: str, value: bool | None
    ) -> QuerySet[ResponsibleParty]:
        if not value:
            return queryset
        return queryset.of_departments(self.request.user)  # type: ignore[attr-defined]


class FiguresFilter(django_filters.FilterSet):
    """The items counted in the figures: by round, township or village."""

    round = _round_filter()
    township = _township_filter()
    village = _village_filter()

    class Meta:
        model = LedgerItem
        fields = ["round", "township", "village"]
