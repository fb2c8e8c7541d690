"""Filing a round from its page, watching the files being built, taking one away (the office only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xuncha.archive import actions
from xuncha.archive.models import Archive
from xuncha.audit.actions import log_access
from xuncha.audit.models import AccessLog
from xuncha.core.exceptions import ActionRefused
from xuncha.core.http import AuthenticatedHttpRequest, client_ip, refusal
from xuncha.documents.files import ZIP
from xuncha.inspections.models import Round


@login_required
@require_POST
def round_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office files the closed round: the files are built by the worker; the round page shows them."""
    round_ = get_object_or_404(Round.objects.visible_to(request.user).select_related("term__county"), pk=pk)
    try:
        actions.archive_round(round_, actor=request.user)
        messages.success(request, _("The round is archived; its files are being built."))
    except ActionRefused as exc:
        refusal(request, exc)
    return redirect(round_)


def _visible(request: AuthenticatedHttpRequest, pk: int) -> Archive:
    queryset = Archive.objects.visible_to(request.user).select_related("round__term", "assignment__group")
    return get_object_or_404(queryset, pk=pk)


@login_required
@require_GET
def archive_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One file's row; while it is being built it polls itself (htmx) until it is ready or failed."""
    archive = _visible(request, pk)
    if not request.htmx:
        return redirect(archive.round)
    gone = archive.status == Archive.Status.READY and actions.archive_path(archive) is None
    return render(request, "archive/partials/_archive.html", {"archive": archive, "gone": gone})


@login_required
@require_GET
def archive_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    archive = _visible(request, pk)
    path = actions.archive_path(archive)
    if path is None:
        raise Http404(_("This file is not ready."))
    name = actions.archive_name(archive)
    log_access(request.user, AccessLog.Action.EXPORTED, archive, detail=name, ip_address=client_ip(request))
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=ZIP)
    response["Cache-Control"] = "private, no-store"
    return response
