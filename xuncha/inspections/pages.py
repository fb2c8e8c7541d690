"""Pages of inspections that other apps render too: an assignment's page, which carries the group's workbench and
to which a refused problem form comes back."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from xuncha.core.http import AuthenticatedHttpRequest
from xuncha.findings.forms import ProblemForm
from xuncha.findings.workbench import workbench_context
from xuncha.inspections import permissions
from xuncha.inspections.forms import ChannelForm
from xuncha.inspections.models import Assignment, ContactChannel, Round
from xuncha.organisations.models import AdminUnit


def assignment_page(
    request: AuthenticatedHttpRequest,
    assignment: Assignment,
    *,
    problem_form: ProblemForm | None = None,
    photos_dropped: bool = False,
    status: int = 200,
) -> HttpResponse:
    """An assignment's page with the group's workbench; a refused problem form comes back in it as typed."""
    context = {
        "assignment": assignment,
        # A township sees, of a special inspection across the county, only its own villages (named apart from the
        # workbench's ``villages``, all the villages the group works in).
        "covered_villages": AdminUnit.objects.visible_to(request.user)
        .filter(assignments=assignment)
        .select_related("parent")
        .order_by("code"),
        "members": assignment.group.memberships.select_related("user").order_by("role"),
        "can_cancel": permissions.can_cancel_assignment(request.user, assignment)
        and assignment.round.status == Round.Status.PLANNED,
        "channels": ContactChannel.objects.visible_to(request.user).filter(assignment=assignment),
        "channel_form": ChannelForm() if permissions.can_manage_channels(request.user, assignment) else None,
        "photos_dropped": photos_dropped,
        **workbench_context(request, assignment, problem_form=problem_form),
    }
    return render(request, "inspections/assignment_detail.html", context, status=status)
