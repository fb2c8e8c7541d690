"""Use cases of the group's learning on site: talks (entered, scanned, signed, read under the access log), document
reviews and their return, field visits, hearings, and the problems and clues made from them.

Each action checks its actor first, then the record's state, writes, and records an audit event, in one
transaction. The audit trail never holds a record's confidential text: the auditor reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.audit.actions import log_access, record_event
from xuncha.audit.models import AccessLog
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.evidence.actions import store_evidence
from xuncha.evidence.models import Evidence
from xuncha.fieldwork import permissions
from xuncha.fieldwork.models import DocumentItem, DocumentReview, FieldVisit, Hearing, TalkRecord, TalkRole
from xuncha.findings import actions as findings_actions
from xuncha.findings.models import Clue, Problem
from xuncha.inspections.models import Membership

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.inspections.models import Assignment
    from xuncha.organisations.models import AdminUnit

type Upload = tuple[IO[bytes], str, int]

TALK_TRANSITIONS: dict[str, set[str]] = {
    TalkRecord.Status.DRAFT: {TalkRecord.Status.SIGNED},
    TalkRecord.Status.SIGNED: set(),
}
REVIEW_TRANSITIONS: dict[str, set[str]] = {
    DocumentReview.Status.REQUESTED: {DocumentReview.Status.RETURNED},
    DocumentReview.Status.RETURNED: set(),
}
# The source a working paper made from a record carries.
PROBLEM_SOURCE: dict[type[Any], str] = {
    TalkRecord: Problem.Source.TALK,
    DocumentReview: Problem.Source.DOCUMENTS,
    FieldVisit: Problem.Source.VISIT,
}


def _recording(actor: Actor, assignment: Assignment) -> None:
    require(
        actor,
        permissions.can_record_fieldwork(actor, assignment),
        _("Only members of %(group)s enter its records while it is stationed or reporting.")
        % {"group": assignment.group},
    )


def _move(current: str, target: str, transitions: dict[str, set[str]], labels: Any) -> None:
    if target not in transitions.get(current, set()):
        raise TransitionNotAllowed(
            _("A record that is %(current)s cannot become %(target)s.")
            % {"current": labels(current).label, "target": labels(target).label}
        )


def _check_village(assignment: Assignment, village: AdminUnit) -> None:
    if not assignment.covered.filter(village=village).exists():
        raise Conflict(_("%(village)s is not covered by this assignment.") % {"village": village})


def _check_day(day: date, assignment: Assignment) -> None:
    if day < assignment.stationed_from or day > timezone.localdate():
        raise Conflict(
            _("The date must lie between the start of stationing, %(start)s, and today.")
            % {"start": assignment.stationed_from}
        )


def _store(files: Sequence[Upload], actor: Actor, *, images_only: bool = False) -> list[Evidence]:
    return [
        store_evidence(handle, name, uploaded_by=user_or_none(actor), images_only=images_only)
        for handle, name, _size in files
    ]


def _event(verb: str, record: Any, actor: Actor, unit: AdminUnit, **after: Any) -> None:
    record_event(verb, record, actor=actor, unit=unit, after=after or None)


# Talks ------------------------------------------------------------------------------------------------------------


def _check_interviewers(assignment: Assignment, interviewers: Iterable[User]) -> list[User]:
    chosen = list({user.pk: user for user in interviewers}.values())
    if len(chosen) < 2:
        raise Conflict(_("A talk is held by two interviewers at least."))
    members = set(Membership.objects.filter(group_id=assignment.group_id).values_list("user_id", flat=True))
    outside = [str(user) for user in chosen if user.pk not in members]
    if outside:
        raise Conflict(
            _("Interviewers must be members of %(group)s: %(names)s is not.")
            % {"group": assignment.group, "names": "、".join(outside)}
        )
    return chosen


@transaction.atomic
def record_talk(
    assignment: Assignment,
    village: AdminUnit,
    *,
    talk_role: str,
    person_name: str,
    person_post: str,
    talked_on: date,
    place: str,
    interviewers: Iterable[User],
    transcript: str,
    actor: Actor,
    scans: Sequence[Upload] = (),
) -> TalkRecord:
    """Enter a talk as a DRAFT with its 笔录 (and the signed scan, when there is one already)."""
    _recording(actor, assignment)
    _check_village(assignment, village)
    if talk_role not in TalkRole.values:
        raise Conflict(_("Unknown talk role: %(value)s.") % {"value": talk_role})
    if not person_name.strip() or not transcript.strip():
        raise Conflict(_("A talk needs the person talked to and the transcript."))
    _check_day(talked_on, assignment)
    chosen = _check_interviewers(assignment, interviewers)
    talk = TalkRecord.objects.create(
        assignment=assignment,
        village=village,
        talk_role=talk_role,
        person_name=person_name.strip(),
        person_post=person_post.strip(),
        talked_on=talked_on,
        place=place.strip(),
        transcript=transcript.strip(),
        recorded_by=user_or_none(actor),
    )
    talk.interviewers.set(chosen)
    if scans:
        talk.scans.add(*_store(scans, actor))
    _event("fieldwork.talk_recorded", talk, actor, village, talk_role=talk_role, status=talk.status)
    return talk


@transaction.atomic
def attach_talk_scan(talk: TalkRecord, upload: Upload, *, actor: Actor) -> Evidence:
    """Add a scan of the signed 笔录 (PDF or image) to a talk."""
    require(actor, permissions.can_update_record(actor, talk), _("Only the group adds files to its talks."))
    evidence = _store([upload], actor)[0]
    talk.scans.add(evidence)
    _event("fieldwork.talk_scan_attached", talk, actor, talk.village, name=evidence.original_name)
    return evidence


@transaction.atomic
def sign_talk(talk: TalkRecord, *, actor: Actor) -> TalkRecord:
    """DRAFT → SIGNED, once the scan of the 笔录 signed by the person talked to is attached."""
    require(actor, permissions.can_update_record(actor, talk), _("Only the group signs off its talks."))
    locked = TalkRecord.objects.select_for_update().get(pk=talk.pk)
    _move(locked.status, TalkRecord.Status.SIGNED, TALK_TRANSITIONS, TalkRecord.Status)
    if not locked.scans.exists():
        raise Conflict(_("Attach the scan of the signed transcript first."))
    locked.status, locked.signed_at = TalkRecord.Status.SIGNED, timezone.now()
    locked.save(update_fields=["status", "signed_at"])
    record_event(
        "fieldwork.talk_signed",
        locked,
        actor=actor,
        unit=locked.village,
        before={"status": TalkRecord.Status.DRAFT},
        after={"status": locked.status},
    )
    talk.status, talk.signed_at = locked.status, locked.signed_at
    return locked


def read_talk(talk: TalkRecord, *, actor: User, ip_address: str | None = None) -> TalkRecord:
    """Every opening of a talk's content is written to the access log; only its readers open it."""
    if not permissions.can_read_talk(actor, talk):
        raise PermissionDenied(_("You may not read this talk."))
    log_access(actor, AccessLog.Action.RECORD_READ, talk, ip_address=ip_address)
    return talk


