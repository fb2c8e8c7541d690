from django.contrib import admin

from xuncha.audit.admin import AuditedAdmin
from xuncha.organisations.models import AdminUnit


@admin.register(AdminUnit)
class AdminUnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "short_name", "level", "kind", "category", "parent"]
    list_filter = ["level", "kind", "category"]
    search_fields = ["code", "name", "short_name"]
    readonly_fields = ["code", "level", "parent", "path"]
    list_select_related = ["parent"]
    fields = ["code", "name", "short_name", "level", "kind", "parent", "path", "category", "category_reason", "profile"]

    def has_add_permission(self, request: object) -> bool:
        return False  # units come from division imports, which keep the tree consistent

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
