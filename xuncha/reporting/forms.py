"""Forms of the report chain's pages. They validate input; the rules live in ``actions``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xuncha.core.forms import DateInput
from xuncha.inspections.models import Assignment
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


class SpecialReportForm(forms.Form):
    """What a special report (专题报告) covers: the whole round or one of its assignments, and its topic."""

    scope = forms.ChoiceField(label=_("Report of"))
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("The topic of the special report; left empty, the title is written from the data."),
    )

    ROUND = "round"

    def __init__(self, *args: Any, assignments: Sequence[Assignment], round_wide: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assignments = {str(assignment.pk): assignment for assignment in assignments}
        choices: list[tuple[str, str | Promise]] = [(self.ROUND, _("The whole round"))] if round_wide else []
        choices += [(pk, str(assignment)) for pk, assignment in self.assignments.items()]
        self.fields["scope"].choices = choices  # type: ignore[attr-defined]

    def clean_scope(self) -> Assignment | None:
        """The assignment reported on, or ``None`` for the whole round."""
        scope: str = self.cleaned_data["scope"]
        return None if scope == self.ROUND else self.assignments[scope]


class FeedbackRuleForm(forms.Form):
    needs_approved_report = forms.BooleanField(
        label=_("Feed back a village's lists only after the report covering it passed its last gate"),
        required=False,
        help_text=_("The last gate is the secretary's special meeting (书记专题会)."),
    )
