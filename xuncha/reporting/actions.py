"""The report chain's writes: group meetings, reports and their versions and comments, the gates, separate
feedback to a principal leader, and a county's feedback rule. Each checks its permission first, runs in one
transaction and records its audit event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.audit.actions import log_access, record_event, snapshot, withheld
from xuncha.audit.models import AccessLog
from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.findings import actions as findings_actions
from xuncha.findings.models import Problem
from xuncha.inspections.models import Assignment, Membership, Round
from xuncha.reporting import permissions
from xuncha.reporting.drafting import draft
from xuncha.reporting.models import (
    FeedbackRule,
    Gate,
    GroupMeeting,
    Report,
    ReportComment,
    ReportVersion,
    SeparateFeedback,
)

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.organisations.models import AdminUnit

Status = Report.Status
# The gates in the order a report passes them, and the status a report waits in before each.
GATE_ORDER: list[str] = [Gate.Kind.GROUP_MEETING, Gate.Kind.OFFICE_REVIEW, Gate.Kind.LEADING_GROUP, Gate.Kind.SECRETARY]
AWAITED_GATE: dict[str, str] = {
    Status.DRAFT: Gate.Kind.GROUP_MEETING,
    Status.OFFICE_REVIEW: Gate.Kind.OFFICE_REVIEW,
    Status.LEADING_GROUP: Gate.Kind.LEADING_GROUP,
    Status.SECRETARY: Gate.Kind.SECRETARY,
}
# Where a report goes when its awaited gate passes it; a report returned at any gate goes back to drafting.
PASSES_TO: dict[str, str] = {
    Status.DRAFT: Status.OFFICE_REVIEW,
    Status.OFFICE_REVIEW: Status.LEADING_GROUP,
    Status.LEADING_GROUP: Status.SECRETARY,
    Status.SECRETARY: Status.APPROVED,
}
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.OFFICE_REVIEW, Status.DRAFT},
    Status.OFFICE_REVIEW: {Status.LEADING_GROUP, Status.DRAFT},
    Status.LEADING_GROUP: {Status.SECRETARY, Status.DRAFT},
    Status.SECRETARY: {Status.APPROVED, Status.DRAFT},
    Status.APPROVED: set(),
}
TITLE_LENGTH = Report._meta.get_field("title").max_length or 200
# Rounds whose reports can be drafted: from stationing on, while the round is not closed.
DRAFTING_STATUSES = {Round.Status.STATIONED, Round.Status.REPORTING, Round.Status.FEEDBACK, Round.Status.RECTIFYING}


def _check_past(day: date, earliest: date | None = None) -> None:
    if day > timezone.localdate():
        raise Conflict(_("The date cannot lie in the future."))
    if earliest is not None and day < earliest:
        raise Conflict(_("The date cannot lie before %(date)s.") % {"date": earliest})


# Group meetings ---------------------------------------------------------------------------------------------------


@transaction.atomic
def hold_group_meeting(
    assignment: Assignment,
    *,
    held_on: date,
    attendees: Sequence[User],
    minutes: str,
    problems: Sequence[Problem],
    actor: Actor,
    decisions: str = "",
) -> GroupMeeting:
    """Record the group meeting (组务会) that the leader convened, and confirm through the findings' own action the
    draft papers it confirmed (DRAFT → CONFIRMED), each linked to the meeting."""
    require(actor, permissions.can_hold_group_meeting(actor, assignment), _("Only the group leader records this."))
    _check_past(held_on, assignment.stationed_from)
    if not minutes.strip():
        raise Conflict(_("Write the minutes of the meeting."))
    members = set(Membership.objects.filter(group_id=assignment.group_id).values_list("user_id", flat=True))
    if not attendees:
        raise Conflict(_("Name who attended the meeting."))
    outsiders = [str(person) for person in attendees if person.pk not in members]
    if outsiders:
        raise Conflict(_("Only members of the group attend its meeting: %(names)s.") % {"names": "、".join(outsiders)})
    for problem in problems:
        if problem.assignment_id != assignment.pk:
            raise Conflict(_("%(serial)s belongs to another assignment.") % {"serial": problem.serial})
        if problem.status != Problem.Status.DRAFT:
            raise TransitionNotAllowed(_("%(serial)s is no longer a draft.") % {"serial": problem.serial})
    leader = user_or_none(actor)
    assert leader is not None  # noqa: S101 - only a group leader (a person) passes the permission
    meeting = GroupMeeting.objects.create(
        round_id=assignment.round_id,
        group_id=assignment.group_id,
        assignment=assignment,
        held_on=held_on,
        minutes=minutes.strip(),
        decisions=decisions.strip(),
        recorded_by=leader,
    )
    meeting.attendees.set(attendees)
    note = _("Confirmed by the group meeting of %(date)s") % {"date": held_on}
    for problem in problems:
        findings_actions.confirm_problem(problem, actor=actor, note=note)
    meeting.problems.set(problems)
    record_event(
        "reporting.meeting_held",
        meeting,
        actor=actor,
        after={
            "held_on": held_on,
            "attendees": [str(person) for person in attendees],
            "problems": [problem.serial for problem in problems],
            "minutes": withheld(meeting.minutes),
            "decisions": withheld(meeting.decisions),
        },
    )
    return meeting


# Reports and versions ---------------------------------------------------------------------------------------------


@transaction.atomic
def draft_report(
    round_: Round,
    *,
    actor: Actor,
    assignment: Assignment | None = None,
    kind: str = Report.Kind.INSPECTION,
    title: str = "",
) -> Report:
    """Draft a report of ``assignment`` (or of the round when ``None``) from the round's data as its version 1: the
    villages, the confirmed problems by category with typical cases, suggestions, and the clues only as a count.
    ``title`` names a special report's topic; left empty, the title is written from the data."""
    require(actor, permissions.can_draft_report(actor, round_, assignment), _("You may not draft this report."))
    if kind not in Report.Kind.values:
        raise Conflict(_("Unknown kind of report: %(kind)s.") % {"kind": kind})
    title = " ".join(title.split())
    if len(title) > TITLE_LENGTH:
        raise Conflict(_("The title is at most %(length)s characters long.") % {"length": TITLE_LENGTH})
    if assignment is not None and assignment.round_id != round_.pk:
        raise Conflict(_("The assignment belongs to another round."))
    if round_.status not in DRAFTING_STATUSES:
        raise TransitionNotAllowed(
            _("Reports are drafted from stationing until the round closes; the round is %(status)s.")
            % {"status": round_.get_status_display()}
        )
    Round.objects.select_for_update().get(pk=round_.pk)
    existing = Report.objects.filter(round=round_, assignment=assignment, kind=Report.Kind.INSPECTION)
    if kind == Report.Kind.INSPECTION and existing.exists():
        raise Conflict(_("This report was drafted already; edit it instead."))
    author = user_or_none(actor)
    assert author is not None  # noqa: S101 - drafting is a person's work
    written = draft(round_, assignment, kind)
    report = Report.objects.create(
        round=round_,
        assignment=assignment,
        kind=kind,
        title=title or written.title,
        text=written.text,
        clue_count=written.clue_count,
        drafted_by=author,
        created_at=timezone.now(),
    )
    ReportVersion.objects.create(report=report, number=1, text=written.text, author=author, note=_("First draft"))
    record_event(
        "reporting.report_drafted",
        report,
        actor=actor,
        after={**snapshot(report, ["kind", "status", "version", "clue_count"]), "text": withheld(report.text)},
    )
    return report


