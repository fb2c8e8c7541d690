"""A round's feedback documents (巡察反馈意见, one per village fed back) as one .zip, built by the worker.

The office asks for a bundle; the request is queued and `xuncha db_worker` builds it document by document, saving
its progress so that the page can show a bar. The .zip is kept under ``MEDIA_ROOT/bundles/`` with a random name and
served only to those who may ask for it. A failure is recorded on the bundle and shown; nothing is swallowed.
"""

from __future__ import annotations

import io
import logging
import secrets
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.actions import log_access
from xuncha.audit.models import AccessLog
from xuncha.core.exceptions import Conflict, PermissionDenied
from xuncha.documents import permissions
from xuncha.documents.models import Bundle
from xuncha.inspections.models import Round
from xuncha.rectification.models import Feedback

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser

logger = logging.getLogger(__name__)

BUNDLE_DIR = "bundles"


def bundle_feedbacks(round_: Round) -> list[Feedback]:
    """The published feedback of the round, one per village in the order of the villages' codes, with everything
    their documents read (a fixed number of queries for the whole round)."""
    from xuncha.documents.builders import feedback as feedback_document

    return list(feedback_document.for_documents(Feedback.objects.filter(round=round_).order_by("village__code")))


@transaction.atomic
def request_bundle(round_: Round, *, actor: User, ip_address: str | None = None) -> Bundle:
    """Queue a bundle of the round's feedback documents (the office only; a round without feedback has none)."""
    if not permissions.can_bundle(actor, round_):
        raise PermissionDenied(_("Only the inspection office bundles a round's feedback documents."))
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
    build_bundle(Bundle.objects.get(pk=bundle_id))


def build_bundle(bundle: Bundle) -> Bundle:
    """Render every feedback document of the round into one .zip, saving progress as it goes."""
    from xuncha.documents.builders import feedback as feedback_document

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


def visible_bundle(user: AnyUser, pk: int) -> Bundle:
    """A bundle of a round the user sees and may bundle; 404 for anything else, whether it exists or not."""
    rounds = Round.objects.visible_to(user)
    bundle = get_object_or_404(Bundle.objects.filter(round__in=rounds).select_related("round__term"), pk=pk)
    if not permissions.can_bundle(user, bundle.round):
        raise Http404
    return bundle


def bundle_path(bundle: Bundle) -> Path | None:
    """Where a finished bundle's .zip lies (None if it is not finished or the file has gone)."""
    if bundle.status != Bundle.Status.DONE or not bundle.file:
        return None
    path = Path(settings.MEDIA_ROOT) / bundle.file
    return path if path.is_file() else None


def bundle_name(bundle: Bundle) -> str:
    return f"{bundle.round}巡察反馈意见.zip"
