"""Forms of the report chain's pages. They validate input; the rules live in ``actions``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.core.forms import DateInput
from xuncha.reporting.models import Gate, Report


class DraftForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Report.Kind.choices, initial=Report.Kind.INSPECTION)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 24}), max_length=100_000)
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class GateForm(forms.Form):
    kind = forms.ChoiceField(widget=forms.HiddenInput, choices=Gate.Kind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    decision = forms.ChoiceField(label=_("Decision"), choices=Gate.Decision.choices)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000)
    decisions = forms.CharField(
        label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    attendees = forms.MultipleChoiceField(label=_("Attendees"), widget=forms.CheckboxSelectMultiple)
    problems = forms.MultipleChoiceField(
        label=_("Draft papers it confirms"), widget=forms.CheckboxSelectMultiple, required=False
    )
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000)
    decisions = forms.CharField(
        label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )


class SeparateFeedbackForm(forms.Form):
    village = forms.ChoiceField(label=_("Village or community"))
    given_on = forms.DateField(label=_("Given on"), widget=DateInput)
    person = forms.CharField(label=_("Principal leader"), max_length=200, help_text=_("Name and post"))
    points = forms.CharField(label=_("Points fed back"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000)
