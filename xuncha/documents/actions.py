"""Writes of the documents app: round bundles and spreadsheet imports, each started in a request and finished there
or by the worker (``xuncha db_worker`` runs the tasks defined here, next to the code they run).

*Bundles.* The office asks for a bundle of a round's feedback documents; the request is queued and the worker builds
it document by document, saving its progress so that the page can show a bar. The .zip is kept under
``MEDIA_ROOT/bundles/`` with a random name. A failure is recorded on the bundle and shown; nothing is swallowed.

*Imports.* ``start_import`` refuses at once what is not a readable .xlsx (``ImportRefused``, nothing kept) and what
the user may not import (``PermissionDenied``); otherwise it stores the file under ``MEDIA_ROOT/imports/`` with a
random name and records an ``ImportRun``. A small sheet is run at once, in the request; a larger one is queued for
the worker (``run_import_task``). Either way the rows are written as the uploader, whose right to import was checked
when the run was started: the domain's actions check each row again as that user.

``run_import`` works in two phases, a choice that behaves the same on SQLite and PostgreSQL:

1. *Check*, outside any transaction: every row is checked against the database and every bad row is collected as
   ``{row, column, value, reason}``. ``done_rows`` is saved every ``PROGRESS_EVERY`` rows; each save commits on its
   own, so the page polling the run (another connection) sees the bar move. If any row is bad the run is REJECTED
   and nothing is written.
2. *Write*, in one transaction: each row goes through the domain's actions, which write their own audit events,
   and one event records the import with its counts. Progress saved inside that transaction would be invisible to
   other connections until the commit (and on SQLite the polling page could not write either), so the bar shows the
   checked rows and jumps to the end when the write commits. If an action still refuses a row (someone changed it
   meanwhile), everything is rolled back and the run is REJECTED with that row's reason.

An unexpected exception marks the run FAILED with its message, and is logged; the reasons of a REJECTED run are in
the uploader's language.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
import zipfile
from collections import Counter
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xuncha.accounts.actors import SYSTEM, Actor, require
from xuncha.audit.actions import batch, log_access, record_event
from xuncha.audit.models import AccessLog
from xuncha.core.exceptions import ActionRefused, Conflict
from xuncha.core.tabular import ImportRejected, RowError
from xuncha.documents import permissions
from xuncha.documents.bundles import BUNDLE_DIR, bundle_feedbacks
from xuncha.documents.imports.base import Importer, Outcome, Planned
from xuncha.documents.imports.kinds import IMPORTERS, importer_for
from xuncha.documents.imports.reader import check_file, read_sheet
from xuncha.documents.models import Bundle, ImportRun
from xuncha.rectification.models import Feedback

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from xuncha.accounts.models import User
    from xuncha.inspections.models import Assignment, Round
    from xuncha.organisations.models import AdminUnit

logger = logging.getLogger(__name__)

IMPORT_DIR = "imports"
# Sheets declaring more rows than this are imported by the worker, not in the request; a sheet that declares no
# size (streaming writers, such as the ledger export, leave it out) is judged by its unpacked content instead.
INLINE_MAX_ROWS = 500
INLINE_MAX_CONTENT_BYTES = 1_048_576
PROGRESS_EVERY = 200
# A value shown in the report is cut to this length (a phenomenon can run to pages).
VALUE_MAX = 200


# Bundles -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def request_bundle(round_: Round, *, actor: User, ip_address: str | None = None) -> Bundle:
    """Queue a bundle of the round's feedback documents for the worker to build.

    Only the office of the round's county asks (a bundle is what it sends out, and is served to those who may ask
    for it), so the actor is a person: the request is recorded as theirs in the access log. A round without
    feedback has nothing to bundle (``Conflict``).
    """
    require(
        actor,
        permissions.can_bundle(actor, round_),
        _("Only the inspection office bundles a round's feedback documents."),
    )
    total = Feedback.objects.filter(round=round_).count()
    if not total:
        raise Conflict(_("No village of this round has been fed back yet: there is nothing to bundle."))
    bundle = Bundle.objects.create(round=round_, requested_by=actor, total=total)
    log_access(actor, AccessLog.Action.DOCUMENT, bundle, detail=f"bundle {round_}", ip_address=ip_address)
    bundle_id = bundle.pk
    transaction.on_commit(lambda: build_bundle_task.enqueue(bundle_id))
    return bundle


@task()
def build_bundle_task(bundle_id: int) -> None:
    """The worker's part: build the bundle and record how it went."""
    build_bundle(Bundle.objects.select_related("round__term__county").get(pk=bundle_id), actor=SYSTEM)


