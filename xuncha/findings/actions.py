"""Use cases of on-site work: problems and their notices, suggestions, petitions, sealed clues and evidence.

Each action checks the actor's permission and the object's state, writes, and records an audit event, in one
transaction. The actor is a user, ``SYSTEM`` (the demo, commands) or, for the public petition form, ``RESIDENT``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from django.apps import apps as django_apps
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import RESIDENT, SYSTEM, Actor, require, user_or_none
from xuncha.audit.actions import PendingEvent, log_access, record_event, record_events, snapshot, withheld
from xuncha.audit.models import AccessLog, ChainHead
from xuncha.core import crypto
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.core.fields import EncryptedTextField
from xuncha.evidence.actions import store_evidence
from xuncha.evidence.models import Evidence
from xuncha.findings import permissions, sealing
from xuncha.findings.models import (
    Category,
    Clue,
    FixType,
    ImmediateFixNotice,
    Petition,
    Problem,
    Suggestion,
)
from xuncha.inspections.models import Assignment, InspectionGroup

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.organisations.models import AdminUnit

PROBLEM_TRANSITIONS: dict[str, set[str]] = {
    Problem.Status.DRAFT: {Problem.Status.CONFIRMED, Problem.Status.DISCARDED},
    Problem.Status.CONFIRMED: {Problem.Status.FED_BACK},
    Problem.Status.FED_BACK: set(),
    Problem.Status.DISCARDED: set(),
}
CLUE_TRANSITIONS: dict[str, set[str]] = {
    Clue.Status.REGISTERED: {Clue.Status.TRANSFERRED},
    Clue.Status.TRANSFERRED: {Clue.Status.RECEIVED},
    Clue.Status.RECEIVED: {Clue.Status.DISPOSED},
    Clue.Status.DISPOSED: {Clue.Status.FEEDBACK},
    Clue.Status.FEEDBACK: set(),
}
# Fields of a working paper that can be edited; changes after confirmation are audited with before and after.
EDITABLE_PROBLEM_FIELDS = ["category", "phenomenon", "basis", "responsibility", "source", "fix_type", "found_on"]
# A suggestion adopted as a problem takes the category that fits its topic.
TOPIC_CATEGORY = {
    Suggestion.Topic.INDUSTRY: Category.INDUSTRY,
    Suggestion.Topic.LIVELIHOOD: Category.SAFETY_LIVELIHOOD,
    Suggestion.Topic.GOVERNANCE: Category.DISCLOSURE,
    Suggestion.Topic.INFRASTRUCTURE: Category.PROJECT,
    Suggestion.Topic.ECOLOGY: Category.POLICY,
    Suggestion.Topic.PARTY_BUILDING: Category.PARTY_ORG,
    Suggestion.Topic.OTHER: Category.POLICY,
}
# Papers inserted per statement by ``record_problems``.
PROBLEM_BATCH = 500


def _move(current: str, target: str, transitions: dict[str, set[str]], labels: Any) -> None:
    if target not in transitions.get(current, set()):
        raise TransitionNotAllowed(
            _("A record that is %(current)s cannot become %(target)s.")
            % {"current": labels(current).label, "target": labels(target).label}
        )


def _check_village(assignment: Assignment, village: AdminUnit) -> None:
    if not assignment.covered.filter(village=village).exists():
        raise Conflict(_("%(village)s is not covered by this assignment.") % {"village": village})


def _check_choice(value: str, choices: Any, what: str) -> None:
    if value not in choices.values:
        raise Conflict(_("Unknown %(what)s: %(value)s.") % {"what": what, "value": value})


def _check_day(day: date, assignment: Assignment) -> None:
    """Things are found during stationing or after it, while reporting, but never before or in the future."""
    if day < assignment.stationed_from or day > timezone.localdate():
        raise Conflict(
            _("The date must lie between the start of stationing, %(start)s, and today.")
            % {"start": assignment.stationed_from}
        )


def _recording(actor: Actor, assignment: Assignment) -> None:
    require(
        actor,
        permissions.is_member(actor, assignment),
        _("Only members of %(group)s record findings here.") % {"group": assignment.group},
    )
    # The system records history (the demo, imports of past rounds) whatever state the round is in now.
    if actor is not SYSTEM and not permissions.is_recording(assignment):
        raise TransitionNotAllowed(
            _("Findings are recorded while the groups are stationed or reporting; the round is %(status)s.")
            % {"status": assignment.round.get_status_display()}
        )


# Problems ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemSpec:
    """What ``record_problems`` needs of one new working paper: the arguments of ``record_problem``."""

    village: AdminUnit
    category: str
    phenomenon: str
    source: str
    fix_type: str
    basis: str = ""
    responsibility: str = ""
    found_on: date | None = None
    finder: User | None = None


@transaction.atomic
def record_problem(
    assignment: Assignment,
    village: AdminUnit,
    *,
    category: str,
    phenomenon: str,
    source: str,
    fix_type: str,
    actor: Actor,
    basis: str = "",
    responsibility: str = "",
    found_on: date | None = None,
    finder: User | None = None,
) -> Problem:
    """Write a new working paper (DRAFT) with the group's next serial number, e.g. ``[2023]4巡-3组-017``."""
    spec = ProblemSpec(village, category, phenomenon, source, fix_type, basis, responsibility, found_on, finder)
    return record_problems(assignment, [spec], actor=actor)[0]


