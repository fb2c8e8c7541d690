"""Forms of the planning pages. They validate input; the rules live in ``actions``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xuncha.core.forms import DateInput, MultipleFileField
from xuncha.findings.models import Category
from xuncha.inspections.models import Assignment, Recusal
from xuncha.planning.actions import StageSpec
from xuncha.planning.models import Enquiry, Lead, PlanStage, WorkPlan
from xuncha.planning.queries import default_stages


class WorkPlanForm(forms.Form):
    """A plan's title, focus, authorisation and one optional row of dates per kind of stage."""

    title = forms.CharField(label=_("Title"), max_length=200)
    focus = forms.MultipleChoiceField(
        label=_("Focus of supervision"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    focus_note = forms.CharField(
        label=_("Notes on the focus"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    authorisation = forms.CharField(
        label=_("Authorisation (this round only)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What the group is authorised to do: talks, reading documents, visits, receiving petitions …"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in PlanStage.Kind:
            self.fields[f"from_{kind.value}"] = forms.DateField(label=_("From"), widget=DateInput, required=False)
            self.fields[f"until_{kind.value}"] = forms.DateField(label=_("Until"), widget=DateInput, required=False)

    def stage_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(kind.label, self[f"from_{kind.value}"], self[f"until_{kind.value}"]) for kind in PlanStage.Kind]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for kind in PlanStage.Kind:
            start, end = data.get(f"from_{kind.value}"), data.get(f"until_{kind.value}")
            if bool(start) != bool(end):
                self.add_error(f"until_{kind.value}", _("Give both dates of a stage, or neither."))
        return data

    def stages(self) -> list[StageSpec]:
        rows = [
            StageSpec(kind.value, self.cleaned_data[f"from_{kind.value}"], self.cleaned_data[f"until_{kind.value}"])
            for kind in PlanStage.Kind
            if self.cleaned_data.get(f"from_{kind.value}") and self.cleaned_data.get(f"until_{kind.value}")
        ]
        return sorted(rows, key=lambda stage: stage.starts_on)

    @classmethod
    def for_plan(cls, plan: WorkPlan) -> WorkPlanForm:
        initial: dict[str, Any] = {
            "title": plan.title,
            "focus": plan.focus,
            "focus_note": plan.focus_note,
            "authorisation": plan.authorisation,
        }
        for stage in plan.stages.all():
            initial[f"from_{stage.kind}"], initial[f"until_{stage.kind}"] = stage.starts_on, stage.ends_on
        return cls(initial=initial)


class NewPlanForm(forms.Form):
    """Which plan to start: the round's, or one assignment's (prefilled with a usual schedule)."""

    assignment = forms.ModelChoiceField(
        label=_("Assignment"),
        queryset=Assignment.objects.none(),
        required=False,
        empty_label=_("The whole round"),
    )

    def __init__(self, *args: Any, assignments: QuerySet[Assignment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments  # type: ignore[attr-defined]

    def stages(self) -> list[StageSpec]:
        assignment = self.cleaned_data.get("assignment")
        return default_stages(assignment) if assignment is not None else []


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DeclarationForm(forms.Form):
    no_ties = forms.BooleanField(label=_("I have no ties to the units inspected in this round"), required=False)
    ties = forms.ModelMultipleChoiceField(
        label=_("My declared ties"),
        queryset=Recusal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    statement = forms.CharField(
        label=_("Statement"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args: Any, ties: QuerySet[Recusal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ties"].queryset = ties  # type: ignore[attr-defined]


class EnquiryForm(forms.Form):
    body = forms.ChoiceField(label=_("County body"), choices=Enquiry.Body.choices)
    body_name = forms.CharField(label=_("Name of the body"), max_length=100, required=False)
    assignment = forms.ModelChoiceField(
        label=_("Assignment"), queryset=Assignment.objects.none(), required=False, empty_label=_("The whole round")
    )
    matters = forms.CharField(label=_("Matters asked about"), widget=forms.Textarea(attrs={"rows": 3}))
    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput)
    reply_by = forms.DateField(label=_("Reply requested by"), widget=DateInput)
    number = forms.CharField(label=_("Document number"), max_length=60, required=False)

    def __init__(self, *args: Any, assignments: QuerySet[Assignment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    replied_on = forms.DateField(label=_("Replied on"), widget=DateInput)
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    attachments = MultipleFileField(label=_("Scanned reply or attachments"), required=False)


class LeadForm(forms.Form):
    assignment = forms.ModelChoiceField(label=_("For the group of"), queryset=Assignment.objects.none())
    text = forms.CharField(label=_("Lead"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, assignments: QuerySet[Assignment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments  # type: ignore[attr-defined]


class LeadCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(status.value, status.label) for status in (Lead.Status.USED, Lead.Status.DROPPED)],
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
