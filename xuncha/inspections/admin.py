from django.contrib import admin

from xuncha.audit.admin import ReadOnlyAdmin
from xuncha.inspections.models import Assignment, InspectionGroup, Membership, Recusal, Round, Term


@admin.register(Term)
class TermAdmin(ReadOnlyAdmin):
    list_display = ["name", "county", "number", "start_date", "end_date"]


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "term", "number", "kind", "status", "start_date", "end_date"]
    list_filter = ["status", "kind"]


@admin.register(InspectionGroup)
class InspectionGroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "round", "number"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["group", "user", "role"]


@admin.register(Recusal)
class RecusalAdmin(ReadOnlyAdmin):
    list_display = ["user", "unit", "tie", "detail", "declared_at"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "round", "group", "mode", "target", "stationed_from", "stationed_until"]
    list_filter = ["mode"]