@transaction.atomic
def save_report_version(
    report: Report, *, text: str, expected_version: int, actor: Actor, note: str = ""
) -> ReportVersion:
    """Save an edited text as the report's next version. ``expected_version`` is the version the editor started
    from: a save in between refuses this one. A report is edited while it is drafted (or returned to drafting)."""
    require(actor, permissions.can_edit_report(actor, report), _("You may not edit this report."))
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.status != Status.DRAFT:
        raise TransitionNotAllowed(
            _("A report is edited while it is being drafted; it is %(status)s.")
            % {"status": locked.get_status_display()}
        )
    if locked.version != expected_version:
        raise Conflict(_("Someone else saved this report meanwhile; reload it and apply your change again."))
    text = text.strip()
    if not text:
        raise Conflict(_("The report cannot be empty."))
    if text == locked.text:
        raise Conflict(_("Nothing was changed."))
    author = user_or_none(actor)
    assert author is not None  # noqa: S101 - editing is a person's work
    locked.version += 1
    locked.text = text
    locked.save(update_fields=["version", "text"])
    version = ReportVersion.objects.create(
        report=locked, number=locked.version, text=text, author=author, note=note.strip()[:200]
    )
    record_event(
        "reporting.version_saved",
        version,
        actor=actor,
        before={"number": expected_version},
        after={"number": locked.version, "text": withheld(text), "note": withheld(version.note)},
    )
    report.version, report.text = locked.version, locked.text
    return version


