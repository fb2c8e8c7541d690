"""The worker's part of a large import (``xuncha db_worker`` runs it)."""

from __future__ import annotations

from django.tasks import task
from django.utils import translation

from xuncha.documents.imports.runner import run_import
from xuncha.documents.models import ImportRun


class ImportFailed(RuntimeError):
    """The import failed; the run records why. Raised again so that the task's own result says so too."""


@task()
def run_import_task(run_id: int, language: str) -> None:
    """Run a queued import, writing its row reasons in the uploader's language."""
    with translation.override(language):
        run = run_import(ImportRun.objects.select_related("uploaded_by", "unit", "assignment").get(pk=run_id))
    if run.status == ImportRun.Status.FAILED:
        raise ImportFailed(run.errors[0]["reason"] if run.errors else run_id)
