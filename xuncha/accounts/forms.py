"""Forms of the account pages: a two-factor code; the administrators' new account and role grant."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import Role, User
from xuncha.organisations.models import AdminUnit


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)


class AccountForm(StyledForm):
    """A new account: who it is. No password: the security administrator issues a temporary one."""

    username = forms.CharField(label=_("user name"), max_length=150)
    display_name = forms.CharField(label=_("name"), max_length=50)
    title = forms.CharField(label=_("post"), max_length=100, required=False)


class AccountChoiceField(forms.ModelChoiceField):
    """Accounts by name and post; the login name follows, since the security administrator works on accounts and two
    people may share a name."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name_and_post} · {obj.username}" if obj.display_name else obj.username


class GrantForm(StyledForm):
    """A role for an account, over a unit given by its code (the three administrators' roles take none)."""

    user = AccountChoiceField(label=_("user"), queryset=User.objects.none(), empty_label=_("Choose an account"))
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    unit_code = forms.CharField(label=_("unit code"), max_length=12, required=False)
    includes_descendants = forms.BooleanField(label=_("includes the units below"), required=False, initial=True)

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]

    def clean_unit_code(self) -> AdminUnit | None:
        code = self.cleaned_data["unit_code"].strip()
        if not code:
            return None
        unit = AdminUnit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No unit has the code %(code)s."), params={"code": code})
        return unit


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app (six digits) or one recovery code."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
    )
