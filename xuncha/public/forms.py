"""Forms of the residents' pages and of the office's disclosure page. They check what was typed; the rules (the
petition's stationing dates and photo, a survey's dates and one answer per phone) live in the actions."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuncha.core.forms import DateInput, ResidentTextField
from xuncha.findings.models import RECEIPT_ALPHABET, RECEIPT_LENGTH, Category
from xuncha.organisations.models import AdminUnit
from xuncha.public.models import COMMENT_MAX_LENGTH, ResidentConfirmation, SurveyAnswer

TEXT_MAX_LENGTH = 5000
PHONE_CHARACTERS = re.compile(r"\+?[0-9][0-9 \-]*")
PHONE_DIGITS = (7, 20)
RECEIPT_CODE = re.compile(f"[{RECEIPT_ALPHABET}]{{{RECEIPT_LENGTH}}}")


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent} · {obj}" if obj.parent else str(obj)


class PetitionForm(forms.Form):
    """A resident's message to the inspection group. Only the category and the text are required."""

    category = forms.ChoiceField(label=_("What is it about?"), choices=[("", _("Choose…")), *Category.choices])
    village = VillageChoiceField(
        label=_("Village"),
        queryset=AdminUnit.objects.none(),
        required=False,
        empty_label=_("Not sure, or more than one"),
    )
    text = ResidentTextField(
        label=_("What do you want to report?"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Say what happened, where and when, and who was involved, as far as you know."),
    )
    name = ResidentTextField(
        label=_("Your name (optional)"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = ResidentTextField(
        label=_("Your phone number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    photo = forms.FileField(
        label=_("A photo (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )

    def __init__(self, *args: Any, villages: QuerySet[AdminUnit], **kwargs: Any) -> None:
        """``villages`` are those the assignment covers; with only one, the message is about it and nobody asks."""
        super().__init__(*args, **kwargs)
        self.villages = list(villages)
        if len(self.villages) > 1:
            self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        else:
            del self.fields["village"]

    def clean_phone(self) -> str:
        # NFKC turns the full-width digits of a Chinese input method into ASCII ones.
        phone = unicodedata.normalize("NFKC", self.cleaned_data["phone"]).strip()
        if not phone:
            return ""
        digits = sum(character.isdigit() for character in phone)
        if not PHONE_CHARACTERS.fullmatch(phone) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
            raise forms.ValidationError(
                _("Enter a phone number of 7 to 20 digits (spaces and dashes are fine), or leave it empty.")
            )
        return phone

    def chosen_village(self) -> AdminUnit | None:
        """The village the message is about: the one chosen, or the assignment's only village."""
        if "village" in self.fields:
            village: AdminUnit | None = self.cleaned_data.get("village")
            return village
        return self.villages[0] if self.villages else None


def normalise_receipt_code(value: str) -> str:
    """``ab3d-ef7h 2k`` → ``AB3DEF7H2K``: residents copy codes with spaces, dashes, in lower case, and in the
    full-width letters of a Chinese input method (which NFKC turns into ASCII)."""
    return re.sub(r"[\s\-—]+", "", unicodedata.normalize("NFKC", value)).upper()


class ReceiptLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_("The 10 letters and digits you were shown after sending your message."),
    )

    def clean_code(self) -> str:
        code = normalise_receipt_code(self.cleaned_data["code"])
        if not RECEIPT_CODE.fullmatch(code):
            raise forms.ValidationError(_("A receipt code has 10 letters and digits; check what you typed."))
        return code


# Disclosure and satisfaction surveys --------------------------------------------------------------------------------

DISCLOSURE_TEXT_MAX_LENGTH = 2000


class DisclosureForm(forms.Form):
    """The office's words for residents about one done item."""

    summary = forms.CharField(
        label=_("The problem, as residents will read it"),
        max_length=DISCLOSURE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    result = forms.CharField(
        label=pgettext_lazy("disclosure", "What was done"),
        max_length=DISCLOSURE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SurveyOpenForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput)
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput)


class SurveyAnswerForm(forms.Form):
    """A resident's answer: one of three ratings, and a few words if they like."""

    rating = forms.ChoiceField(
        label=_("How satisfied are you with the rectification?"),
        choices=SurveyAnswer.Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the three answers.")},
    )
    comment = ResidentTextField(
        label=_("Anything to add? (optional)"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
        help_text=_("Please do not write names or phone numbers."),
    )


class ConfirmationForm(forms.Form):
    """A resident's word on an item being rectified: resolved or not, a few words and a photo if they like."""

    answer = forms.ChoiceField(
        label=_("Has this problem been resolved?"),
        choices=ResidentConfirmation.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether it is resolved or not.")},
    )
    comment = ResidentTextField(
        label=_("What do you see? (optional)"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
        help_text=_("Please do not write names or phone numbers."),
    )
    photo = forms.FileField(
        label=_("A photo (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )


class ReceiptConfirmationForm(ConfirmationForm):
    """The petitioner's word, sent with the receipt code that finds their items."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def clean_code(self) -> str:
        code = normalise_receipt_code(self.cleaned_data["code"])
        if not RECEIPT_CODE.fullmatch(code):
            raise forms.ValidationError(_("A receipt code has 10 letters and digits; check what you typed."))
        return code
