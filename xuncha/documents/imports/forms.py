"""The upload form of an import: the file and what it is for (a county, an assignment or a township)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.documents.models import ImportRun

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.documents.imports.base import Importer

TARGET_LABELS = {
    ImportRun.Kind.CLASSIFICATION: _("County"),
    ImportRun.Kind.PROBLEMS: _("Assignment"),
    ImportRun.Kind.LEDGER: _("Township"),
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    target: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label=_("For"))

    def __init__(self, *args: Any, importer: type[Importer[Any]], user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField[Any] = self.fields["target"]  # type: ignore[assignment]
        field.queryset = importer.targets(user)
        field.label = TARGET_LABELS[ImportRun.Kind(importer.kind)]
        choices = list(field.queryset[:2])
        if len(choices) == 1:
            field.initial = choices[0].pk
            field.empty_label = None