# Document reviews -------------------------------------------------------------------------------------------------


@transaction.atomic
def record_document_review(
    assignment: Assignment,
    village: AdminUnit,
    *,
    items: Sequence[tuple[str, str, str]],
    requested_on: date,
    actor: Actor,
) -> DocumentReview:
    """Enter a 调阅清单: each line is (document, period, from whom)."""
    _recording(actor, assignment)
    _check_village(assignment, village)
    _check_day(requested_on, assignment)
    lines = [(name.strip(), period.strip(), holder.strip()) for name, period, holder in items if name.strip()]
    if not lines:
        raise Conflict(_("List at least one document."))
    review = DocumentReview.objects.create(
        assignment=assignment, village=village, requested_on=requested_on, recorded_by=user_or_none(actor)
    )
    DocumentItem.objects.bulk_create(
        DocumentItem(review=review, name=name, period=period, holder=holder) for name, period, holder in lines
    )
    _event("fieldwork.documents_requested", review, actor, village, items=len(lines))
    return review


@transaction.atomic
def return_documents(
    review: DocumentReview,
    *,
    actor: Actor,
    returned_on: date | None = None,
    items: Iterable[DocumentItem] | None = None,
) -> DocumentReview:
    """Mark lines returned (all of them when ``items`` is None); once every line is back, REQUESTED → RETURNED."""
    require(actor, permissions.can_update_record(actor, review), _("Only the group returns its documents."))
    locked = DocumentReview.objects.select_for_update().get(pk=review.pk)
    if locked.status != DocumentReview.Status.REQUESTED:
        raise TransitionNotAllowed(_("These documents are already returned."))
    day = returned_on or timezone.localdate()
    if day < locked.requested_on or day > timezone.localdate():
        raise Conflict(_("Documents are returned after they were requested, and not in the future."))
    pending = locked.items.filter(returned_on__isnull=True)
    if items is not None:
        pending = pending.filter(pk__in=[item.pk for item in items])
    marked = pending.update(returned_on=day)
    if not marked:
        raise Conflict(_("Choose the documents that were returned."))
    before = locked.status
    if not locked.items.filter(returned_on__isnull=True).exists():
        _move(before, DocumentReview.Status.RETURNED, REVIEW_TRANSITIONS, DocumentReview.Status)
        locked.status, locked.returned_on = DocumentReview.Status.RETURNED, day
        locked.save(update_fields=["status", "returned_on"])
    record_event(
        "fieldwork.documents_returned",
        locked,
        actor=actor,
        unit=locked.village,
        before={"status": before},
        after={"status": locked.status, "items": marked},
    )
    review.status, review.returned_on = locked.status, locked.returned_on
    return locked


