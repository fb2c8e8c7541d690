"""The auditor's view of the event log and the state of its hash chain."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from xuncha.accounts.permissions import can_read_audit_log
from xuncha.audit.actions import log_access
from xuncha.audit.chain import verify_chain
from xuncha.audit.labels import VERB_LABELS
from xuncha.audit.models import AccessLog, Event
from xuncha.core.http import AuthenticatedHttpRequest, client_ip

EVENTS_PER_PAGE = 50

type Choices = list[tuple[str, str]]


def _app_label(prefix: str) -> str:
    if prefix == "demo":
        return _("Demo")
    try:
        return str(apps.get_app_config(prefix).verbose_name)
    except LookupError:
        return prefix


def verb_choices() -> list[tuple[str, Choices]]:
    """The actions of the log by their labels, grouped by app; each group opens with all of the app's actions
    (the filter matches a prefix)."""
    groups: dict[str, Choices] = {}
    for verb, label in VERB_LABELS.items():
        prefix = verb.partition(".")[0]
        groups.setdefault(prefix, [(f"{prefix}.", _("All: %(app)s") % {"app": _app_label(prefix)})])
        groups[prefix].append((verb, str(label)))
    return [
        (_app_label(prefix), [choices[0], *sorted(choices[1:], key=lambda choice: choice[1])])
        for prefix, choices in groups.items()
    ]


def object_type_choices() -> Choices:
    """Every model of the platform events can be about, by its verbose name."""
    models = [model for model in apps.get_models() if model.__module__.startswith("xuncha.")]
    choices = [(model._meta.label_lower, str(model._meta.verbose_name)) for model in models]
    return sorted(choices, key=lambda choice: choice[1])


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
        "verb_choices": verb_choices(),
        "object_type_choices": object_type_choices(),
        "access_logs": AccessLog.objects.select_related("user").order_by("-created_at")[:20],
    }
    return render(request, "audit/event_list.html", context)
