"""The life of a deliverable: opened by the platform at feedback (or at a department's first hand-off), drafted from
the ledger by the village or department, signed and submitted, approved or returned by the township, accepted or
returned by the office. Allowed moves are ``TRANSITIONS``; each action checks its actor, runs in one transaction and
records its audit event; the next actor is told (``notices``)."""

from __future__ import annotations

from datetime import date
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.audit.actions import record_event
from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.deliverables import notices, permissions
from xuncha.deliverables.deadlines import due_on
from xuncha.deliverables.drafting import draft_text
from xuncha.deliverables.models import Deliverable
from xuncha.evidence.actions import store_evidence
from xuncha.inspections.archived import refuse_if_archived
from xuncha.inspections.models import Round
from xuncha.organisations.models import AdminUnit
from xuncha.rectification.models import Feedback

Status = Deliverable.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.DUE: {Status.DRAFT},
    Status.DRAFT: {Status.DRAFT, Status.SUBMITTED},
    Status.RETURNED: {Status.DRAFT, Status.SUBMITTED},
    Status.SUBMITTED: {Status.REVIEWED, Status.RETURNED, Status.ACCEPTED},
    Status.REVIEWED: {Status.ACCEPTED, Status.RETURNED},
    Status.ACCEPTED: set(),
}


def _lock(deliverable: Deliverable, target: str) -> Deliverable:
    locked = (
        Deliverable.objects.select_for_update(of=("self",))
        .select_related("unit", "township", "round__term__county")
        .get(pk=deliverable.pk)
    )
    if target not in TRANSITIONS[locked.status]:
        raise TransitionNotAllowed(
            _("The %(kind)s is %(current)s: it cannot become %(target)s.")
            % {
                "kind": locked.get_kind_display(),
                "current": locked.get_status_display(),
                "target": Status(target).label,
            }
        )
    refuse_if_archived(locked.round_id)
    return locked


def _sync(deliverable: Deliverable, locked: Deliverable) -> Deliverable:
    """Copy the locked row's state back onto the caller's object, so that it reads the new state."""
    for field in Deliverable._meta.concrete_fields:
        setattr(deliverable, field.attname, getattr(locked, field.attname))
    return locked


def _due(kind: str, starts_on: date, feedback: Feedback | None) -> date:
    """The plan of a village is due on the date its feedback printed (the same rule, kept as printed)."""
    if feedback is not None and kind == Deliverable.Kind.PLAN:
        return feedback.plan_due
    return due_on(kind, starts_on)


@transaction.atomic
def open_deliverables(
    round_: Round, unit: AdminUnit, *, starts_on: date, actor: Actor, feedback: Feedback | None = None
) -> list[Deliverable]:
    """Open the three deliverables a village owes after its feedback (``feedback``), or a department after the
    first item of the round handed to it, each due by ``deadlines``; those already open are kept as they are.
    Only the platform opens them, from the feedback and hand-off actions."""
    require(actor, permissions.can_open(actor), _("Deliverables are opened by the platform."))
    existing = set(Deliverable.objects.filter(round=round_, unit=unit).values_list("kind", flat=True))
    township = unit.parent if unit.is_village else None
    opened = []
    for kind in Deliverable.Kind:
        if kind in existing:
            continue
        deliverable = Deliverable.objects.create(
            round=round_,
            unit=unit,
            feedback=feedback,
            township=township,
            kind=kind,
            starts_on=starts_on,
            due_on=_due(kind, starts_on, feedback),
        )
        record_event(
            "deliverables.opened",
            deliverable,
            actor=actor,
            unit=unit,
            after={"kind": kind, "starts_on": starts_on, "due_on": deliverable.due_on},
        )
        opened.append(deliverable)
    return opened


@transaction.atomic
def draft_deliverable(deliverable: Deliverable, *, actor: Actor, text: str | None = None) -> Deliverable:
    """Write or rewrite the text: ``None`` prefills it from the ledger's items (measures, responsible leaders,
    deadlines, progress), a text saves what the village or department wrote. Not once submitted, until returned."""
    require(actor, permissions.can_write(actor, deliverable), _("Only the responsible unit writes its deliverables."))
    locked = _lock(deliverable, Status.DRAFT)
    before = {"status": locked.status}
    prefilled = text is None
    locked.text = draft_text(locked) if text is None else text.strip()
    if not locked.text:
        raise Conflict(_("Write the text first."))
    locked.status = Status.DRAFT
    locked.save(update_fields=["text", "status", "updated_at"])
    record_event(
        "deliverables.drafted",
        locked,
        actor=actor,
        unit=locked.unit,
        before=before,
        after={"status": locked.status, "prefilled": prefilled},
    )
    return _sync(deliverable, locked)


