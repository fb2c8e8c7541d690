"""Forms of the ledger pages. They validate input; the rules (who, when, which files) live in ``actions``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.core.forms import DateInput, MultipleFileField, MultipleFileInput
from xuncha.organisations.models import AdminUnit
from xuncha.rectification.models import LedgerItem, ResponsibleParty

TEXT_LIMIT = 5000


class StatusField(forms.ChoiceField):
    """The status the page showed, sent back so that the action can tell whether someone acted meanwhile."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=LedgerItem.Status.choices, widget=forms.HiddenInput, **kwargs)


class PlanForm(forms.Form):
    measures = forms.CharField(
        label=_("Measures"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_LIMIT, strip=True
    )
    goal = forms.CharField(
        label=_("Goal"), widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_LIMIT, required=False
    )
    responsible_leader = forms.CharField(label=_("Responsible leader"), max_length=100)


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_LIMIT)
    on = forms.DateField(label=_("Date"), widget=DateInput, required=False)
    # On a phone this input opens the camera; the files of both inputs are stored alike.
    photos = MultipleFileField(
        label=_("Photos from the camera"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    evidence = MultipleFileField(
        label=_("Evidence"), required=False, help_text=_("Photos, PDF or Office documents; several at once")
    )


class SubmitForm(forms.Form):
    expected_status = StatusField()
    text = forms.CharField(
        label=_("How the problem was fixed"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_LIMIT
    )
    evidence = MultipleFileField(
        label=_("Evidence"),
        required=False,
        help_text=_("Photos, PDF or Office documents; several at once. Needed unless evidence was sent before."),
    )


class ReviewForm(forms.Form):
    APPROVE = "approve"
    RETURN = "return"

    expected_status = StatusField()
    decision = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (RETURN, _("Return"))], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Opinion or reason for returning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_LIMIT,
        required=False,
        help_text=_("Required to return the submission"),
    )

    @property
    def approves(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    # Shown to the director only when residents' answers hold the item (``closing``); the action checks again.
    override_reason = forms.CharField(
        label=_("Why close it against the residents' answers"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_LIMIT)


class DeadlineForm(forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_LIMIT)


class IdListField(forms.Field):
    """The ids of the rows ticked in a table."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if not all(str(item).isdigit() for item in values):
            raise forms.ValidationError(_("Choose items from the list."), code="invalid")
        return list(dict.fromkeys(int(item) for item in values))


class BatchReviewForm(forms.Form):
    ids = IdListField(label=_("Items"), error_messages={"required": _("Tick the items to approve.")})


class HandOffForm(forms.Form):
    """The office hands an item to a department of the item's county (移交, 交办)."""

    unit = forms.ModelChoiceField(label=_("Department"), queryset=AdminUnit.objects.none())
    part = forms.ChoiceField(label=_("Its part"), choices=ResponsibleParty.Part.choices)
    request = forms.CharField(
        label=_("What is asked of it"), widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_LIMIT
    )

    def __init__(self, *args: Any, county: AdminUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = AdminUnit.objects.departments().filter(parent=county).order_by("code")


class PartyDoneForm(forms.Form):
    text = forms.CharField(
        label=_("What the department did"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_LIMIT
    )
    evidence = MultipleFileField(
        label=_("Evidence"), required=False, help_text=_("Photos, PDF or Office documents; several at once")
    )


class ResponsibilityForm(forms.Form):
    """The 第一责任人 (a person of the village) and the 督促责任人 (the township's 包村领导) of a village or item."""

    first_name = forms.CharField(label=_("First responsible person"), max_length=50)
    first_post = forms.CharField(
        label=_("Post"), max_length=100, required=False, help_text=_("For example: village party branch secretary")
    )
    overseer_name = forms.CharField(label=_("Overseeing person (township leader in charge)"), max_length=50)
    overseer_post = forms.CharField(label=_("Post"), max_length=100, required=False)


class ExtensionRequestForm(forms.Form):
    """The village, or its township, asks for more time."""

    new_deadline = forms.DateField(label=_("New deadline asked"), widget=DateInput)
    reason = forms.CharField(
        label=_("Why more time is needed"), widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_LIMIT
    )


class ExtensionReviewForm(forms.Form):
    """The township supports the request or returns it with a reason."""

    SUPPORT = "support"
    RETURN = "return"

    decision = forms.ChoiceField(choices=[(SUPPORT, _("Support")), (RETURN, _("Return"))], widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Opinion or reason for returning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_LIMIT,
        required=False,
        help_text=_("Required to return the request"),
    )

    @property
    def supports(self) -> bool:
        return self.cleaned_data["decision"] == self.SUPPORT


class ExtensionDecisionForm(forms.Form):
    """The office director approves or refuses; beyond the limits, records the leading group's decision."""

    APPROVE = "approve"
    REFUSE = "refuse"

    decision = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (REFUSE, _("Refuse"))], widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note or reason for refusing"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_LIMIT,
        required=False,
        help_text=_("Required to refuse"),
    )
    by_leading_group = forms.BooleanField(label=_("Decided by the leading group"), required=False)
    meeting_on = forms.DateField(label=_("Date of the leading group's meeting"), widget=DateInput, required=False)
    minutes = forms.CharField(
        label=_("The leading group's decision (minutes)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_LIMIT,
        required=False,
    )

    @property
    def approves(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE
