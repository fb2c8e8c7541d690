"""Evidence attached to a working paper (the file itself is taken in by the evidence app)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.audit.actions import record_event
from xuncha.core.exceptions import Conflict
from xuncha.evidence.actions import store_evidence
from xuncha.evidence.models import Evidence
from xuncha.findings import permissions
from xuncha.findings.models import (
    Problem,
)
from xuncha.inspections.archived import refuse_if_archived

if TYPE_CHECKING:
    pass


# Evidence ---------------------------------------------------------------------------------------------------------


# Photos taken with a working paper, at most this many in one submit.
MAX_PHOTOS = 10

type Upload = tuple[IO[bytes], str, int]


def _attach(problem: Problem, evidence: Evidence, actor: Actor) -> Evidence:
    problem.evidence.add(evidence)
    record_event(
        "findings.evidence_attached",
        evidence,
        actor=actor,
        unit=problem.village,
        after={"problem": problem.serial, "name": evidence.original_name, "sha256": evidence.sha256},
    )
    return evidence


@transaction.atomic
def attach_evidence(
    problem: Problem, handle: IO[bytes], file_name: str, size: int, *, actor: Actor, caption: str = ""
) -> Evidence:
    """Attach a photo, scan or document to a problem; its type is judged from its content and its size checked."""
    require(actor, permissions.can_upload_evidence(actor, problem), _("You may not add evidence to this paper."))
    refuse_if_archived(problem.round_id)
    evidence = store_evidence(handle, file_name, uploaded_by=user_or_none(actor), caption=caption)
    return _attach(problem, evidence, actor)


@transaction.atomic
def attach_photos(problem: Problem, photos: Sequence[Upload], *, actor: Actor) -> list[Evidence]:
    """Attach the photos sent with a working paper's form (images only, each checked as ``attach_evidence``
    checks a file), in the caller's transaction: one refused photo refuses the whole submit."""
    if not photos:
        return []
    require(actor, permissions.can_upload_evidence(actor, problem), _("You may not add evidence to this paper."))
    refuse_if_archived(problem.round_id)
    if len(photos) > MAX_PHOTOS:
        raise Conflict(_("Send at most %(count)s photos at once.") % {"count": MAX_PHOTOS})
    return [
        _attach(problem, store_evidence(handle, name, uploaded_by=user_or_none(actor), images_only=True), actor)
        for handle, name, _size in photos
    ]