@transaction.atomic
def comment_on_version(version: ReportVersion, *, text: str, actor: Actor) -> ReportComment:
    """The office comments on a version of a report (before it is approved)."""
    report = version.report
    require(actor, permissions.can_comment_report(actor, report), _("Only the inspection office comments here."))
    if report.status == Status.APPROVED:
        raise TransitionNotAllowed(_("The report was approved; it takes no more comments."))
    if not text.strip():
        raise Conflict(_("Write the comment."))
    author = user_or_none(actor)
    assert author is not None  # noqa: S101 - the office's staff are persons
    comment = ReportComment.objects.create(version=version, text=text.strip(), author=author)
    record_event(
        "reporting.version_commented",
        comment,
        actor=actor,
        after={"version": version.number, "text": withheld(comment.text)},
    )
    return comment


# Gates ------------------------------------------------------------------------------------------------------------


@transaction.atomic
def record_gate(
    report: Report,
    kind: str,
    *,
    decision: str,
    held_on: date,
    minutes: str,
    actor: Actor,
    decisions: str = "",
    meeting: GroupMeeting | None = None,
) -> Gate:
    """Record the meeting of the gate the report waits for, with its minutes and decision: PASSED moves the report
    to the next gate (the last one approves it), RETURNED sends it back to drafting. Gates are passed in order
    (组务会 → 办公室审核 → 领导小组会议 → 书记专题会); one cannot be skipped or held out of turn."""
    require(actor, permissions.can_record_gate(actor, report, kind), _("You may not record this gate."))
    if kind not in Gate.Kind.values:
        raise Conflict(_("Unknown gate: %(kind)s.") % {"kind": kind})
    if decision not in Gate.Decision.values:
        raise Conflict(_("Unknown decision: %(decision)s.") % {"decision": decision})
    locked = Report.objects.select_for_update(of=("self",)).select_related("assignment").get(pk=report.pk)
    awaited = AWAITED_GATE.get(locked.status)
    if awaited is None:
        raise TransitionNotAllowed(_("The report has passed every gate already."))
    if kind != awaited:
        raise TransitionNotAllowed(
            _("The report waits for the %(awaited)s; the %(gate)s cannot be held before it, nor again.")
            % {"awaited": Gate.Kind(awaited).label, "gate": Gate.Kind(kind).label}
        )
    last = Gate.objects.filter(report=locked).aggregate(last=Max("held_on"))["last"]
    _check_past(held_on, last or timezone.localdate(locked.created_at))
    if not minutes.strip():
        raise Conflict(_("Write the minutes of the meeting."))
    if meeting is not None and (kind != Gate.Kind.GROUP_MEETING or meeting.assignment_id != locked.assignment_id):
        raise Conflict(_("Only the group meeting of the report's own assignment is linked to this gate."))
    target = PASSES_TO[locked.status] if decision == Gate.Decision.PASSED else Status.DRAFT
    if target not in TRANSITIONS[locked.status]:
        raise TransitionNotAllowed(_("The report cannot move this way."))
    recorder = user_or_none(actor)
    assert recorder is not None  # noqa: S101 - gates are recorded by persons
    gate = Gate.objects.create(
        report=locked,
        kind=kind,
        held_on=held_on,
        minutes=minutes.strip(),
        decision=decision,
        decisions=decisions.strip(),
        version=locked.version,
        meeting=meeting,
        recorded_by=recorder,
    )
    before = locked.status
    locked.status = target
    locked.approved_on = held_on if target == Status.APPROVED else None
    locked.save(update_fields=["status", "approved_on"])
    # The gate's own record, and the report's move, each on its object so that the trail names their fields.
    record_event(
        "reporting.gate_passed" if decision == Gate.Decision.PASSED else "reporting.gate_returned",
        gate,
        actor=actor,
        after=snapshot(gate, ["kind", "held_on", "decision", "version", "minutes", "decisions"]),
    )
    record_event("reporting.report_moved", locked, actor=actor, before={"status": before}, after={"status": target})
    report.status, report.approved_on = locked.status, locked.approved_on
    return gate


