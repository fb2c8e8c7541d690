"""Evidence attached to a working paper (the file itself is taken in by the evidence app)."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.audit.actions import record_event
from xuncha.evidence.actions import store_evidence
from xuncha.evidence.models import Evidence
from xuncha.findings import permissions
from xuncha.findings.models import (
    Problem,
)

if TYPE_CHECKING:
    pass


# Evidence ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def attach_evidence(
    problem: Problem, handle: IO[bytes], file_name: str, size: int, *, actor: Actor, caption: str = ""
) -> Evidence:
    """Attach a photo, scan or document to a problem; its type is judged from its content and its size checked."""
    require(actor, permissions.can_upload_evidence(actor, problem), _("You may not add evidence to this paper."))
    evidence = store_evidence(handle, file_name, uploaded_by=user_or_none(actor), caption=caption)
    problem.evidence.add(evidence)
    record_event(
        "findings.evidence_attached",
        evidence,
        actor=actor,
        unit=problem.village,
        after={"problem": problem.serial, "name": evidence.original_name, "sha256": evidence.sha256},
    )
    return evidence
