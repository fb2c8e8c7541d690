"""Forms of the appraisal: opening one (village, title, cadres), and the questionnaire itself, the same for a phone
and for a pile of paper forms (which adds how many forms carry these answers)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xuncha.appraisal.actions import MAX_CADRES, MAX_PAPER_BATCH
from xuncha.appraisal.models import AppraisalForm, AppraisalItem, Rating
from xuncha.core.forms import BLANK_CHOICE_LABEL
from xuncha.organisations.models import AdminUnit

# "潘文 村党支部书记", "潘文，村党支部书记" or "潘文,村党支部书记": a name, then the post.
CADRE_LINE = re.compile(r"^\s*(?P<name>[^\s,，、]+)[\s,，、]+(?P<post>.+?)\s*$")


class OpenAppraisalForm(forms.Form):
    village = forms.ModelChoiceField(label=_("Village"), queryset=AdminUnit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    cadres = forms.CharField(
        label=_("Cadres to be rated"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line: the name, then the post (e.g. 潘文 村党支部书记)."),
    )

    def __init__(self, *args: Any, villages: QuerySet[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["village"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = villages

    def clean_cadres(self) -> list[tuple[str, str]]:
        cadres: list[tuple[str, str]] = []
        for line in self.cleaned_data["cadres"].splitlines():
            if not line.strip():
                continue
            match = CADRE_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    _("Write each cadre as a name and a post on one line: %(line)s") % {"line": line.strip()}
                )
            cadres.append((match["name"][:60], match["post"][:60]))
        if len(cadres) > MAX_CADRES:
            raise forms.ValidationError(_("Name at most %(count)d cadres.") % {"count": MAX_CADRES})
        return cadres


class QuestionnaireForm(forms.Form):
    """Who answers and one grade per item of the appraisal (fields ``item_<id>``): big radio buttons on a phone."""

    # Radio buttons to tap on a phone; drop-down lists to key in quickly from paper (``PaperForm``).
    paper = False

    def __init__(self, *args: Any, items: Iterable[AppraisalItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.fields["respondent_kind"] = forms.ChoiceField(
            label=_("Respondents") if self.paper else _("You are"),
            choices=self._choices(AppraisalForm.RespondentKind.choices),
            widget=forms.Select if self.paper else forms.RadioSelect,
            error_messages={"required": _("Say who answers: this is counted, never a name.")},
        )
        for item in self.items:
            self.fields[self.field_name(item)] = forms.ChoiceField(
                label=str(item),
                choices=self._choices(Rating.choices),
                widget=forms.Select if self.paper else forms.RadioSelect,
                error_messages={"required": _("Choose one of the four grades.")},
            )

    def _choices(self, choices: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
        return [("", BLANK_CHOICE_LABEL), *choices] if self.paper else list(choices)

    @staticmethod
    def field_name(item: AppraisalItem) -> str:
        return f"item_{item.pk}"

    def _item_fields(self, kind: str) -> list[forms.BoundField]:
        return [self[self.field_name(item)] for item in self.items if item.kind == kind]

    def standard_fields(self) -> list[forms.BoundField]:
        return self._item_fields(AppraisalItem.Kind.STANDARD)

    def cadre_fields(self) -> list[forms.BoundField]:
        return self._item_fields(AppraisalItem.Kind.CADRE)

    def ratings(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[self.field_name(item)] for item in self.items}


class PaperForm(QuestionnaireForm):
    """The same questionnaire entered by a group member from a pile of paper forms with the same answers."""

    paper = True

    count = forms.IntegerField(
        label=_("Number of paper forms with these answers"), min_value=1, max_value=MAX_PAPER_BATCH, initial=1
    )