@transaction.atomic
def record_problems(assignment: Assignment, specs: Sequence[ProblemSpec], *, actor: Actor) -> list[Problem]:
    """Write new working papers (DRAFT) with the group's next serial numbers, in the order of ``specs``, each with
    its audit event, as ``record_problem`` does for one; a spreadsheet import writes thousands this way.

    Every spec is checked before anything is written, so one bad spec refuses them all.
    """
    _recording(actor, assignment)
    covered = set(assignment.covered.values_list("village_id", flat=True))
    today = timezone.localdate()
    checked: list[tuple[ProblemSpec, User, date]] = []
    for spec in specs:
        if spec.village.pk not in covered:
            raise Conflict(_("%(village)s is not covered by this assignment.") % {"village": spec.village})
        _check_choice(spec.category, Category, _("category"))
        _check_choice(spec.source, Problem.Source, _("source"))
        _check_choice(spec.fix_type, FixType, _("rectification type"))
        if not spec.phenomenon.strip():
            raise Conflict(_("Describe what was found."))
        finder = spec.finder or user_or_none(actor)
        if finder is None:
            raise Conflict(_("A problem needs the person who found it."))
        found_on = spec.found_on or today
        _check_day(found_on, assignment)
        checked.append((spec, finder, found_on))
    if not checked:
        return []
    # The group row is locked so that two members saving at once do not draw the same number.
    group = InspectionGroup.objects.select_for_update().get(pk=assignment.group_id)
    round_ = assignment.round
    last = Problem.objects.filter(round=round_, group=group).aggregate(last=Max("serial_no"))["last"] or 0
    problems = [
        Problem(
            assignment=assignment,
            round=round_,
            group=group,
            village=spec.village,
            serial_no=serial_no,
            serial=Problem.format_serial(round_.start_date.year, round_.number, group.number, serial_no),
            category=spec.category,
            phenomenon=spec.phenomenon.strip(),
            basis=spec.basis.strip(),
            responsibility=spec.responsibility.strip(),
            source=spec.source,
            fix_type=spec.fix_type,
            finder=finder,
            found_on=found_on,
        )
        for serial_no, (spec, finder, found_on) in enumerate(checked, start=last + 1)
    ]
    if len(problems) == 1:
        problems[0].save(force_insert=True)
    else:
        Problem.objects.bulk_create(problems, batch_size=PROBLEM_BATCH)
    record_events(
        [
            PendingEvent(
                "findings.problem_recorded",
                problem,
                unit=problem.village,
                after=snapshot(problem, ["serial", "status", *EDITABLE_PROBLEM_FIELDS]),
            )
            for problem in problems
        ],
        actor=actor,
    )
    return problems


