"""The audit trail in the admin: read-only, and an ``AuditedAdmin`` base that records every admin write."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.db import models
from django.forms import ModelForm, model_to_dict
from django.http import HttpRequest

from xuncha.audit.actions import record_event
from xuncha.audit.chain import to_json_value
from xuncha.audit.models import AccessLog, Event

if TYPE_CHECKING:
    from xuncha.accounts.models import User


# Never copied into the audit trail, not even as a hash.
SECRET_FIELDS = frozenset({"password"})


def _values(obj: models.Model) -> dict[str, Any]:
    """The object's own columns (many-to-many links and secrets left out) as JSON-ready values."""
    names = [field.name for field in obj._meta.concrete_fields if field.name not in SECRET_FIELDS]
    return to_json_value(model_to_dict(obj, fields=names))


def admin_actor(request: HttpRequest) -> User:
    """The signed-in staff member behind an admin request (the admin site requires a login)."""
    return cast("User", request.user)


class AuditedAdmin(admin.ModelAdmin):
    """Master data edited in the admin is audited like any other change (before/after, actor)."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm[Any], change: bool) -> None:
        before = _values(type(obj)._default_manager.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        verb = "admin.changed" if change else "admin.created"
        record_event(verb, obj, actor=admin_actor(request), before=before, after=_values(obj))

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        record_event("admin.deleted", obj, actor=admin_actor(request), before=_values(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "created_at", "actor_label", "verb", "object_type", "object_repr"]
    list_filter = ["verb", "object_type"]
    search_fields = ["object_repr", "actor_label", "verb"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action"]
