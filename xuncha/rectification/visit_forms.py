"""Forms of the return-visit pages (回访). They validate input only; the rules live in ``actions``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xuncha.core.forms import DateInput
from xuncha.organisations.models import AdminUnit
from xuncha.rectification.models import LedgerItem, VisitCheck


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent} · {obj}" if obj.parent_id else str(obj)


class VisitPlanForm(forms.Form):
    """Plan a return visit: the village, the day, who goes, and which of the village's items to check.

    The items offered are those of the chosen village among ``items``; the page draws them again when the village
    changes.
    """

    village = UnitChoiceField(
        label=_("Village or community"), queryset=AdminUnit.objects.none(), to_field_name="code", empty_label="—"
    )
    planned_on = forms.DateField(label=_("Planned for"), widget=DateInput)
    visitors = forms.CharField(
        label=_("Visitors"), max_length=300, required=False, help_text=_("Who goes, e.g. 县委巡察办 李明、王芳")
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Items to check"), queryset=LedgerItem.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, villages: QuerySet[AdminUnit], items: QuerySet[LedgerItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        code = self.data.get("village") if self.is_bound else self.initial.get("village")
        self.fields["items"].queryset = (  # type: ignore[attr-defined]
            items.filter(village__code=code, village__in=villages).order_by("number") if code else items.none()
        )

    @property
    def village_choices(self) -> QuerySet[AdminUnit]:
        queryset: QuerySet[AdminUnit] = self.fields["village"].queryset  # type: ignore[attr-defined]
        return queryset

    @property
    def item_choices(self) -> QuerySet[LedgerItem]:
        """The items of the chosen village, for the checkboxes the template draws itself."""
        queryset: QuerySet[LedgerItem] = self.fields["items"].queryset  # type: ignore[attr-defined]
        return queryset

    @property
    def chosen_village(self) -> str:
        value = self.data.get("village") if self.is_bound else self.initial.get("village")
        return str(value or "")

    @property
    def chosen_items(self) -> set[str]:
        if self.is_bound:
            values = self.data.getlist("items") if hasattr(self.data, "getlist") else self.data.get("items", [])
        else:
            values = self.initial.get("items", [])
        return {str(value) for value in values}


@dataclass(frozen=True)
class CheckFields:
    """The verdict, note and new deadline fields of one checked item, for the template."""

    check: VisitCheck
    verdict: forms.BoundField
    note: forms.BoundField
    new_deadline: forms.BoundField


class VisitRecordForm(forms.Form):
    """What a return visit found: the day, who went, the residents asked and satisfied, a summary, and for each
    checked item a verdict (VERIFIED or REOPEN) with a note and, to reopen it, a new deadline."""

    visited_on = forms.DateField(label=_("Visited on"), widget=DateInput)
    visitors = forms.CharField(label=_("Visitors"), max_length=300, required=False)
    people_asked = forms.IntegerField(label=_("Residents asked"), min_value=0, max_value=100_000)
    people_satisfied = forms.IntegerField(label=_("Residents satisfied"), min_value=0, max_value=100_000)
    note = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, checks: Iterable[VisitCheck], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checks = list(checks)
        for check in self.checks:
            item_id = check.item_id
            self.fields[f"verdict_{item_id}"] = forms.ChoiceField(
                label=_("Verdict"),
                choices=VisitCheck.Verdict.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"note_{item_id}"] = forms.CharField(
                label=_("What was seen"), widget=forms.Textarea(attrs={"rows": 2}), required=False
            )
            self.fields[f"deadline_{item_id}"] = forms.DateField(
                label=_("New deadline"),
                widget=DateInput,
                required=False,
                help_text=_("Required when the item is reopened"),
            )

    def check_fields(self) -> Iterator[CheckFields]:
        for check in self.checks:
            item_id = check.item_id
            yield CheckFields(check, self[f"verdict_{item_id}"], self[f"note_{item_id}"], self[f"deadline_{item_id}"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for check in self.checks:
            item_id = check.item_id
            if data.get(f"verdict_{item_id}") == VisitCheck.Verdict.REOPEN and not data.get(f"deadline_{item_id}"):
                self.add_error(
                    f"deadline_{item_id}",
                    _("Give %(item)s a new deadline to reopen it.") % {"item": check.item.number},
                )
        return data

    def verdicts(self) -> dict[int, tuple[str, str, date | None]]:
        """The verdicts as ``actions.record_visit`` takes them: item id → (verdict, note, new deadline)."""
        data = self.cleaned_data
        return {
            check.item_id: (
                data[f"verdict_{check.item_id}"],
                data[f"note_{check.item_id}"],
                data[f"deadline_{check.item_id}"] if data[f"verdict_{check.item_id}"] == "REOPEN" else None,
            )
            for check in self.checks
        }


class VisitPhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("A photo taken on the visit (JPEG, PNG, GIF or WebP)"),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
