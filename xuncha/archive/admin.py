from django.contrib import admin

from xuncha.archive.models import Archive
from xuncha.audit.admin import ReadOnlyAdmin


@admin.register(Archive)
class ArchiveAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "round", "status", "retention", "size", "built_at"]
    list_filter = ["status", "retention"]
