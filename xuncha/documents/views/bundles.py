"""The documents page, and round bundles: queue one, watch its progress, download the .zip."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xuncha.audit.actions import log_access
from xuncha.audit.models import AccessLog
from xuncha.core.exceptions import ActionRefused
from xuncha.core.http import AuthenticatedHttpRequest, client_ip, refusal
from xuncha.documents import actions, bundles, permissions, queries
from xuncha.documents.files import ZIP
from xuncha.documents.models import Bundle
from xuncha.inspections.models import Round

ROUNDS_SHOWN = 12


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the user may take away: their units' ledgers and reports, and the rounds' documents and bundles."""
    units = queries.own_units(request.user).select_related("parent").order_by("code")
    rounds = list(
        Round.objects.visible_to(request.user)
        .distinct()
        .select_related("term__county")
        .order_by("-term__start_date", "-number")[:ROUNDS_SHOWN]
    )
    latest: dict[int, Bundle] = {}
    for bundle in Bundle.objects.filter(round__in=rounds).order_by("round_id", "-requested_at", "-pk"):
        latest.setdefault(bundle.round_id, bundle)
    rows = [
        {"round": round_, "bundle": latest.get(round_.pk), "can_bundle": permissions.can_bundle(request.user, round_)}
        for round_ in rounds
    ]
    return render(request, "documents/index.html", {"units": units, "rows": rows})


@login_required
@require_POST
def bundle_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.visible_to(request.user).distinct(), pk=pk)
    try:
        bundle = actions.request_bundle(round_, actor=request.user, ip_address=client_ip(request))
    except ActionRefused as exc:
        refusal(request, exc)
        return redirect("documents:index")
    return redirect("documents:bundle-detail", pk=bundle.pk)


@login_required
@require_GET
def bundle_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The bundle's progress; while it is being built the bar polls itself (htmx) until the .zip is ready."""
    bundle = get_object_or_404(Bundle.objects.visible_to(request.user).select_related("round__term"), pk=pk)
    template = "documents/partials/_bundle.html" if request.htmx else "documents/bundle.html"
    gone = bundle.status == Bundle.Status.DONE and bundles.bundle_path(bundle) is None
    return render(request, template, {"bundle": bundle, "gone": gone})


@login_required
@require_GET
def bundle_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    bundle = get_object_or_404(Bundle.objects.visible_to(request.user).select_related("round__term"), pk=pk)
    path = bundles.bundle_path(bundle)
    if path is None:
        raise Http404(_("This bundle is not ready."))
    detail = f"bundle {bundle.round}"
    log_access(request.user, AccessLog.Action.EXPORTED, bundle, detail=detail, ip_address=client_ip(request))
    name = bundles.bundle_name(bundle)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=ZIP)
    response["Cache-Control"] = "private, no-store"
    return response
