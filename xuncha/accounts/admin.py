from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from xuncha.accounts import actions
from xuncha.accounts.models import Role, RoleGrant, User, holds_system_role
from xuncha.audit.actions import record_event
from xuncha.audit.admin import AuditedAdmin, admin_actor


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "title", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "display_name", "title"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["display_name", "title", "phone", "email"]}),
        (_("Access"), {"fields": ["is_active", "is_staff"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["username", "display_name", "title", "password1", "password2"]})]
    # Admin access follows from the system roles (accounts.actions), never from a tick box.
    readonly_fields = ["is_staff", "last_login", "date_joined"]

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        """三员分立: the system administrator cannot take over the accounts of the other administrators."""
        if obj is not None and obj.pk != request.user.pk and holds_system_role(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False  # accounts are deactivated, never deleted: the audit trail refers to them

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Setting a password in the admin is audited (without the password or its hash)."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                if user is not None:
                    record_event("accounts.password_set", user, actor=admin_actor(request))
        return response


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Grants are made and withdrawn through the actions, so that each is checked and audited."""

    list_display = ["user", "role", "unit", "includes_descendants", "granted_by", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "unit__name"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["unit"]
    fields = ["user", "role", "unit", "includes_descendants"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: ModelForm[Any], change: bool) -> None:
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