# Separate feedback ------------------------------------------------------------------------------------------------


@transaction.atomic
def give_separate_feedback(
    assignment: Assignment, village: AdminUnit, *, given_on: date, person: str, points: str, actor: Actor
) -> SeparateFeedback:
    """Record the separate feedback (单独反馈, art. 26) given to the principal leader of a village the assignment
    covers; whom and what are kept encrypted."""
    require(
        actor,
        permissions.can_give_separate_feedback(actor, assignment),
        _("Only the office director or the group leader gives separate feedback."),
    )
    if not assignment.covered.filter(village=village).exists():
        raise Conflict(_("%(village)s is not covered by this assignment.") % {"village": village})
    _check_past(given_on, assignment.stationed_from)
    if not person.strip() or not points.strip():
        raise Conflict(_("Name the principal leader and write what was fed back."))
    giver = user_or_none(actor)
    assert giver is not None  # noqa: S101 - given by a person
    separate = SeparateFeedback.objects.create(
        round_id=assignment.round_id,
        assignment=assignment,
        village=village,
        given_on=given_on,
        person=person.strip(),
        points=points.strip(),
        given_by=giver,
    )
    record_event(
        "reporting.separate_feedback_given",
        separate,
        actor=actor,
        unit=None,  # a confidential act: not on the village's timeline
        after={"given_on": given_on, "person": withheld(separate.person), "points": withheld(separate.points)},
    )
    return separate


def read_separate_feedback(
    separate: SeparateFeedback, *, actor: User, ip_address: str | None = None
) -> SeparateFeedback:
    """Every opening of a separate feedback is written to the access log; only its readers open it."""
    require(actor, permissions.can_read_separate_feedback(actor, separate), _("You may not open this record."))
    log_access(actor, AccessLog.Action.REPORTER_REVEALED, separate, detail="separate feedback", ip_address=ip_address)
    return separate


# The county's rule ------------------------------------------------------------------------------------------------


@transaction.atomic
def set_feedback_rule(round_: Round, *, needs_approved_report: bool, actor: Actor) -> FeedbackRule:
    """The office director sets whether the county's lists are fed back only after a report's last gate."""
    require(actor, permissions.can_set_feedback_rule(actor, round_), _("Only the office director sets this."))
    county = round_.term.county
    rule, _created = FeedbackRule.objects.select_for_update().get_or_create(county=county)
    before = rule.needs_approved_report if not _created else None
    rule.needs_approved_report = needs_approved_report
    rule.save(update_fields=["needs_approved_report"])
    record_event(
        "reporting.feedback_rule_set",
        rule,
        actor=actor,
        unit=county,
        before={"needs_approved_report": before},
        after={"needs_approved_report": needs_approved_report},
    )
    return rule
