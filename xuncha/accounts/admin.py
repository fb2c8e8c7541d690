from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xuncha.accounts import actions
from xuncha.accounts.models import Role, RoleGrant, User
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
    readonly_fields = ["last_login", "date_joined"]


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
