"""Filing a closed round (立卷归档): ``archive_round`` makes the round read-only and queues, per assignment, the
building of its file (``build_archive``, run by the worker ``xuncha db_worker`` through ``build_archive_task``, or at
once by ``xuncha archive`` and the demo).

The file is kept under ``MEDIA_ROOT/archives/`` with a random name; its SHA-256 and size are recorded on the
``Archive`` and in the audit trail. A failure marks the archive FAILED with its message (logged, never swallowed);
the office may build the failed ones again (``archive_round`` once more).

The retention period (保管期限) is the ``ARCHIVE_RETENTION`` setting (``XUNCHA_ARCHIVE_RETENTION``: ``PERMANENT``
by default, or ``Y30``, ``Y10``).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xuncha.accounts.actors import SYSTEM, Actor, require, user_or_none
from xuncha.archive import permissions
from xuncha.archive.building import write_file
from xuncha.archive.models import Archive, Retention
from xuncha.audit.actions import record_event
from xuncha.core.exceptions import TransitionNotAllowed
from xuncha.inspections.models import Round

if TYPE_CHECKING:
    from xuncha.inspections.models import Assignment

logger = logging.getLogger(__name__)

ARCHIVE_DIR = "archives"
# Files are written in the worker: a failed build is kept (FAILED) so that the page can say why; a new request builds
# the assignments whose file is not ready or being built.
PENDING = (Archive.Status.BUILDING, Archive.Status.READY)


def retention() -> str:
    """The retention period of new files (``XUNCHA_ARCHIVE_RETENTION``; settings refuse any other value)."""
    return str(getattr(settings, "ARCHIVE_RETENTION", Retention.PERMANENT))


@transaction.atomic
def archive_round(round_: Round, *, actor: Actor, inline: bool = False) -> list[Archive]:
    """File a CLOSED round: mark it archived (read-only from now on, see ``inspections.archived``) and build the file
    of each of its assignments that has none ready or being built. ``inline`` builds them now, in this call (the
    command and the demo); otherwise the worker builds them after the commit.

    Refused unless the actor is the county's office (or ``SYSTEM``) and the round is CLOSED.
    """
    require(actor, permissions.can_archive(actor, round_), _("Only the inspection office files a round."))
    locked = Round.objects.select_for_update().select_related("term__county").get(pk=round_.pk)
    if locked.status != Round.Status.CLOSED:
        raise TransitionNotAllowed(
            _("A round is filed once it is closed; this one is %(status)s.") % {"status": locked.get_status_display()}
        )
    if locked.archived_at is None:
        locked.archived_at = timezone.now()
        locked.save(update_fields=["archived_at"])
        record_event(
            "archive.round_archived",
            locked,
            actor=actor,
            unit=locked.term.county,
            after={"archived_at": locked.archived_at.isoformat()},
        )
    round_.archived_at = locked.archived_at
    busy = Archive.objects.filter(round=locked, status__in=PENDING).values("assignment_id")
    assignments = locked.assignments.exclude(pk__in=busy).select_related("group", "target").order_by("pk")
    archives: list[Archive] = []
    for assignment in assignments:
        archive = Archive.objects.create(round=locked, assignment=assignment, retention=retention())
        record_event(
            "archive.requested",
            archive,
            actor=actor,
            unit=assignment.target,
            after={"assignment": assignment.pk, "retention": archive.retention},
        )
        archives.append(archive)
    if inline:
        return [build_archive(archive, actor=actor) for archive in archives]
    ids, language = [archive.pk for archive in archives], translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: [build_archive_task.enqueue(pk, language) for pk in ids])
    return archives


@task()
def build_archive_task(archive_id: int, language: str) -> None:
    """The worker's part: build the file and record how it went."""
    with translation.override(language):
        build_archive(Archive.objects.get(pk=archive_id), actor=SYSTEM)


def build_archive(archive: Archive, *, actor: Actor) -> Archive:
    """Write the file of the archive's assignment, saving its progress as it goes (outside a transaction each save
    commits on its own, so that the page polling it sees the bar move). Any failure marks it FAILED, with an event.
    An archive no longer BUILDING (a task run twice) is left as it is."""
    require(actor, permissions.can_archive(actor, archive.round), _("Only the inspection office files a round."))
    archive = Archive.objects.select_related("round__term__county", "assignment__group", "assignment__target").get(
        pk=archive.pk
    )
    if archive.status != Archive.Status.BUILDING:
        return archive
    assignment: Assignment = archive.assignment

    def progress(done: int, total: int) -> None:
        Archive.objects.filter(pk=archive.pk).update(done=done, total=total)

    relative = f"{ARCHIVE_DIR}/{secrets.token_hex(16)}.zip"
    path = Path(settings.MEDIA_ROOT) / relative
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        label = str(actor) if user_or_none(actor) is None else f"{actor} ({actor.get_username()})"
        with path.open("wb") as handle:
            built = write_file(
                handle,
                assignment,
                built_by=label,
                retention={"code": archive.retention, "label": _label(archive.retention)},
                progress=progress,
            )
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except Exception as exc:
        logger.exception("Archive %s of %s failed", archive.pk, assignment)
        path.unlink(missing_ok=True)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        Archive.objects.filter(pk=archive.pk).update(status=Archive.Status.FAILED, error=error)
        record_event(
            "archive.failed", archive, actor=actor, unit=assignment.target, after={"error": type(exc).__name__}
        )
    else:
        size = path.stat().st_size
        Archive.objects.filter(pk=archive.pk).update(
            status=Archive.Status.READY,
            file=relative,
            sha256=digest,
            size=size,
            built_at=timezone.now(),
            built_by=user_or_none(actor),
            error="",
        )
        record_event(
            "archive.built",
            archive,
            actor=actor,
            unit=assignment.target,
            after={
                "sha256": digest,
                "size": size,
                "members": built.members,
                "handed_in": {part.title: part.count for part in built.handed_in},
                "retention": archive.retention,
            },
        )
    archive.refresh_from_db()
    return archive


def _label(code: str) -> str:
    with translation.override("zh-hans"):
        return str(Retention(code).label)


def archive_path(archive: Archive) -> Path | None:
    """Where a ready file lies (None if it is not ready or the file has gone)."""
    if archive.status != Archive.Status.READY or not archive.file:
        return None
    path = Path(settings.MEDIA_ROOT) / archive.file
    return path if path.is_file() else None


def archive_name(archive: Archive) -> str:
    return f"{archive.round}{archive.assignment.group}卷宗.zip"
