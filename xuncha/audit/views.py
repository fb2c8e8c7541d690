"""The auditor's view of the event log and the state of its hash chain."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from xuncha.accounts.permissions import can_read_audit_log
from xuncha.audit.actions import log_access
from xuncha.audit.chain import verify_chain
from xuncha.audit.models import AccessLog, Event
from xuncha.core.http import AuthenticatedHttpRequest, client_ip

EVENTS_PER_PAGE = 50


@login_required
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every recorded change, newest first, filterable by action, actor and object; the chain is verified on
    request (it reads the whole log)."""
    if not can_read_audit_log(request.user):
        raise Http404
    events = Event.objects.visible_to(request.user).select_related("actor", "unit")
    verb = request.GET.get("verb", "").strip()
    actor = request.GET.get("actor", "").strip()
    object_type = request.GET.get("object_type", "").strip()
    if verb:
        events = events.filter(verb__startswith=verb)
    if actor:
        events = events.filter(actor_label=actor)
    if object_type:
        events = events.filter(object_type=object_type)
    page = Paginator(events.order_by("-seq"), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    report = verify_chain() if request.GET.get("verify") else None
    log_access(request.user, AccessLog.Action.AUDIT_READ, detail=request.GET.urlencode(), ip_address=client_ip(request))
    context = {
        "page_obj": page,
        "report": report,
        "verb": verb,
        "actor": actor,
        "object_type": object_type,
        "access_logs": AccessLog.objects.select_related("user").order_by("-created_at")[:20],
    }
    return render(request, "audit/event_list.html", context)
