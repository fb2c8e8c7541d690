"""Petitions: a resident's message through the public form, a letter or call entered by the group, its disposition,
and the reveal of who sent it (logged)."""

from __future__ import annotations

from datetime import date
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import RESIDENT, Actor, require, user_or_none
from xuncha.audit.actions import log_access, record_event
from xuncha.audit.models import AccessLog
from xuncha.core import crypto
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.evidence.actions import store_evidence
from xuncha.findings import notices, permissions
from xuncha.findings.models import (
    Category,
    Petition,
    Problem,
)
from xuncha.inspections.archived import refuse_if_archived
from xuncha.inspections.models import Assignment

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.organisations.models import AdminUnit

from xuncha.findings.actions._common import _check_choice, _check_village, _recording
from xuncha.findings.actions.problems import record_problem

# Petitions --------------------------------------------------------------------------------------------------------


def _petition_event(petition: Petition, verb: str, actor: Actor) -> None:
    # Never the reporter's name or phone, not even encrypted: the audit log is read by the auditor.
    record_event(
        verb,
        petition,
        actor=actor,
        unit=petition.village or petition.assignment.target,
        after={
            "channel": petition.channel,
            "category": petition.category,
            "anonymous": petition.is_anonymous,
        },
    )


def _new_petition(assignment: Assignment, village: AdminUnit | None, **fields: Any) -> Petition:
    refuse_if_archived(assignment.round_id)
    name, phone = fields.pop("name", ""), fields.pop("phone", "")
    if village is not None:
        _check_village(assignment, village)
    if not fields["text"].strip():
        raise Conflict(_("Write what you want to report."))
    _check_choice(fields["category"], Category, _("category"))
    return Petition.objects.create(
        assignment=assignment,
        village=village,
        reporter_name_token=crypto.encrypt(name.strip()),
        reporter_phone_token=crypto.encrypt(phone.strip()),
        **{**fields, "text": fields["text"].strip()},
    )


@transaction.atomic
def submit_public_petition(
    assignment: Assignment,
    *,
    category: str,
    text: str,
    village: AdminUnit | None = None,
    name: str = "",
    phone: str = "",
    photo: tuple[IO[bytes], str, int] | None = None,
) -> Petition:
    """A resident's message through the public form (no login). Accepted while ``permissions.accepts_petitions``
    (the rule the form's page shows); the reporter may stay anonymous. Returns the petition, whose receipt code the
    resident keeps."""
    closed = permissions.petition_refusal(assignment)
    if closed is not None:
        raise TransitionNotAllowed(closed)
    petition = _new_petition(
        assignment, village, channel=Petition.Channel.PUBLIC_FORM, category=category, text=text, name=name, phone=phone
    )
    if photo is not None:
        handle, file_name, size = photo
        petition.evidence.add(store_evidence(handle, file_name, uploaded_by=None, images_only=True))
    _petition_event(petition, "findings.petition_received", RESIDENT)
    notices.petition_arrived(petition, actor=RESIDENT)
    return petition


@transaction.atomic
def record_petition(
    assignment: Assignment,
    *,
    channel: str,
    category: str,
    text: str,
    actor: Actor,
    village: AdminUnit | None = None,
    name: str = "",
    phone: str = "",
    received_at: Any = None,
) -> Petition:
    """Enter a petition the group received by letter, phone, visit, mailbox or e-mail."""
    _recording(actor, assignment)
    _check_choice(channel, Petition.Channel, _("channel"))
    received_at = received_at or timezone.now()
    if received_at > timezone.now():
        raise Conflict(_("A petition cannot be received in the future."))
    if channel == Petition.Channel.PUBLIC_FORM:
        raise Conflict(_("Messages from the online form arrive by themselves."))
    petition = _new_petition(
        assignment,
        village,
        channel=channel,
        category=category,
        text=text,
        name=name,
        phone=phone,
        recorded_by=user_or_none(actor),
        received_at=received_at,
    )
    _petition_event(petition, "findings.petition_recorded", actor)
    notices.petition_arrived(petition, actor=actor)
    return petition


