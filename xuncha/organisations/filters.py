"""The village list's filters, shared by the page and (later) the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from xuncha.organisations.models import AdminUnit, Category, VillageKind


class VillageFilter(django_filters.FilterSet):
    """Filters over villages annotated with ``inspected`` and ``planned`` (see ``queries.villages_with_coverage``)."""

    INSPECTED_CHOICES = (
        ("yes", _("Inspected this term")),
        ("no", _("Not yet inspected")),
        ("planned", _("Planned, not yet inspected")),
    )

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    township = django_filters.ModelChoiceFilter(
        label=_("Township"),
        field_name="parent",
        queryset=AdminUnit.objects.none(),
        to_field_name="code",
        empty_label=_("All"),
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices, empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=VillageKind.choices, empty_label=_("All"))
    inspected = django_filters.ChoiceFilter(
        label=_("Coverage"), choices=INSPECTED_CHOICES, method="filter_inspected", empty_label=_("All")
    )

    class Meta:
        model = AdminUnit
        fields = ["q", "township", "category", "kind", "inspected"]

    def __init__(self, *args: Any, townships: QuerySet[AdminUnit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if townships is not None:
            self.filters["township"].queryset = townships

    def filter_search(self, queryset: QuerySet[AdminUnit], name: str, value: str) -> QuerySet[AdminUnit]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__contains=value) | Q(short_name__contains=value) | Q(code__startswith=value))

    def filter_inspected(self, queryset: QuerySet[AdminUnit], name: str, value: str) -> QuerySet[AdminUnit]:
        if value == "yes":
            return queryset.filter(Q(inspected=True))
        if value == "no":
            return queryset.filter(Q(inspected=False))
        if value == "planned":
            return queryset.filter(Q(inspected=False) & Q(planned=True))
        return queryset
