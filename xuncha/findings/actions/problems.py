"""Working papers, their immediate-fix notices, and residents' suggestions (an adopted one becomes a paper)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import SYSTEM, Actor, require, user_or_none
from xuncha.audit.actions import PendingEvent, record_event, record_events, snapshot, withheld
from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.findings import permissions
from xuncha.findings.models import (
    Category,
    FixType,
    ImmediateFixNotice,
    Problem,
    Suggestion,
)
from xuncha.inspections.archived import refuse_if_archived
from xuncha.inspections.models import Assignment, InspectionGroup

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.organisations.models import AdminUnit

from xuncha.findings.actions._common import (
    EDITABLE_PROBLEM_FIELDS,
    PROBLEM_BATCH,
    PROBLEM_TRANSITIONS,
    TOPIC_CATEGORY,
    _check_choice,
    _check_day,
    _check_village,
    _move,
    _recording,
)
from xuncha.findings.actions.evidence import Upload, attach_photos

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
    photos: Sequence[Upload] = (),
) -> Problem:
    """Write a new working paper (DRAFT) with the group's next serial number, e.g. ``[2023]4巡-3组-017``, with the
    photos taken of it (``attach_photos``): a refused photo refuses the paper too, so nothing is half saved."""
    spec = ProblemSpec(village, category, phenomenon, source, fix_type, basis, responsibility, found_on, finder)
    problem = record_problems(assignment, [spec], actor=actor)[0]
    attach_photos(problem, photos, actor=actor)
    return problem


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
    problem: Problem,
    changes: dict[str, Any],
    *,
    expected_version: int,
    actor: Actor,
    note: str = "",
    photos: Sequence[Upload] = (),
) -> Problem:
    """Edit a working paper, adding the photos sent with the edit (``attach_photos``) in the same transaction.
    ``expected_version`` is the version the editor started from: if someone saved in between, the edit is refused
    (``Conflict``) instead of silently overwriting theirs."""
    # The group edits its papers, and the office rewords a confirmed one before feedback; whether this one may still
    # be edited is decided on the locked row below.
    require(
        actor,
        permissions.is_member(actor, problem.assignment) or permissions.can_feed_back_problem(actor, problem),
        _("You may not edit this working paper now."),
    )
    refuse_if_archived(problem.round_id)
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
    attach_photos(locked, photos, actor=actor)
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
    refuse_if_archived(locked.round_id)
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
    refuse_if_archived(problem.round_id)
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
    refuse_if_archived(notice.problem.round_id)
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
    refuse_if_archived(suggestion.assignment.round_id)
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
