"""Forms of the workbench and the detail pages. They validate input; the rules live in ``actions``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xuncha.core.forms import DateInput, PhotosField
from xuncha.findings.actions.evidence import MAX_PHOTOS
from xuncha.findings.models import Category, Clue, FixType, Petition, Problem, Suggestion
from xuncha.organisations.models import AdminUnit

PHOTOS_HELP = _("Optional: several photos at once (JPEG, PNG, GIF, WebP), saved with the paper.")


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class AssignmentVillagesMixin:
    """Forms on an assignment's workbench offer the villages it covers."""

    fields: dict[str, forms.Field]

    def limit_villages(self, villages: QuerySet[AdminUnit]) -> None:
        field = self.fields["village"]
        field.queryset = villages  # type: ignore[attr-defined]
        if villages.count() == 1:
            field.initial = villages.first()
            field.empty_label = None  # type: ignore[attr-defined]


class ProblemForm(AssignmentVillagesMixin, forms.Form):
    village = VillageChoiceField(label=_("Village or community"), queryset=AdminUnit.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    phenomenon = forms.CharField(
        label=_("What was found"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Time, place, people, figures"),
    )
    basis = forms.CharField(label=_("Basis for the finding"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    responsibility = forms.CharField(
        label=_("Responsibility"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    source = forms.ChoiceField(label=_("Source"), choices=Problem.Source.choices)
    fix_type = forms.ChoiceField(label=_("Rectification type"), choices=FixType.choices, initial=FixType.FOLLOW_UP)
    found_on = forms.DateField(label=_("Found on"), widget=DateInput)
    photos = PhotosField(label=_("Photos"), max_files=MAX_PHOTOS, help_text=PHOTOS_HELP)


class ProblemEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    phenomenon = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    basis = forms.CharField(label=_("Basis for the finding"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    responsibility = forms.CharField(
        label=_("Responsibility"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    source = forms.ChoiceField(label=_("Source"), choices=Problem.Source.choices)
    fix_type = forms.ChoiceField(label=_("Rectification type"), choices=FixType.choices)
    found_on = forms.DateField(label=_("Found on"), widget=DateInput)
    note = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)
    photos = PhotosField(label=_("Add photos"), max_files=MAX_PHOTOS, help_text=PHOTOS_HELP)


class NoticeForm(forms.Form):
    requirement = forms.CharField(label=_("What must be done"), widget=forms.Textarea(attrs={"rows": 3}))
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput)


class NoticeCompletionForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput)
    note = forms.CharField(label=_("How it was fixed"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("Photos, PDF or Office documents"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class SuggestionForm(AssignmentVillagesMixin, forms.Form):
    village = VillageChoiceField(label=_("Village or community"), queryset=AdminUnit.objects.none())
    topic = forms.ChoiceField(label=_("Topic"), choices=Suggestion.Topic.choices)
    text = forms.CharField(label=_("Suggestion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    proposer = forms.CharField(label=_("Proposed by"), max_length=100, required=False)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Suggestion.Outcome.choices)
    note = forms.CharField(label=_("Reason or handling"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    problem = forms.ModelChoiceField(
        label=_("Link an existing problem"),
        queryset=Problem.objects.none(),
        required=False,
        empty_label=_("(write a new working paper from it)"),
    )


class PetitionForm(AssignmentVillagesMixin, forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[c for c in Petition.Channel.choices if c[0] != Petition.Channel.PUBLIC_FORM]
    )
    village = VillageChoiceField(
        label=_("Village or community"), queryset=AdminUnit.objects.none(), required=False, empty_label=_("(not said)")
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    text = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    name = forms.CharField(label=_("Reporter's name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Reporter's phone"), max_length=30, required=False)

    def limit_villages(self, villages: QuerySet[AdminUnit]) -> None:
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]


class PetitionProblemForm(AssignmentVillagesMixin, forms.Form):
    """A member's draft working paper from a petition, prefilled from it (prefixed: the leader's disposition form
    shares its page)."""

    prefix = "draft"

    village = VillageChoiceField(label=_("Village or community"), queryset=AdminUnit.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    phenomenon = forms.CharField(
        label=_("What was found"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Time, place, people, figures"),
    )
    fix_type = forms.ChoiceField(label=_("Rectification type"), choices=FixType.choices, initial=FixType.FOLLOW_UP)
    found_on = forms.DateField(label=_("Found on"), widget=DateInput)


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(label=_("Disposition"), choices=Petition.Disposition.choices)
    note = forms.CharField(label=_("Handling"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    problem = forms.ModelChoiceField(label=_("Problem"), queryset=Problem.objects.none(), required=False)
    duplicate_of = forms.ModelChoiceField(label=_("Duplicate of"), queryset=Petition.objects.none(), required=False)


class ClueForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=Clue.Source.choices)
    problem = forms.ModelChoiceField(label=_("Problem"), queryset=Problem.objects.none(), required=False)
    petition = forms.ModelChoiceField(label=_("Petition"), queryset=Petition.objects.none(), required=False)
    subject = forms.CharField(label=_("Person concerned"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    receiver = forms.ChoiceField(label=_("Transfer to"), choices=Clue.Receiver.choices)
    feedback_wording = forms.CharField(
        label=_("Wording of the working paper for feedback"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For a clue from a problem: what the paper will say when it is fed back, without names, amounts or the "
            "details of the allegation, e.g. 村委会主任在工程项目中存在廉洁风险，相关问题线索已按程序移交."
        ),
    )


class TransferForm(forms.Form):
    transfer_number = forms.CharField(label=_("Transfer document number"), max_length=60)


class DisposalForm(forms.Form):
    disposal = forms.ChoiceField(label=_("Disposal"), choices=Clue.Disposal.choices)


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 3}))