def build_bundle(bundle: Bundle, *, actor: Actor) -> Bundle:
    """Render every feedback document of the round into one .zip, saving progress as it goes (each save commits on
    its own, so that the page polling the bundle sees the bar move). The worker builds as ``SYSTEM``.

    Any failure marks the bundle FAILED with its message, and is logged.
    """
    from xuncha.documents.builders import feedback as feedback_document

    require(
        actor,
        permissions.can_bundle(actor, bundle.round),
        _("Only the inspection office bundles a round's feedback documents."),
    )
    Bundle.objects.filter(pk=bundle.pk).update(status=Bundle.Status.RUNNING, done=0)
    try:
        feedbacks = bundle_feedbacks(bundle.round)
        Bundle.objects.filter(pk=bundle.pk).update(total=len(feedbacks))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for number, feedback in enumerate(feedbacks, start=1):
                document = feedback_document.render(feedback)
                archive.writestr(f"{number:03d}-{document.name}", document.content)
                Bundle.objects.filter(pk=bundle.pk).update(done=F("done") + 1)
        relative = f"{BUNDLE_DIR}/{secrets.token_hex(16)}.zip"
        path = Path(settings.MEDIA_ROOT) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue())
    except Exception as exc:
        logger.exception("Bundle %s of %s failed", bundle.pk, bundle.round)
        Bundle.objects.filter(pk=bundle.pk).update(
            status=Bundle.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
    else:
        Bundle.objects.filter(pk=bundle.pk).update(
            status=Bundle.Status.DONE, file=relative, size=path.stat().st_size, finished_at=timezone.now()
        )
    bundle.refresh_from_db()
    return bundle


# Imports -----------------------------------------------------------------------------------------------------------


class ImportFailed(RuntimeError):
    """The import failed; the run records why. Raised again so that the task's own result says so too."""


def start_import(
    kind: str,
    upload: UploadedFile,
    *,
    actor: User,
    unit: AdminUnit | None = None,
    assignment: Assignment | None = None,
) -> ImportRun:
    """Check that ``actor`` may import ``kind`` for ``unit`` or ``assignment`` and that ``upload`` is a sound .xlsx,
    keep the file and record the run; run it now if it is small, else queue it for the worker.

    The actor is a person: the run's rows are written as its uploader, who alone reads its report.
    """
    importer = IMPORTERS.get(kind)
    allowed = importer is not None and importer.may_import(actor, unit=unit, assignment=assignment)
    require(actor, allowed, importer.refusal() if importer else _("There is no such kind of import."))
    importer = importer_for(kind)
    importer.check_target(unit=unit, assignment=assignment)
    size = upload.size or 0
    sheet_size = check_file(upload, size)
    upload.seek(0)
    data = upload.read()
    relative = f"{IMPORT_DIR}/{secrets.token_hex(16)}.xlsx"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    run = ImportRun.objects.create(
        kind=kind,
        uploaded_by=actor,
        unit=unit if importer.target_field == "unit" else None,
        assignment=assignment if importer.target_field == "assignment" else None,
        file_name=PurePath(upload.name or "upload.xlsx").name[:200],
        file=relative,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    if sheet_size.rows is not None:
        small = sheet_size.rows <= INLINE_MAX_ROWS
    else:
        small = sheet_size.content_bytes <= INLINE_MAX_CONTENT_BYTES
    if small:
        return run_import(run)
    run_id, language = run.pk, translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: run_import_task.enqueue(run_id, language))
    return run


@task()
def run_import_task(run_id: int, language: str) -> None:
    """The worker's part of a large import: run it, writing its row reasons in the uploader's language."""
    with translation.override(language):
        run = run_import(ImportRun.objects.select_related("uploaded_by", "unit", "assignment").get(pk=run_id))
    if run.status == ImportRun.Status.FAILED:
        raise ImportFailed(run.errors[0]["reason"] if run.errors else run_id)


def run_import(run: ImportRun) -> ImportRun:
    """Check every row of the run's file, then write them all in one transaction, or none (see the module's text).

    The rows are written as the run's uploader (``run.uploaded_by``), whether in the request or in the worker.
    """
    _update(run, status=ImportRun.Status.RUNNING, done_rows=0, errors=[])
    try:
        counts = _run(run)
    except ImportRejected as exc:
        rows = sorted(exc.errors, key=lambda error: error.line)
        _update(run, status=ImportRun.Status.REJECTED, errors=[_report(error) for error in rows])
    except ActionRefused as exc:  # the file itself turned out unreadable
        _update(run, status=ImportRun.Status.REJECTED, errors=[_report(RowError(0, _("file"), exc.message))])
    except Exception as exc:
        logger.exception("Import %s (%s, %s) failed", run.pk, run.kind, run.file_name)
        failure = RowError(0, "", f"{type(exc).__name__}: {exc}")
        _update(run, status=ImportRun.Status.FAILED, errors=[_report(failure)])
    else:
        _update(
            run,
            status=ImportRun.Status.DONE,
            done_rows=run.total_rows,
            created=counts[Outcome.CREATED],
            updated=counts[Outcome.UPDATED],
            unchanged=counts[Outcome.UNCHANGED],
        )
    return run


def _run(run: ImportRun) -> Counter[Outcome]:
    importer_class = importer_for(run.kind)
    with (Path(settings.MEDIA_ROOT) / run.file).open("rb") as handle:
        sheet = read_sheet(handle, importer_class.columns)
    _update(run, total_rows=len(sheet.rows))
    importer = importer_class(run, sheet)
    importer.prepare()
    planned: list[Planned] = []
    errors: list[RowError] = []
    for done, row in enumerate(sheet.rows, start=1):
        checked = importer.check(row, errors)
        if checked is not None:
            planned.append(checked)
        if done % PROGRESS_EVERY == 0:
            _update(run, done_rows=done)
    if errors:
        raise ImportRejected(errors)
    return _write(run, importer, planned)


def _write(run: ImportRun, importer: Importer[Any], planned: list[Planned]) -> Counter[Outcome]:
    counts: Counter[Outcome] = Counter()
    with transaction.atomic(), batch():
        for row in planned:
            try:
                counts[importer.apply(row)] += 1
            except ActionRefused as exc:
                raise ImportRejected([RowError(row.line, _("row"), exc.message)]) from exc
        try:
            importer.finish()
        except ActionRefused as exc:
            raise ImportRejected([RowError(0, _("row"), exc.message)]) from exc
        record_event(
            "documents.spreadsheet_imported",
            run,
            actor=run.uploaded_by,
            unit=run.unit or (run.assignment.target if run.assignment else None),
            after={
                "kind": run.kind,
                "file": run.file_name,
                "sha256": run.sha256,
                "rows": run.total_rows,
                "created": counts[Outcome.CREATED],
                "updated": counts[Outcome.UPDATED],
                "unchanged": counts[Outcome.UNCHANGED],
            },
        )
    return counts


def _report(error: RowError) -> dict[str, Any]:
    value = error.value if len(error.value) <= VALUE_MAX else error.value[:VALUE_MAX] + "…"
    return {"row": error.line or None, "column": error.column, "value": value, "reason": error.reason}


def _update(run: ImportRun, **fields: Any) -> None:
    """Save ``fields`` of the run at once (each save commits on its own outside the write transaction)."""
    if fields.get("status") in (ImportRun.Status.DONE, ImportRun.Status.REJECTED, ImportRun.Status.FAILED):
        fields["finished_at"] = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)
