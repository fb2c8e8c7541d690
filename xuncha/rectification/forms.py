"""Forms of the list and feedback pages. They validate input; the rules live in ``actions``.

The ledger's and the return visits' forms live in ``ledger_forms`` and ``visit_forms``.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuncha.core.forms import DateInput
from xuncha.findings.models import Category, FixType, Problem
from xuncha.organisations.models import AdminUnit


class PublishForm(forms.Form):
    """The date of the feedback meeting (反馈会), today unless said."""

    fed_back_on = forms.DateField(label=_("Feedback meeting on"), widget=DateInput, initial=timezone.localdate)


class CommonItemForm(forms.Form):
    """One problem shared by several villages, with the villages it applies to and the problems it was built from."""

    text = forms.CharField(
        label=_("The shared problem"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("State it once, for every village it applies to"),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    fix_type = forms.ChoiceField(label=_("Rectification type"), choices=FixType.choices, initial=FixType.FOLLOW_UP)
    villages = forms.ModelMultipleChoiceField(
        label=_("Villages it applies to"),
        queryset=AdminUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    problems = forms.ModelMultipleChoiceField(
        label=_("Problems it was built from"),
        queryset=Problem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Confirmed problems of at least two villages"),
    )

    def limit(self, villages: QuerySet[AdminUnit], problems: QuerySet[Problem]) -> None:
        """Offer only the round's villages and its confirmed problems (the action checks the rest)."""
        self.fields["villages"].queryset = villages  # type: ignore[attr-defined]
        self.fields["problems"].queryset = problems  # type: ignore[attr-defined]
