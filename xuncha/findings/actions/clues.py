"""Sealed clues: registered from a paper, a petition or a talk, kept apart from the paper's feedback wording,
transferred, received, disposed of and answered; every opening logged; the encryption keys of every sealed column
rotated."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps as django_apps
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.audit.actions import log_access, record_event
from xuncha.audit.models import AccessLog, ChainHead
from xuncha.core import crypto
from xuncha.core.exceptions import Conflict, PermissionDenied
from xuncha.core.fields import EncryptedTextField
from xuncha.findings import notices, permissions, sealing
from xuncha.findings.models import (
    Clue,
    Petition,
    Problem,
)
from xuncha.inspections.archived import refuse_if_archived
from xuncha.inspections.models import Assignment

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.organisations.models import AdminUnit

from xuncha.findings.actions._common import CLUE_TRANSITIONS, _check_choice, _check_village, _move
from xuncha.findings.actions.petitions import dispose_petition
from xuncha.findings.actions.problems import update_problem

# Clues ------------------------------------------------------------------------------------------------------------


def _clue_event(clue: Clue, verb: str, actor: Actor, before: str | None, **after: Any) -> None:
    # Sealed: the trail says what happened to the clue, not whom it concerns.
    record_event(
        verb,
        clue,
        actor=actor,
        before={"status": before} if before else None,
        after={"status": clue.status, "receiver": clue.receiver, **after},
    )


@transaction.atomic
def register_clue(
    assignment: Assignment,
    *,
    source: str,
    subject: str,
    summary: str,
    receiver: str,
    actor: Actor,
    problem: Problem | None = None,
    petition: Petition | None = None,
    village: AdminUnit | None = None,
    feedback_wording: str = "",
) -> Clue:
    """The group leader registers a sealed clue from a problem, a petition or a talk. A petition it comes from
    is settled as CLUE.

    The clue and a working paper it comes from are separate texts: the facts (who, what, how much) live only on
    the clue, and the paper, which may be fed back, keeps a wording fit for feedback. ``feedback_wording``, when
    given, becomes the paper's phenomenon (an audited edit, like ``update_problem``). A paper not yet fed back that
    still repeats the clue (``sealing.overlap``) refuses the registration.
    """
    require(actor, permissions.can_register_clue(actor, assignment), _("Only the group leader registers clues."))
    refuse_if_archived(assignment.round_id)
    _check_choice(source, Clue.Source, _("source"))
    _check_choice(receiver, Clue.Receiver, _("receiver"))
    if source == Clue.Source.PROBLEM and (
        problem is None or problem.assignment_id != assignment.pk or problem.status == Problem.Status.DISCARDED
    ):
        raise Conflict(_("Name the problem of this assignment the clue comes from."))
    if source == Clue.Source.PETITION and (petition is None or petition.assignment_id != assignment.pk):
        raise Conflict(_("Name the petition of this assignment the clue comes from."))
    if not subject.strip() or not summary.strip():
        raise Conflict(_("A clue needs the person concerned and a summary."))
    village = village or (problem.village if problem else petition.village if petition else None)
    if village is not None:
        _check_village(assignment, village)
    if source == Clue.Source.PROBLEM and problem is not None:
        _separate_paper(problem, subject, summary, feedback_wording, actor)
    clue = Clue.objects.create(
        assignment=assignment,
        round=assignment.round,
        group=assignment.group,
        village=village,
        source=source,
        problem=problem if source == Clue.Source.PROBLEM else None,
        petition=petition if source == Clue.Source.PETITION else None,
        subject=subject.strip(),
        summary=summary.strip(),
        receiver=receiver,
        registered_by=user_or_none(actor) or _group_leader(assignment),
    )
    _clue_event(clue, "findings.clue_registered", actor, None, source=source)
    if petition is not None and source == Clue.Source.PETITION and petition.status == Petition.Status.RECEIVED:
        dispose_petition(petition, Petition.Disposition.CLUE, actor=actor, note=_("Registered as a sealed clue."))
    return clue


def _separate_paper(problem: Problem, subject: str, summary: str, wording: str, actor: Actor) -> None:
    """Give the paper the leader's wording for feedback, and refuse a paper that still repeats the clue."""
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if wording.strip():
        update_problem(
            locked,
            {"phenomenon": wording},
            expected_version=locked.version,
            actor=actor,
            note=_("Worded for feedback; the facts went to a sealed clue."),
        )
    if locked.status == Problem.Status.FED_BACK:
        return  # already with the village: the office is told of it, nothing here can unsay it
    if any(sealing.overlap(text.text, subject, summary) for text in sealing.problem_texts(locked)):
        raise Conflict(
            _(
                "Working paper %(serial)s repeats what the clue says; give it a wording fit for feedback, without "
                "names, amounts or the details of the allegation."
            )
            % {"serial": locked.serial}
        )
    problem.__dict__.update({name: getattr(locked, name) for name in ["phenomenon", "version"]})


def _group_leader(assignment: Assignment) -> User:
    membership = assignment.group.memberships.filter(role="LEADER").select_related("user").first()
    if membership is None:
        raise Conflict(_("%(group)s has no leader to register the clue.") % {"group": assignment.group})
    return membership.user


