"""The ledger's filters, shared by the ledger page and the API.

They narrow a queryset that already starts from ``LedgerItem.objects.visible_to(user)``; the choices they offer
(rounds, townships, villages) are scoped to the same user through the request, so that a filter cannot be used to
probe what lies outside. The traffic light is computed in the query from today's date and one cut-off date on the
working-day calendar, so that it filters and counts like any column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuncha.findings.filters import visible_rounds, visible_villages
from xuncha.findings.models import Category, FixType
from xuncha.inspections.models import Term
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import stages
from xuncha.rectification.lights import light_q
from xuncha.rectification.models import LedgerItem, Light

if TYPE_CHECKING:
    from django.http import HttpRequest

Status = LedgerItem.Status


def visible_terms(request: HttpRequest | None) -> QuerySet[Term]:
    if request is None:
        return Term.objects.none()
    return Term.objects.visible_to(request.user).order_by("-number")


def visible_townships(request: HttpRequest | None) -> QuerySet[AdminUnit]:
    if request is None:
        return AdminUnit.objects.none()
    return AdminUnit.objects.visible_to(request.user).townships().order_by("code")  # type: ignore[arg-type]


class LedgerItemFilter(django_filters.FilterSet):
    """Ledger items by round, township, village, status, traffic light, category and rectification type."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Words of the number, the problem, the measures or the responsible leader"),
    )
    term = django_filters.ModelChoiceFilter(
        label=_("Term"),
        field_name="round__term",
        queryset=visible_terms,
        empty_label=_("All"),
        help_text=_("Term id"),
    )
    round = django_filters.ModelChoiceFilter(
        label=_("Round"), queryset=visible_rounds, empty_label=_("All"), help_text=_("Round id")
    )
    township = django_filters.ModelChoiceFilter(
        label=_("Township"),
        queryset=visible_townships,
        to_field_name="code",
        empty_label=_("All"),
        help_text=_("The township's 12-digit code"),
    )
    village = django_filters.ModelChoiceFilter(
        label=_("Village or community"),
        queryset=visible_villages,
        to_field_name="code",
        empty_label=_("All"),
        help_text=_("The village's 12-digit code"),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=_("All"))
    light = django_filters.ChoiceFilter(
        label=_("Traffic light"),
        choices=Light.choices,
        method="filter_light",
        empty_label=_("All"),
        help_text=_("Red: overdue; yellow: due within the warning period of working days; done: closed or ongoing"),
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices, empty_label=_("All"))
    fix_type = django_filters.ChoiceFilter(label=_("Rectification type"), choices=FixType.choices, empty_label=_("All"))
    stage = django_filters.ChoiceFilter(
        label=_("Waiting for"),
        choices=stages.CHOICES,
        method="filter_stage",
        empty_label=_("All"),
        help_text=_("REPORT: the village has yet to report it done; VISIT: a return visit is to be planned"),
    )

    class Meta:
        model = LedgerItem
        fields = ["q", "term", "round", "township", "village", "status", "light", "category", "fix_type", "stage"]

    def filter_search(self, queryset: QuerySet[LedgerItem], name: str, value: str) -> QuerySet[LedgerItem]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(summary__icontains=value)
            | Q(measures__icontains=value)
            | Q(responsible_leader__icontains=value)
        )

    def filter_stage(self, queryset: QuerySet[LedgerItem], name: str, value: str) -> QuerySet[LedgerItem]:
        return queryset.filter(stages.stage_q(value)) if value else queryset

    def filter_light(self, queryset: QuerySet[LedgerItem], name: str, value: str) -> QuerySet[LedgerItem]:
        if not value:
            return queryset
        return queryset.filter(light_q(value, timezone.localdate()))
