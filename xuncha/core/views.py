"""Pages that belong to no domain app: the home redirect and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from xuncha.accounts.models import Role
from xuncha.accounts.permissions import can_grant_roles, can_manage_accounts, can_read_audit_log, landing_grant
from xuncha.accounts.scoping import roles_of
from xuncha.core.http import AuthenticatedHttpRequest
from xuncha.inspections.scoping import group_ids_of
from xuncha.organisations.models import AdminUnit


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send each user to their own starting page: the dashboard for the office and leaders, their township's or
    village's page, their rounds, a department's items handed to it."""
    grant = landing_grant(request.user)
    if grant is not None and grant.unit_id is not None:
        unit = AdminUnit.objects.only("code").get(pk=grant.unit_id)
        # The office and county leaders (who read the whole county) start from the figures at a glance; others
        # from their own unit's page.
        view = "dashboard:unit" if grant.role.reads_county else "organisations:unit-detail"
        return redirect(view, code=unit.code)
    if group_ids_of(request.user):
        return redirect("inspections:round-list")
    # A county department works only on the items handed to it.
    if Role.DEPARTMENT in roles_of(request.user):
        return redirect("rectification:handed-items")
    # The three administrators of 三员分立 start from their own pages (each holds only one of these roles).
    if can_manage_accounts(request.user):
        return redirect("accounts:system")
    if can_grant_roles(request.user):
        return redirect("accounts:security")
    if can_read_audit_log(request.user):
        return redirect("accounts:auditor")
    if request.user.is_staff:
        return redirect(reverse("admin:index"))
    return render(request, "core/no_role.html")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