def _move_clue(clue: Clue, target: str, *, actor: Actor, **fields: Any) -> Clue:
    """Move the clue (its caller has checked the actor) and record the step."""
    locked = Clue.objects.select_for_update().get(pk=clue.pk)
    _move(locked.status, target, CLUE_TRANSITIONS, Clue.Status)
    before = locked.status
    locked.status = target
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", *fields])
    extra = {name: value for name, value in fields.items() if name in ("disposal", "transfer_number")}
    _clue_event(locked, f"findings.clue_{target.lower()}", actor, before, **extra)
    clue.status = target
    for name, value in fields.items():
        setattr(clue, name, value)
    return locked


@transaction.atomic
def transfer_clue(clue: Clue, *, transfer_number: str, actor: Actor) -> Clue:
    """The office director transfers the clue to the discipline commission or the organisation department."""
    require(actor, permissions.can_transfer_clue(actor, clue), _("Only the office director transfers clues."))
    if not transfer_number.strip():
        raise Conflict(_("Give the number of the transfer document."))
    moved = _move_clue(
        clue,
        Clue.Status.TRANSFERRED,
        actor=actor,
        transfer_number=transfer_number.strip(),
        transferred_at=timezone.now(),
    )
    notices.clue_transferred(moved, actor=actor)
    return moved


@transaction.atomic
def receive_clue(clue: Clue, *, actor: Actor) -> Clue:
    """The receiving body acknowledges receipt."""
    require(actor, permissions.receives(actor, clue), _("Only the receiving body acknowledges a clue."))
    return _move_clue(
        clue,
        Clue.Status.RECEIVED,
        actor=actor,
        received_at=timezone.now(),
    )


@transaction.atomic
def dispose_clue(clue: Clue, disposal: str, *, actor: Actor) -> Clue:
    """The receiving body records how it disposed of the clue (谈话函询, 初步核实, 暂存待查, 予以了结, 立案)."""
    require(actor, permissions.receives(actor, clue), _("Only the receiving body disposes of a clue."))
    _check_choice(disposal, Clue.Disposal, _("disposal"))
    return _move_clue(
        clue,
        Clue.Status.DISPOSED,
        actor=actor,
        disposal=disposal,
        disposed_at=timezone.now(),
    )


@transaction.atomic
def give_clue_feedback(clue: Clue, feedback: str, *, actor: Actor) -> Clue:
    """The receiving body reports the result back to the inspection office."""
    require(actor, permissions.receives(actor, clue), _("Only the receiving body gives feedback on a clue."))
    if not feedback.strip():
        raise Conflict(_("Write the feedback."))
    return _move_clue(
        clue,
        Clue.Status.FEEDBACK,
        actor=actor,
        feedback=feedback.strip(),
        feedback_at=timezone.now(),
    )


def read_clue(clue: Clue, *, actor: User, ip_address: str | None = None) -> Clue:
    """Every opening of a sealed clue is written to the access log; only a reader the clue is visible to opens it
    (never the system: the actor is a person)."""
    if not permissions.can_read_clue(actor, clue):
        raise PermissionDenied(_("You may not open this clue."))
    log_access(actor, AccessLog.Action.CLUE_READ, clue, ip_address=ip_address)
    return clue


# Keys -------------------------------------------------------------------------------------------------------------

# Columns that hold a Fernet token as written by ``crypto.encrypt`` (read only through ``reveal_reporter``); every
# ``EncryptedTextField`` of any app is found by ``_encrypted_columns`` without being listed.
TOKEN_COLUMNS: dict[str, list[str]] = {"findings.Petition": ["reporter_name_token", "reporter_phone_token"]}


def _encrypted_columns() -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """Per model with encrypted columns: its label, table, primary key column, and (field name, column) pairs."""
    found = []
    for model in django_apps.get_models():
        label = model._meta.label
        fields = [
            (field.name, str(field.column))
            for field in model._meta.concrete_fields
            if isinstance(field, EncryptedTextField) or field.name in TOKEN_COLUMNS.get(label, [])
        ]
        if fields:
            pk = str(next(field.column for field in model._meta.concrete_fields if field.primary_key))
            found.append((label, model._meta.db_table, pk, fields))
    return found


@transaction.atomic
def rotate_field_keys(*, actor: Actor) -> dict[str, int]:
    """Re-encrypt every encrypted column (residents' identities, sealed clues' texts) under the first key of
    ``FIELD_ENCRYPTION_KEYS`` (``MultiFernet.rotate``), so that the older keys can then be dropped.

    All or nothing: a token that no configured key opens raises ``InvalidToken`` and nothing is changed. The raw
    columns are read and written, so the text itself is never in memory as a model attribute. The audit event
    holds counts only. Returns the number of tokens re-encrypted per ``app.Model.field``.
    """
    require(actor, permissions.can_rotate_field_keys(actor), _("Only the platform rotates keys."))
    quote = connection.ops.quote_name
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for label, table, pk, fields in _encrypted_columns():
            for name, column in fields:
                cursor.execute(
                    f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''"  # noqa: S608
                )
                rows = [(crypto.rotate(token), key) for key, token in cursor.fetchall()]
                if rows:
                    cursor.executemany(
                        f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk)} = %s",  # noqa: S608
                        rows,
                    )
                counts[f"{label}.{name}"] = len(rows)
    # The event concerns the whole database, not one record: it is filed under the audit chain itself.
    record_event("findings.field_keys_rotated", ChainHead(pk=1), actor=actor, after={"tokens": counts})
    return counts
