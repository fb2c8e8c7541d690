from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.organisations.models import Category


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    reason = forms.CharField(
        label=_("Reason (village profile and situation)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
