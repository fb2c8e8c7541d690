"""Pages of the spreadsheet imports: the user's recent imports, the blank sheets, the upload form and an import's
page, whose progress bar polls (htmx) until the import is done and which then lists every bad row."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.vary import vary_on_headers

from xuncha.core.exceptions import ActionRefused
from xuncha.core.http import AuthenticatedHttpRequest
from xuncha.documents.actions import start_import
from xuncha.documents.imports.base import Importer
from xuncha.documents.imports.forms import ImportForm
from xuncha.documents.imports.kinds import IMPORTERS, KIND_BY_SLUG
from xuncha.documents.imports.templates import template
from xuncha.documents.models import ImportRun

RECENT_RUNS = 30
# The page lists this many bad rows; the API gives them all.
SHOWN_ERRORS = 1000


def _importer(slug: str) -> type[Importer[Any]]:
    if slug not in KIND_BY_SLUG:
        raise Http404
    return IMPORTERS[KIND_BY_SLUG[slug]]


@login_required
def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's recent imports, and the kinds of import the user may start."""
    kinds = [importer for importer in IMPORTERS.values() if importer.targets(request.user).exists()]
    runs = ImportRun.objects.visible_to(request.user).select_related("unit", "assignment__group")[:RECENT_RUNS]
    return render(request, "documents/imports/list.html", {"kinds": kinds, "runs": runs})


@login_required
def import_template(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """The blank sheet of a kind of import (it holds no data, so anyone signed in may have it)."""
    return template(_importer(kind).kind).response()


@login_required
def import_new(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """The upload form; a sound file starts the import and leads to its page, a refused one is said on the form."""
    importer = _importer(kind)
    if not importer.targets(request.user).exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, importer=importer, user=request.user)
    if request.method == "POST" and form.is_valid():
        target = {importer.target_field: form.cleaned_data["target"]}
        try:
            run = start_import(importer.kind, form.cleaned_data["file"], actor=request.user, **target)
        except ActionRefused as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("documents:import-detail", run.pk)
    context = {"form": form, "importer": importer}
    return render(request, "documents/imports/new.html", context, status=400 if form.errors else 200)


@login_required
@vary_on_headers("HX-Request")
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An import's status and report; htmx polls the progress partial every second while it runs."""
    run = get_object_or_404(
        ImportRun.objects.visible_to(request.user).select_related("unit", "assignment__group"), pk=pk
    )
    context = {"run": run, "errors": run.errors[:SHOWN_ERRORS], "hidden_errors": max(len(run.errors) - SHOWN_ERRORS, 0)}
    partial = request.htmx and not request.htmx.history_restore_request
    name = "documents/imports/partials/_progress.html" if partial else "documents/imports/detail.html"
    return render(request, name, context)
