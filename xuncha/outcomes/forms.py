"""The outcome forms of the item page and the clue page, and the form of a rule made."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.outcomes.models import PEOPLE_FIELDS, ZERO, Outcome, PeopleKind


def _amount(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=Decimal(0), max_digits=14, decimal_places=2, required=False, initial=ZERO
    )


class VillageOutcomeForm(forms.Form):
    """What the village reports of its item: the money recovered and returned to the collective."""

    amount_recovered = _amount(_("Amount recovered (yuan)"))
    amount_returned = _amount(_("Money or assets returned to the collective (yuan)"))

    def __init__(self, *args: Any, on_clue: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not on_clue:
            self.fields["amount_recovered"].help_text = _(
                "Money recovered in handling a problem clue is recorded on the clue by the discipline commission: "
                "record here only what the rectification itself recovered, so that each yuan is counted once."
            )

    returned_description = forms.CharField(
        label=_("What was returned to the collective"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "amount_recovered": data["amount_recovered"] or ZERO,
            "amount_returned": data["amount_returned"] or ZERO,
            "returned_description": data["returned_description"],
            "note": data["note"],
        }


class OutcomeForm(VillageOutcomeForm):
    """The whole outcome, recorded by the office on an item or by the receiving body on a clue."""

    amount_involved = _amount(_("Amount involved (yuan)"))
    people_note = forms.CharField(
        label=_("People dealt with (names and posts)"),
        required=False,
        help_text=_("Read only by the inspection office and the discipline commission"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["amount_involved", "amount_recovered", "amount_returned", "returned_description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in PeopleKind:
            self.fields[PEOPLE_FIELDS[kind]] = forms.IntegerField(
                label=kind.label, min_value=0, required=False, initial=0
            )
        self.order_fields([*self.field_order, *PEOPLE_FIELDS.values(), "people_note", "note"])

    @classmethod
    def for_outcome(cls, outcome: Outcome | None, **kwargs: Any) -> OutcomeForm:
        """The form, filled with what was recorded before."""
        if outcome is None:
            return cls(**kwargs)
        names = ["amount_involved", "amount_recovered", "amount_returned", "returned_description", "note"]
        initial = {name: getattr(outcome, name) for name in [*names, *PEOPLE_FIELDS.values(), "people_note"]}
        return cls(initial=initial, **kwargs)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().values(),
            "amount_involved": data["amount_involved"] or ZERO,
            "people": {kind: data[field] or 0 for kind, field in PEOPLE_FIELDS.items()},
            "people_note": data["people_note"],
        }


class RuleForm(forms.Form):
    title = forms.CharField(label=_("Title of the rule"), max_length=200)
    adopted_on = forms.DateField(label=_("Adopted on"), widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("File"), required=False)