# Field visits and hearings ----------------------------------------------------------------------------------------


@transaction.atomic
def record_field_visit(
    assignment: Assignment,
    village: AdminUnit,
    *,
    visited_on: date,
    place: str,
    households: int,
    notes: str,
    actor: Actor,
    photos: Sequence[Upload] = (),
) -> FieldVisit:
    """Enter a visit: where, how many households, short notes (kept encrypted) and photos."""
    _recording(actor, assignment)
    _check_village(assignment, village)
    _check_day(visited_on, assignment)
    if not place.strip():
        raise Conflict(_("Say where the group went."))
    if households < 0:
        raise Conflict(_("The number of households cannot be negative."))
    visit = FieldVisit.objects.create(
        assignment=assignment,
        village=village,
        visited_on=visited_on,
        place=place.strip(),
        households=households,
        notes=notes.strip(),
        recorded_by=user_or_none(actor),
    )
    if photos:
        visit.photos.add(*_store(photos, actor, images_only=True))
    _event("fieldwork.visit_recorded", visit, actor, village, households=households, photos=len(photos))
    return visit


@transaction.atomic
def record_hearing(
    assignment: Assignment,
    unit: AdminUnit,
    *,
    kind: str,
    held_on: date,
    attendees: str,
    minutes: str,
    actor: Actor,
    report: Upload | None = None,
) -> Hearing:
    """Enter a mobilisation meeting or a hearing of a village's (or the township's) report, with the report file."""
    _recording(actor, assignment)
    if unit.pk != assignment.target_id and not assignment.covered.filter(village=unit).exists():
        raise Conflict(_("%(unit)s is not covered by this assignment.") % {"unit": unit})
    if kind not in Hearing.Kind.values:
        raise Conflict(_("Unknown kind of meeting: %(value)s.") % {"value": kind})
    _check_day(held_on, assignment)
    if not attendees.strip():
        raise Conflict(_("Name who attended."))
    hearing = Hearing.objects.create(
        assignment=assignment,
        unit=unit,
        kind=kind,
        held_on=held_on,
        attendees=attendees.strip(),
        minutes=minutes.strip(),
        recorded_by=user_or_none(actor),
    )
    if report is not None:
        hearing.report.add(*_store([report], actor))
    _event("fieldwork.hearing_recorded", hearing, actor, unit, kind=kind)
    return hearing


# Problems and clues made from a record ----------------------------------------------------------------------------


@transaction.atomic
def draft_problem_from_record(
    record: TalkRecord | DocumentReview | FieldVisit,
    *,
    category: str,
    phenomenon: str,
    fix_type: str,
    actor: Actor,
    basis: str = "",
    responsibility: str = "",
    found_on: date | None = None,
) -> Problem:
    """A member writes a draft working paper from a record: the record's assignment and village, the source that
    fits it (TALK, DOCUMENTS, VISIT), the text as the form prefilled and edited it. The link is kept on the record."""
    require(
        actor,
        permissions.can_draft_problem_from_record(actor, record),
        _("Only members of %(group)s write working papers from its records while it records findings.")
        % {"group": record.assignment.group},
    )
    problem = findings_actions.record_problem(
        record.assignment,
        record.village,
        category=category,
        phenomenon=phenomenon,
        source=PROBLEM_SOURCE[type(record)],
        fix_type=fix_type,
        basis=basis,
        responsibility=responsibility,
        found_on=found_on,
        actor=actor,
    )
    record.problems.add(problem)
    _event("fieldwork.problem_made", record, actor, record.village, problem=problem.serial)
    return problem


@transaction.atomic
def register_clue_from_talk(
    talk: TalkRecord,
    *,
    subject: str,
    summary: str,
    receiver: str,
    actor: Actor,
) -> Clue:
    """The group leader registers a sealed clue from a talk (source TALK); the link is kept on the talk."""
    require(
        actor,
        permissions.can_register_clue_from_talk(actor, talk),
        _("Only the group leader registers clues."),
    )
    clue = findings_actions.register_clue(
        talk.assignment,
        source=Clue.Source.TALK,
        subject=subject,
        summary=summary,
        receiver=receiver,
        village=talk.village,
        actor=actor,
    )
    talk.clues.add(clue)
    # Sealed: the talk's trail says a clue was made, not which.
    _event("fieldwork.clue_made", talk, actor, talk.village)
    return clue