@transaction.atomic
def submit_deliverable(
    deliverable: Deliverable,
    *,
    actor: Actor,
    confirm: bool = False,
    scan: IO[bytes] | None = None,
    scan_name: str = "",
) -> Deliverable:
    """Sign and submit the drafted text: with the secretary's signed scan (checked like any evidence upload), or
    confirmed in the platform by the unit's own account. The first submission's date decides on time or late;
    the township is told (the office, for a department)."""
    require(actor, permissions.can_write(actor, deliverable), _("Only the responsible unit submits its deliverables."))
    locked = _lock(deliverable, Status.SUBMITTED)
    if not locked.text.strip():
        raise Conflict(_("Draft the text before submitting it."))
    if scan is None and not confirm:
        raise Conflict(_("Sign it: upload the secretary's signed scan, or confirm it with the secretary's account."))
    before = {"status": locked.status}
    if scan is not None:
        locked.signed_scan = store_evidence(
            scan, scan_name or "signed.pdf", uploaded_by=user_or_none(actor), caption=str(locked)
        )
        locked.signature = Deliverable.Signature.SCAN
    else:
        locked.signed_scan = None
        locked.signature = Deliverable.Signature.CONFIRMED
    locked.signed_by = user_or_none(actor)
    locked.submitted_on = locked.submitted_on or timezone.localdate()
    locked.status = Status.SUBMITTED
    locked.return_reason = ""
    locked.save(
        update_fields=[
            "signed_scan",
            "signature",
            "signed_by",
            "submitted_on",
            "status",
            "return_reason",
            "updated_at",
        ]
    )
    record_event(
        "deliverables.submitted",
        locked,
        actor=actor,
        unit=locked.unit,
        before=before,
        after={
            "status": locked.status,
            "signature": locked.signature,
            "submitted_on": locked.submitted_on,
            "due_on": locked.due_on,
            "scan": locked.signed_scan.sha256 if locked.signed_scan else None,
        },
    )
    notices.moved(locked, actor=actor)
    return _sync(deliverable, locked)


def _return(locked: Deliverable, reason: str, by: str, actor: Actor) -> None:
    if not reason.strip():
        raise Conflict(_("Say why it is returned."))
    before = {"status": locked.status}
    locked.status = Status.RETURNED
    locked.return_reason = reason.strip()
    locked.save(update_fields=["status", "return_reason", "updated_at"])
    record_event(
        "deliverables.returned",
        locked,
        actor=actor,
        unit=locked.unit,
        before=before,
        after={"status": locked.status, "return_reason": locked.return_reason, "by": by},
    )


@transaction.atomic
def review_deliverable(deliverable: Deliverable, *, approve: bool, actor: Actor, reason: str = "") -> Deliverable:
    """The village's township approves what it submitted (it goes on to the office) or returns it with a reason."""
    require(actor, permissions.can_review(actor, deliverable), _("Only the village's township reviews it."))
    locked = _lock(deliverable, Status.REVIEWED if approve else Status.RETURNED)
    if locked.status != Status.SUBMITTED:
        raise TransitionNotAllowed(_("The township reviews what was submitted."))
    if approve:
        before = {"status": locked.status}
        locked.status = Status.REVIEWED
        locked.reviewed_by = user_or_none(actor)
        locked.save(update_fields=["status", "reviewed_by", "updated_at"])
        record_event(
            "deliverables.reviewed",
            locked,
            actor=actor,
            unit=locked.unit,
            before=before,
            after={"status": locked.status},
        )
    else:
        _return(locked, reason, "TOWNSHIP", actor)
    notices.moved(locked, actor=actor)
    return _sync(deliverable, locked)


@transaction.atomic
def accept_deliverable(deliverable: Deliverable, *, accept: bool, actor: Actor, reason: str = "") -> Deliverable:
    """The office accepts a village's deliverable once its township approved it (a department's once submitted), or
    returns it with a reason."""
    require(actor, permissions.can_accept(actor, deliverable), _("Only the inspection office accepts deliverables."))
    locked = _lock(deliverable, Status.ACCEPTED if accept else Status.RETURNED)
    awaited = Status.SUBMITTED if locked.is_department else Status.REVIEWED
    if locked.status != awaited:
        raise TransitionNotAllowed(_("The township reviews it before the office does."))
    if accept:
        before = {"status": locked.status}
        locked.status = Status.ACCEPTED
        locked.accepted_by = user_or_none(actor)
        locked.accepted_on = timezone.localdate()
        locked.save(update_fields=["status", "accepted_by", "accepted_on", "updated_at"])
        record_event(
            "deliverables.accepted",
            locked,
            actor=actor,
            unit=locked.unit,
            before=before,
            after={"status": locked.status, "accepted_on": locked.accepted_on},
        )
    else:
        _return(locked, reason, "OFFICE", actor)
    notices.moved(locked, actor=actor)
    return _sync(deliverable, locked)
