"""Forms of the group's records. They validate input; the rules live in ``actions``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import User
from xuncha.core.forms import DateInput
from xuncha.fieldwork.models import Hearing, TalkRole
from xuncha.findings.forms import AssignmentVillagesMixin, VillageChoiceField
from xuncha.findings.models import Category, Clue, FixType
from xuncha.organisations.models import AdminUnit


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class TalkForm(AssignmentVillagesMixin, forms.Form):
    village = VillageChoiceField(label=_("Village or community"), queryset=AdminUnit.objects.none())
    talk_role = forms.ChoiceField(label=_("Talk role"), choices=TalkRole.choices)
    person_name = forms.CharField(label=_("Person talked to"), max_length=100)
    person_post = forms.CharField(label=_("Post"), max_length=200)
    talked_on = forms.DateField(label=_("Date"), widget=DateInput)
    place = forms.CharField(label=_("Place"), max_length=200)
    interviewers = MemberChoiceField(
        label=_("Interviewers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Two members of the group at least."),
    )
    transcript = forms.CharField(label=_("Transcript"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    scan = forms.FileField(label=_("Signed scan"), required=False, help_text=_("PDF or image, if already signed."))

    def limit_members(self, members: QuerySet[User]) -> None:
        self.fields["interviewers"].queryset = members  # type: ignore[attr-defined]


class DocumentReviewForm(AssignmentVillagesMixin, forms.Form):
    village = VillageChoiceField(label=_("Village or community"), queryset=AdminUnit.objects.none())
    requested_on = forms.DateField(label=_("Requested on"), widget=DateInput)
    items = forms.CharField(
        label=_("Documents requested"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("One a line: document | period | from whom"),
    )

    def clean_items(self) -> list[tuple[str, str, str]]:
        lines = []
        for line in self.cleaned_data["items"].splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")] + ["", ""]
            lines.append((parts[0], parts[1], parts[2]))
        return lines


class FieldVisitForm(AssignmentVillagesMixin, forms.Form):
    village = VillageChoiceField(label=_("Village or community"), queryset=AdminUnit.objects.none())
    visited_on = forms.DateField(label=_("Date"), widget=DateInput)
    place = forms.CharField(label=_("Place"), max_length=200)
    households = forms.IntegerField(label=_("Households visited"), min_value=0)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    photo = forms.ImageField(label=_("Photo"), required=False)


class HearingForm(forms.Form):
    unit = VillageChoiceField(label=_("Village or township"), queryset=AdminUnit.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Hearing.Kind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    attendees = forms.CharField(label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    report = forms.FileField(label=_("The secretary's report"), required=False)


class ScanForm(forms.Form):
    scan = forms.FileField(label=_("Signed scan"))


class RecordProblemForm(forms.Form):
    """A working paper from a record: the record's village and source are taken from it."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    phenomenon = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    fix_type = forms.ChoiceField(label=_("Rectification type"), choices=FixType.choices, initial=FixType.FOLLOW_UP)
    found_on = forms.DateField(label=_("Found on"), widget=DateInput)


class TalkClueForm(forms.Form):
    subject = forms.CharField(label=_("Person concerned"), max_length=200, help_text=_("Name and post"))
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    receiver = forms.ChoiceField(label=_("Transferred to"), choices=Clue.Receiver.choices)
