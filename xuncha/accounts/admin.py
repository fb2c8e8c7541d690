"""Accounts in the Django admin, held to 三员分立.

The system administrator creates accounts (without a password: the security administrator issues a temporary one)
and edits people's details; nobody sets another person's password here, and grants are the security administrator's,
made and withdrawn through the actions. Everything refused is refused with a page that says why.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.accounts import actions
from xuncha.accounts.models import Role, RoleGrant, User, holds_system_role
from xuncha.accounts.permissions import separation_conflict
from xuncha.audit.admin import AuditedAdmin, admin_actor


def refused(request: HttpRequest, message: str) -> HttpResponse:
    """A 403 page in the platform's look that says why."""
    return TemplateResponse(request, "accounts/refused.html", {"message": message}, status=403)


class AccountCreationForm(forms.ModelForm[User]):
    """A new account: who it is, never a password."""

    class Meta:
        model = User
        fields = ["username", "display_name", "title"]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "title", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "display_name", "title"]
    fieldsets = [
        (None, {"fields": ["username"]}),
        (_("Person"), {"fields": ["display_name", "title", "phone", "email"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "must_change_password"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined", "password_changed_at"]}),
    ]
    add_form = AccountCreationForm
    add_fieldsets = [(None, {"fields": ["username", "display_name", "title"]})]
    # Admin access follows from the system roles (accounts.actions), never from a tick box; an account is disabled
    # through ``disable_user`` (the system administrator's page), so that it is checked and audited as such.
    readonly_fields = [
        "is_active",
        "is_staff",
        "must_change_password",
        "last_login",
        "date_joined",
        "password_changed_at",
    ]

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        """三员分立: the system administrator cannot take over the accounts of the other administrators."""
        if obj is not None and obj.pk != request.user.pk and holds_system_role(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False  # accounts are deactivated, never deleted: the audit trail refers to them

    def save_model(self, request: HttpRequest, obj: Model, form: forms.ModelForm[Any], change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        account = cast("User", obj)
        created = actions.create_user(
            account.username,
            display_name=account.display_name,
            title=account.title,
            password=None,
            actor=admin_actor(request),
        )
        obj.pk = created.pk
        obj._state.adding = False

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """No one sets another person's password (the security administrator resets it to a temporary one, which
        its owner must change); one's own goes through the password-change page."""
        if str(request.user.pk) == str(id):
            return redirect("accounts:password-change")
        return refused(
            request,
            gettext(
                "No one sets another person's password here. The security administrator resets credentials; the "
                "owner then chooses a new password."
            ),
        )


class RoleGrantForm(forms.ModelForm[RoleGrant]):
    """Refuses a grant that would break 三员分立 with the reason, before the action is asked."""

    class Meta:
        model = RoleGrant
        fields = ["user", "role", "unit", "includes_descendants"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        user, role = cleaned.get("user"), cleaned.get("role")
        if user is not None and role:
            held = RoleGrant.objects.filter(user=user).values_list("role", flat=True)
            conflict = separation_conflict(held, Role(role))
            if conflict is not None:
                raise forms.ValidationError(conflict)
        return cleaned


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Grants are made and withdrawn through the actions, so that each is checked and audited."""

    form = RoleGrantForm
    list_display = ["user", "role_title", "unit", "includes_descendants", "granted_by", "created_at"]
    list_select_related = ["user", "unit", "granted_by"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "unit__name"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["unit"]
    fields = ["user", "role", "unit", "includes_descendants"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("role"), ordering="role")
    def role_title(self, obj: RoleGrant) -> str:
        """The role's title over the granted unit (a leader over a city is 市领导)."""
        return obj.role_title()

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: forms.ModelForm[Any], change: bool) -> None:
        created = actions.grant_role(
            obj.user,
            Role(obj.role),
            obj.unit,
            actor=admin_actor(request),
            includes_descendants=obj.includes_descendants,
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: RoleGrant) -> None:
        actions.revoke_role(obj, actor=admin_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for grant in queryset:
            actions.revoke_role(grant, actor=admin_actor(request))