@transaction.atomic
def dispose_petition(
    petition: Petition,
    disposition: str,
    *,
    actor: Actor,
    note: str = "",
    problem: Problem | None = None,
    duplicate_of: Petition | None = None,
) -> Petition:
    """Settle a petition: recorded as a problem (link it), registered as a clue, forwarded, explained, or a
    duplicate of another."""
    require(actor, permissions.can_dispose_petition(actor, petition), _("Only the group leader settles petitions."))
    refuse_if_archived(petition.assignment.round_id)
    _check_choice(disposition, Petition.Disposition, _("disposition"))
    locked = Petition.objects.select_for_update().get(pk=petition.pk)
    if locked.status != Petition.Status.RECEIVED:
        raise TransitionNotAllowed(_("This petition is already settled."))
    if disposition == Petition.Disposition.PROBLEM:
        if (
            problem is None
            or problem.assignment_id != locked.assignment_id
            or problem.status == Problem.Status.DISCARDED
        ):
            raise Conflict(_("Link the problem of this assignment that the petition led to."))
    else:
        problem = None
    if disposition == Petition.Disposition.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == locked.pk or duplicate_of.assignment_id != locked.assignment_id:
            raise Conflict(_("Name the earlier petition of this assignment that it repeats."))
    else:
        duplicate_of = None
    if disposition in (Petition.Disposition.FORWARDED, Petition.Disposition.EXPLAINED) and not note.strip():
        raise Conflict(_("Say to whom it was forwarded or what was explained."))
    _settle(locked, disposition, actor=actor, note=note, problem=problem, duplicate_of=duplicate_of)
    petition.status, petition.disposition = locked.status, locked.disposition
    return locked


def _settle(
    locked: Petition,
    disposition: str,
    *,
    actor: Actor,
    note: str,
    problem: Problem | None,
    duplicate_of: Petition | None,
) -> None:
    """Write a checked disposition on a locked, received petition, with its audit event."""
    locked.status = Petition.Status.DISPOSED
    locked.disposition = disposition
    locked.disposition_note = note.strip()
    locked.problem = problem
    locked.duplicate_of = duplicate_of
    locked.disposed_by = user_or_none(actor)
    locked.disposed_at = timezone.now()
    locked.save(
        update_fields=[
            "status",
            "disposition",
            "disposition_note",
            "problem",
            "duplicate_of",
            "disposed_by",
            "disposed_at",
        ]
    )
    record_event(
        "findings.petition_disposed",
        locked,
        actor=actor,
        unit=locked.village or locked.assignment.target,
        before={"status": Petition.Status.RECEIVED},
        after={"status": locked.status, "disposition": disposition, "problem": problem.serial if problem else None},
    )


@transaction.atomic
def draft_problem_from_petition(
    petition: Petition,
    *,
    actor: Actor,
    village: AdminUnit,
    category: str,
    phenomenon: str,
    fix_type: str,
    basis: str = "",
    responsibility: str = "",
    found_on: date | None = None,
    note: str = "",
) -> Problem:
    """A member of the group turns a received petition into a new working paper: a DRAFT with source PETITION,
    which the leader confirms like any other, and the petition is settled as recorded as that problem. Both
    writes and their audit events happen together, or neither."""
    require(
        actor,
        permissions.can_draft_problem_from_petition(actor, petition),
        _("Only members of %(group)s turn its petitions into working papers while it records findings.")
        % {"group": petition.assignment.group},
    )
    refuse_if_archived(petition.assignment.round_id)
    locked = Petition.objects.select_for_update().select_related("assignment__round").get(pk=petition.pk)
    if locked.status != Petition.Status.RECEIVED:
        raise TransitionNotAllowed(_("This petition is already settled."))
    problem = record_problem(
        locked.assignment,
        village,
        category=category,
        phenomenon=phenomenon,
        source=Problem.Source.PETITION,
        fix_type=fix_type,
        basis=basis,
        responsibility=responsibility,
        found_on=found_on,
        actor=actor,
    )
    _settle(locked, Petition.Disposition.PROBLEM, actor=actor, note=note, problem=problem, duplicate_of=None)
    petition.status, petition.disposition, petition.problem = locked.status, locked.disposition, problem
    return problem


def reveal_reporter(petition: Petition, *, actor: User, ip_address: str | None = None) -> tuple[str, str]:
    """The reporter's name and phone, for those allowed; each reveal is written to the access log."""
    if not permissions.can_reveal_reporter(actor, petition):
        raise PermissionDenied(_("You may not see who sent this petition."))
    log_access(actor, AccessLog.Action.REPORTER_REVEALED, petition, ip_address=ip_address)
    return crypto.decrypt(petition.reporter_name_token), crypto.decrypt(petition.reporter_phone_token)
