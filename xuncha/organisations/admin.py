from django.contrib import admin
from django.http import HttpRequest

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

    # The security administrator grants roles over units: the grant form's unit lookup lists them, read only (with
    # the admin's breadcrumb to the app's index).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or request.user.has_perm("accounts.add_rolegrant")

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return super().has_view_permission(request, obj) or request.user.has_perm("accounts.add_rolegrant")

    def has_add_permission(self, request: object) -> bool:
        return False  # units come from division imports, which keep the tree consistent

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
