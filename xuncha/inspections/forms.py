"""Forms of the planning pages. They validate input only; the rules live in ``actions``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import SYSTEM_ROLE_VALUES, User
from xuncha.core.forms import DateInput
from xuncha.inspections.models import Assignment, ContactChannel, InspectionGroup, Membership, Recusal, Round, Term
from xuncha.organisations.models import AdminUnit


class TermForm(forms.Form):
    number = forms.IntegerField(label=_("Term number"), min_value=1, max_value=99)
    name = forms.CharField(label=_("Name"), max_length=50, help_text=_("e.g. 十五届县委"))
    start_date = forms.DateField(label=_("Start"), widget=DateInput)
    end_date = forms.DateField(label=_("End"), widget=DateInput, required=False)


class RoundForm(forms.Form):
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none(), empty_label=None)
    number = forms.IntegerField(label=_("Round number"), min_value=1, max_value=99)
    kind = forms.ChoiceField(label=_("Kind"), choices=Round.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    start_date = forms.DateField(label=_("Start"), widget=DateInput)
    end_date = forms.DateField(label=_("End"), widget=DateInput)

    def __init__(self, *args: Any, terms: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms  # type: ignore[attr-defined]


def eligible_people(*counties: AdminUnit) -> QuerySet[User]:
    """People who can be put in a county's groups: active accounts holding a role within the county (the
    security administrator grants inspectors GROUP_MEMBER there), never the system administrators."""
    within = Q(pk__in=[])
    for county in counties:
        within |= Q(grants__unit__path__under=county.path)
    system = User.objects.filter(grants__role__in=SYSTEM_ROLE_VALUES).values("pk")
    candidates = User.objects.filter(within).values("pk")
    return User.objects.filter(is_active=True, pk__in=candidates).exclude(pk__in=system).order_by("username")


class PersonChoiceField(forms.ModelChoiceField):
    """People by name and post (not by login name), as colleagues know them."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name_and_post)


class GroupForm(forms.Form):
    number = forms.IntegerField(label=_("Group number"), min_value=1, max_value=99)
    name = forms.CharField(label=_("Name"), max_length=50, required=False, help_text=_("Empty: 第N巡察组"))
    leader = PersonChoiceField(
        label=_("Group leader"), queryset=User.objects.none(), required=False, empty_label=_("(appoint later)")
    )

    def __init__(self, *args: Any, county: AdminUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = eligible_people(county)  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    user = PersonChoiceField(label=_("Person"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role in the group"), choices=Membership.GroupRole.choices)

    def __init__(self, *args: Any, county: AdminUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = eligible_people(county)  # type: ignore[attr-defined]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class AssignmentForm(forms.Form):
    """One form for the three modes; which fields count depends on ``mode``."""

    group = forms.ModelChoiceField(label=_("Group"), queryset=InspectionGroup.objects.none(), empty_label=None)
    mode = forms.ChoiceField(label=_("Mode"), choices=Assignment.Mode.choices, initial=Assignment.Mode.DIRECT)
    village = UnitChoiceField(
        label=_("Village"), queryset=AdminUnit.objects.none(), required=False, to_field_name="code"
    )
    township = UnitChoiceField(
        label=_("Township"), queryset=AdminUnit.objects.none(), required=False, to_field_name="code"
    )
    villages = UnitMultipleChoiceField(
        label=_("Villages"), queryset=AdminUnit.objects.none(), required=False, to_field_name="code"
    )
    topic = forms.CharField(label=_("Topic"), max_length=100, required=False)
    stationed_from = forms.DateField(label=_("Stationed from"), widget=DateInput)
    stationed_until = forms.DateField(label=_("Stationed until"), widget=DateInput)

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = round_.term.county
        villages = AdminUnit.objects.villages().filter(path__under=county.path).select_related("parent")
        self.fields["group"].queryset = InspectionGroup.objects.filter(round=round_)  # type: ignore[attr-defined]
        self.fields["village"].queryset = villages.order_by("code")  # type: ignore[attr-defined]
        self.fields["township"].queryset = AdminUnit.objects.townships().filter(parent=county)  # type: ignore[attr-defined]
        self.fields["villages"].queryset = villages.order_by("code")  # type: ignore[attr-defined]
        self.county = county

    def _chosen(self, name: str) -> Any:
        """A value the user picked, from the posted data or, when the form is re-drawn, from its initial data."""
        return self.data.get(name) if self.is_bound else self.initial.get(name)

    def selected_mode(self) -> str:
        value = self._chosen("mode")
        return value if value in Assignment.Mode.values else Assignment.Mode.DIRECT

    def selected_township(self) -> AdminUnit | None:
        code = self._chosen("township")
        if not code:
            return None
        return self.fields["township"].queryset.filter(code=code).first()  # type: ignore[attr-defined]

    def village_choices(self) -> list[AdminUnit]:
        """Villages offered as check boxes: the chosen township's for 巡乡带村, the whole county's otherwise."""
        queryset = self.fields["villages"].queryset  # type: ignore[attr-defined]
        if self.selected_mode() == Assignment.Mode.TOWNSHIP_WITH_VILLAGES:
            township = self.selected_township()
            return list(queryset.filter(parent=township)) if township else []
        return list(queryset)

    def chosen_codes(self) -> set[str]:
        if self.is_bound:
            return set(self.data.getlist("villages")) if isinstance(self.data, QueryDict) else set()
        return set(self.initial.get("villages") or [])

    def target_and_villages(self) -> tuple[AdminUnit | None, list[AdminUnit]]:
        data = self.cleaned_data
        mode = data["mode"]
        if mode == Assignment.Mode.DIRECT:
            return data.get("village"), []
        if mode == Assignment.Mode.TOWNSHIP_WITH_VILLAGES:
            return data.get("township"), list(data.get("villages") or [])
        return self.county, list(data.get("villages") or [])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mode = data.get("mode")
        if mode == Assignment.Mode.DIRECT and not data.get("village"):
            self.add_error("village", _("Choose the village."))
        if mode == Assignment.Mode.TOWNSHIP_WITH_VILLAGES and not data.get("township"):
            self.add_error("township", _("Choose the township."))
        return data


class RecusalForm(forms.Form):
    person = PersonChoiceField(label=_("Person"), queryset=User.objects.none(), empty_label=None)
    unit = UnitChoiceField(
        label=_("Township or village"),
        queryset=AdminUnit.objects.none(),
        to_field_name="code",
        empty_label=_("Choose…"),
    )
    tie = forms.ChoiceField(label=_("Tie"), choices=Recusal.Tie.choices)
    detail = forms.CharField(label=_("Detail"), max_length=200, required=False, help_text=_("e.g. 其兄任村委会主任"))

    def __init__(self, *args: Any, people: QuerySet[User], units: QuerySet[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactChannel.Kind.choices)
    value = forms.CharField(label=_("Number or address"), max_length=200)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