@transaction.atomic
def update_problem(
    problem: Problem, changes: dict[str, Any], *, expected_version: int, actor: Actor, note: str = ""
) -> Problem:
    """Edit a working paper. ``expected_version`` is the version the editor started from: if someone saved in
    between, the edit is refused (``Conflict``) instead of silently overwriting theirs."""
    # The group edits its papers, and the office rewords a confirmed one before feedback; whether this one may still
    # be edited is decided on the locked row below.
    require(
        actor,
        permissions.is_member(actor, problem.assignment) or permissions.can_feed_back_problem(actor, problem),
        _("You may not edit this working paper now."),
    )
    locked = Problem.objects.select_for_update().select_related("assignment__round").get(pk=problem.pk)
    if locked.status not in (Problem.Status.DRAFT, Problem.Status.CONFIRMED):
        raise TransitionNotAllowed(_("A paper that was fed back or discarded is no longer edited."))
    require(actor, permissions.can_edit_problem(actor, locked), _("You may not edit this working paper now."))
    if locked.version != expected_version:
        raise Conflict(_("Someone else changed this paper meanwhile; reload it and apply your change again."))
    unknown = set(changes) - set(EDITABLE_PROBLEM_FIELDS)
    if unknown:
        raise Conflict(_("These fields cannot be edited: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if "category" in changes:
        _check_choice(changes["category"], Category, _("category"))
    if "source" in changes:
        _check_choice(changes["source"], Problem.Source, _("source"))
    if "fix_type" in changes:
        _check_choice(changes["fix_type"], FixType, _("rectification type"))
    changes = {name: value.strip() if isinstance(value, str) else value for name, value in changes.items()}
    if "phenomenon" in changes and not changes["phenomenon"]:
        raise Conflict(_("Describe what was found."))
    if "found_on" in changes:
        _check_day(changes["found_on"], locked.assignment)
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    before = snapshot(locked, changed)
    for name in changed:
        setattr(locked, name, changes[name])
    locked.version += 1
    locked.save(update_fields=[*changed, "version", "updated_at"])
    record_event(
        "findings.problem_edited",
        locked,
        actor=actor,
        unit=locked.village,
        before={**before, "status": locked.status},
        after=snapshot(locked, changed),
        note=note,
    )
    problem.__dict__.update({name: getattr(locked, name) for name in [*changed, "version"]})
    return locked


def _move_problem(problem: Problem, target: str, *, actor: Actor, note: str, **fields: Any) -> Problem:
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    _move(locked.status, target, PROBLEM_TRANSITIONS, Problem.Status)
    before = locked.status
    locked.status = target
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", *fields, "updated_at"])
    record_event(
        f"findings.problem_{target.lower()}",
        locked,
        actor=actor,
        unit=locked.village,
        before={"status": before},
        after={"status": target},
        note=note,
    )
    problem.status = target
    for name, value in fields.items():
        setattr(problem, name, value)
    return locked


@transaction.atomic
def confirm_problem(problem: Problem, *, actor: Actor, note: str = "") -> Problem:
    """The group leader confirms a draft after the group meeting (DRAFT → CONFIRMED)."""
    require(actor, permissions.can_confirm_problem(actor, problem), _("Only the group leader confirms papers."))
    return _move_problem(
        problem,
        Problem.Status.CONFIRMED,
        actor=actor,
        note=note,
        confirmed_by=user_or_none(actor),
        confirmed_at=timezone.now(),
    )


@transaction.atomic
def discard_problem(problem: Problem, *, actor: Actor, reason: str) -> Problem:
    """Withdraw a draft that did not hold up (its number stays used, so numbering keeps its history)."""
    require(actor, permissions.can_discard_problem(actor, problem), _("You may not discard this paper."))
    if not reason.strip():
        raise Conflict(_("Say why the paper is discarded."))
    return _move_problem(problem, Problem.Status.DISCARDED, actor=actor, note=reason.strip())


@transaction.atomic
def mark_fed_back(problem: Problem, *, actor: Actor) -> Problem:
    """A confirmed paper goes into the feedback to its village (called by the rectification actions, which check
    the permission to publish)."""
    require(actor, permissions.can_feed_back_problem(actor, problem), _("Only the inspection office feeds back."))
    return _move_problem(problem, Problem.Status.FED_BACK, actor=actor, note="")


@transaction.atomic
def issue_notice(
    problem: Problem, *, requirement: str, deadline: date, actor: Actor, issued_on: date | None = None
) -> ImmediateFixNotice:
    """Issue an immediate-fix notice (立行立改通知书) for an IMMEDIATE problem, due before stationing ends."""
    require(actor, permissions.can_issue_notice(actor, problem), _("Only the group leader issues notices."))
    if problem.fix_type != FixType.IMMEDIATE:
        raise Conflict(_("Only problems to fix immediately get an immediate-fix notice."))
    if problem.status == Problem.Status.DISCARDED:
        raise TransitionNotAllowed(_("The paper was discarded."))
    # The group row is locked before the check, so that two leaders issuing at once cannot both pass it.
    group = InspectionGroup.objects.select_for_update().get(pk=problem.group_id)
    if ImmediateFixNotice.objects.filter(problem=problem).exists():
        raise Conflict(_("This problem already has its notice."))
    issued_on = issued_on or timezone.localdate()
    stationed_until = problem.assignment.stationed_until
    if deadline > stationed_until:
        raise Conflict(_("The deadline must fall before the end of stationing, %(date)s.") % {"date": stationed_until})
    if deadline < issued_on:
        raise Conflict(_("The deadline cannot be before the notice is issued."))
    if issued_on < problem.found_on or issued_on > timezone.localdate():
        raise Conflict(_("A notice is issued after the problem was found and not in the future."))
    if not requirement.strip():
        raise Conflict(_("Say what must be done."))
    count = ImmediateFixNotice.objects.filter(problem__group=group).count()
    round_ = problem.round
    notice = ImmediateFixNotice.objects.create(
        problem=problem,
        number=f"[{round_.start_date.year}]{round_.number}巡{group.number}组立改{count + 1:03d}号",
        requirement=requirement.strip(),
        issued_on=issued_on,
        deadline=deadline,
        issued_by=user_or_none(actor) or problem.finder,
    )
    record_event(
        "findings.notice_issued",
        notice,
        actor=actor,
        unit=problem.village,
        after=snapshot(notice, ["number", "issued_on", "deadline", "requirement"]),
    )
    return notice


@transaction.atomic
def complete_notice(notice: ImmediateFixNotice, *, completed_on: date, note: str, actor: Actor) -> ImmediateFixNotice:
    """Record that the village fixed the problem of an immediate-fix notice."""
    require(actor, permissions.can_complete_notice(actor, notice), _("Only the group records this."))
    locked = ImmediateFixNotice.objects.select_for_update().get(pk=notice.pk)
    if locked.status != ImmediateFixNotice.Status.ISSUED:
        raise TransitionNotAllowed(_("This notice is already completed."))
    if completed_on < locked.issued_on or completed_on > timezone.localdate():
        raise Conflict(_("The fix cannot be dated before the notice or in the future."))
    if not note.strip():
        raise Conflict(_("Say how the problem was fixed."))
    locked.status = ImmediateFixNotice.Status.COMPLETED
    locked.completed_on = completed_on
    locked.completion_note = note.strip()
    locked.save(update_fields=["status", "completed_on", "completion_note"])
    record_event(
        "findings.notice_completed",
        locked,
        actor=actor,
        unit=locked.problem.village,
        before={"status": ImmediateFixNotice.Status.ISSUED},
        after=snapshot(locked, ["status", "completed_on", "completion_note"]),
    )
    notice.status = locked.status
    return locked


# Suggestions ------------------------------------------------------------------------------------------------------


@transaction.atomic
def record_suggestion(
    assignment: Assignment,
    village: AdminUnit,
    *,
    topic: str,
    text: str,
    actor: Actor,
    proposer: str = "",
    received_on: date | None = None,
    recorded_by: User | None = None,
) -> Suggestion:
    """Record a residents' suggestion (意见建议) heard in the village."""
    _recording(actor, assignment)
    _check_village(assignment, village)
    _check_choice(topic, Suggestion.Topic, _("topic"))
    if not text.strip():
        raise Conflict(_("Write down the suggestion."))
    recorded_by = recorded_by or user_or_none(actor)
    if recorded_by is None:
        raise Conflict(_("A suggestion needs the person who recorded it."))
    received_on = received_on or timezone.localdate()
    _check_day(received_on, assignment)
    suggestion = Suggestion.objects.create(
        assignment=assignment,
        village=village,
        topic=topic,
        text=text.strip(),
        proposer=proposer.strip(),
        received_on=received_on,
        recorded_by=recorded_by,
    )
    record_event(
        "findings.suggestion_recorded",
        suggestion,
        actor=actor,
        unit=village,
        after=snapshot(suggestion, ["topic", "text", "proposer", "received_on"]),
    )
    return suggestion


@transaction.atomic
def decide_suggestion(
    suggestion: Suggestion,
    outcome: str,
    *,
    actor: Actor,
    note: str = "",
    problem: Problem | None = None,
) -> Suggestion:
    """Decide a suggestion. Adopting it (IMMEDIATE or FOLLOW_UP) links the given problem or writes a new draft
    paper from it, with the fix type the outcome names."""
    require(actor, permissions.can_decide_suggestion(actor, suggestion), _("Only the group leader decides this."))
    _check_choice(outcome, Suggestion.Outcome, _("outcome"))
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.outcome:
        raise TransitionNotAllowed(_("This suggestion was already decided."))
    if outcome == Suggestion.Outcome.NOT_ADOPTED:
        if not note.strip():
            raise Conflict(_("Say why the suggestion is not adopted."))
        problem = None
    elif problem is None:
        problem = record_problem(
            locked.assignment,
            locked.village,
            category=TOPIC_CATEGORY[Suggestion.Topic(locked.topic)],
            phenomenon=locked.text,
            source=Problem.Source.SUGGESTION,
            fix_type=outcome,
            actor=actor,
            finder=locked.recorded_by if actor is SYSTEM else None,
            found_on=locked.received_on,
        )
    elif problem.assignment_id != locked.assignment_id or problem.status == Problem.Status.DISCARDED:
        raise Conflict(_("Link a problem of the same assignment that was not discarded."))
    locked.outcome = outcome
    locked.outcome_note = note.strip()
    locked.problem = problem
    locked.decided_by = user_or_none(actor)
    locked.decided_at = timezone.now()
    locked.save(update_fields=["outcome", "outcome_note", "problem", "decided_by", "decided_at"])
    record_event(
        "findings.suggestion_decided",
        locked,
        actor=actor,
        unit=locked.village,
        after={
            "outcome": outcome,
            "problem": problem.serial if problem else None,
            "note": withheld(locked.outcome_note),
        },
    )
    suggestion.outcome, suggestion.problem = locked.outcome, problem
    return locked


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
    """A resident's message through the public form (no login). Accepted while the group is stationed; the
    reporter may stay anonymous. Returns the petition, whose receipt code the resident keeps."""
    today = timezone.localdate()
    if not permissions.is_recording(assignment) or not (
        assignment.stationed_from <= today <= assignment.stationed_until
    ):
        raise TransitionNotAllowed(
            _("The inspection group takes messages here from %(start)s to %(end)s.")
            % {"start": assignment.stationed_from, "end": assignment.stationed_until}
        )
    petition = _new_petition(
        assignment, village, channel=Petition.Channel.PUBLIC_FORM, category=category, text=text, name=name, phone=phone
    )
    if photo is not None:
        handle, file_name, size = photo
        petition.evidence.add(store_evidence(handle, file_name, uploaded_by=None, images_only=True))
    _petition_event(petition, "findings.petition_received", RESIDENT)
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
    petition.status, petition.disposition = locked.status, locked.disposition
    return locked


def reveal_reporter(petition: Petition, *, actor: User, ip_address: str | None = None) -> tuple[str, str]:
    """The reporter's name and phone, for those allowed; each reveal is written to the access log."""
    if not permissions.can_reveal_reporter(actor, petition):
        raise PermissionDenied(_("You may not see who sent this petition."))
    log_access(actor, AccessLog.Action.REPORTER_REVEALED, petition, ip_address=ip_address)
    return crypto.decrypt(petition.reporter_name_token), crypto.decrypt(petition.reporter_phone_token)


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


def _move_clue(clue: Clue, target: str, *, actor: Actor, allowed: bool, message: str, **fields: Any) -> Clue:
    require(actor, allowed, message)
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
    return _move_clue(
        clue,
        Clue.Status.TRANSFERRED,
        actor=actor,
        allowed=permissions.can_transfer_clue(actor, clue),
        message=_("Only the office director transfers clues."),
        transfer_number=transfer_number.strip(),
        transferred_at=timezone.now(),
    )


@transaction.atomic
def receive_clue(clue: Clue, *, actor: Actor) -> Clue:
    """The receiving body acknowledges receipt."""
    return _move_clue(
        clue,
        Clue.Status.RECEIVED,
        actor=actor,
        allowed=permissions.receives(actor, clue),
        message=_("Only the receiving body acknowledges a clue."),
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
        allowed=permissions.receives(actor, clue),
        message=_("Only the receiving body disposes of a clue."),
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
        allowed=permissions.receives(actor, clue),
        message=_("Only the receiving body gives feedback on a clue."),
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
