"""Pages that belong to no domain app: the home redirect and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from xuncha.accounts.models import Role
from xuncha.accounts.scoping import grants_of, group_ids_of
from xuncha.core.http import AuthenticatedHttpRequest
from xuncha.organisations.models import AdminUnit

# Where each role lands after signing in, most specific first.
LANDING_ORDER = [
    Role.OFFICE_LEAD,
    Role.OFFICE,
    Role.LEADER,
    Role.TOWNSHIP,
    Role.VILLAGE,
    Role.DISCIPLINE,
    Role.ORG_DEPT,
]
DASHBOARD_LANDING = {Role.OFFICE_LEAD, Role.OFFICE, Role.LEADER}


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send each user to their own starting page: the dashboard for the office and leaders, their township's or
    village's page, their rounds."""
    grants = grants_of(request.user)
    for role in LANDING_ORDER:
        grant = next((grant for grant in grants if grant.role == role), None)
        if grant is not None and grant.unit_id is not None:
            unit = AdminUnit.objects.only("code").get(pk=grant.unit_id)
            # The office and leaders start from the figures at a glance; others from their own unit's page.
            view = "dashboard:unit" if role in DASHBOARD_LANDING else "organisations:unit-detail"
            return redirect(view, code=unit.code)
    if group_ids_of(request.user):
        return redirect("inspections:round-list")
    roles = {grant.role for grant in grants}
    if Role.AUDITOR in roles:
        return redirect("audit:event-list")
    if roles & {Role.SYSADMIN, Role.SECURITY_ADMIN} or request.user.is_staff:
        return redirect(reverse("admin:index"))
    return render(request, "core/no_role.html")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
