"""The ledger's filters, shared by the ledger page and the API.

They narrow a queryset that already starts from ``LedgerItem.objects.visible_to(user)``; the choices they offer
(rounds, townships, villages) are scoped to the same user through the request, so that a filter cannot be used to
probe what lies outside. The traffic light is computed in the query from today's date and one cut-off date on the
working-day calendar, so that it filters and counts like any column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import Role
from xuncha.accounts.scoping import grants_of
from xuncha.findings.filters import visible_rounds, visible_villages
from xuncha.findings.models import Category, FixType
from xuncha.inspections.models import Term
from xuncha.inspections.scoping import group_ids_of
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import stages
from xuncha.rectification.lights import light_q
from xuncha.rectification.models import LedgerItem, Light

if TYPE_CHECKING:
    from django.http import HttpRequest

    from xuncha.accounts.scoping import AnyUser

Status = LedgerItem.Status


def visible_terms(request: HttpRequest | None) -> QuerySet[Term]:
    if request is None:
        return Term.objects.none()
    return Term.objects.visible_to(request.user).order_by("-number")


def visible_townships(request: HttpRequest | None) -> QuerySet[AdminUnit]:
    if request is None:
        return AdminUnit.objects.none()
    return AdminUnit.objects.visible_to(request.user).townships().order_by("code")  # type: ignore[arg-type]


def local_reader(user: AnyUser) -> Role | None:
    """``Role.VILLAGE`` for a reader whose whole reach is one village, ``Role.TOWNSHIP`` for one township (its
    villages included); ``None`` for everyone who reads more (the office, leaders, groups, several units)."""
    grants = grants_of(user)
    if not grants or group_ids_of(user):
        return None
    roles = {grant.role for grant in grants}
    if not roles <= {Role.TOWNSHIP, Role.VILLAGE}:
        return None
    townships = {grant.unit_id for grant in grants if grant.role == Role.TOWNSHIP}
    if not townships:
        return Role.VILLAGE if len({grant.unit_id for grant in grants}) == 1 else None
    # A township account that also holds a village grant under it still reads one township.
    return Role.TOWNSHIP if len(townships) == 1 else None


# The selectors that say nothing to a reader of one village or one township: they would offer one choice.
HIDDEN_FOR = {Role.VILLAGE: ("term", "township", "village"), Role.TOWNSHIP: ("township",)}


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
            | Q(first_responsible_name__icontains=value)
            | Q(overseer_name__icontains=value)
        )

    def filter_stage(self, queryset: QuerySet[LedgerItem], name: str, value: str) -> QuerySet[LedgerItem]:
        return queryset.filter(stages.stage_q(value)) if value else queryset

    def filter_light(self, queryset: QuerySet[LedgerItem], name: str, value: str) -> QuerySet[LedgerItem]:
        if not value:
            return queryset
        return queryset.filter(light_q(value, timezone.localdate()))


class LedgerPageFilter(LedgerItemFilter):
    """The ledger page's filters: those that fit the reader's reach. A village sees no township, village or term
    selector, a township no township selector (its village selector lists its own villages). The API keeps every
    filter of ``LedgerItemFilter``; a dropped one would have nothing to narrow within ``visible_to`` anyway."""

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[LedgerItem] | None = None,
        *,
        request: HttpRequest | None = None,
        prefix: str | None = None,
    ) -> None:
        super().__init__(data, queryset, request=request, prefix=prefix)
        reach = local_reader(request.user) if request is not None else None
        for name in HIDDEN_FOR.get(reach, ()) if reach is not None else ():
            del self.filters[name]
