"""Forms of the deliverables' pages. They validate input; the rules (who, when, which file) live in ``actions``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.deliverables.models import Deliverable
from xuncha.rectification.models import Light

TEXT_LIMIT = 50_000


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 16}), max_length=TEXT_LIMIT)


class SubmitForm(forms.Form):
    scan = forms.FileField(
        label=_("Signed scan"),
        required=False,
        help_text=_("The text signed by the secretary, scanned (PDF or photo)"),
    )
    confirm = forms.BooleanField(
        label=_("I am the secretary and confirm this text with this account"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("scan") and not data.get("confirm"):
            raise forms.ValidationError(_("Upload the signed scan or confirm with the secretary's account."))
        return data


class DecisionForm(forms.Form):
    APPROVE = "approve"
    RETURN = "return"

    decision = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (RETURN, _("Return"))], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
        help_text=_("Required to return it"),
    )

    @property
    def approves(self) -> bool:
        return bool(self.cleaned_data["decision"] == self.APPROVE)


class ListFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *Deliverable.Kind.choices], required=False)
    light = forms.ChoiceField(label=_("Light"), choices=[("", _("All lights")), *Light.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Deliverable.Status.choices], required=False
    )
