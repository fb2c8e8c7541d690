"""Use cases of the preparation of a round: drafting, submitting and approving work plans, signing recusal
declarations, sending enquiry letters and recording their replies, and marking and closing the leads they give.

Each action checks the actor's permission first, then the object's state, writes and records an audit event, in one
transaction. The demo and commands act as the real users, never as ``SYSTEM`` for what a person must sign.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, SystemActor, require, user_or_none
from xuncha.audit.actions import record_event
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.evidence.actions import store_evidence
from xuncha.findings.models import Category
from xuncha.inspections.models import Assignment, Recusal, Round
from xuncha.planning import permissions
from xuncha.planning.models import Enquiry, Lead, PlanStage, RecusalDeclaration, WorkPlan

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.organisations.models import AdminUnit

PLAN_TRANSITIONS: dict[str, set[str]] = {
    WorkPlan.Status.DRAFT: {WorkPlan.Status.SUBMITTED},
    WorkPlan.Status.SUBMITTED: {WorkPlan.Status.APPROVED, WorkPlan.Status.RETURNED},
    WorkPlan.Status.RETURNED: {WorkPlan.Status.DRAFT},
    WorkPlan.Status.APPROVED: set(),
}
ENQUIRY_TRANSITIONS: dict[str, set[str]] = {
    Enquiry.Status.SENT: {Enquiry.Status.REPLIED},
    Enquiry.Status.REPLIED: set(),
}
LEAD_TRANSITIONS: dict[str, set[str]] = {
    Lead.Status.OPEN: {Lead.Status.USED, Lead.Status.DROPPED},
    Lead.Status.USED: set(),
    Lead.Status.DROPPED: set(),
}
# Plans are edited while they are drafts, or once the director returned them (editing makes them drafts again).
EDITABLE_PLAN_STATES = {WorkPlan.Status.DRAFT, WorkPlan.Status.RETURNED}


@dataclass(frozen=True)
class StageSpec:
    """One stage of a schedule, as a caller gives it."""

    kind: str
    starts_on: date
    ends_on: date
    note: str = ""


def _move(current: str, target: str, transitions: dict[str, set[str]], labels: Any) -> None:
    if target not in transitions.get(current, set()):
        raise TransitionNotAllowed(
            _("A record that is %(current)s cannot become %(target)s.")
            % {"current": labels(current).label, "target": labels(target).label}
        )


def _county_of(round_: Round) -> AdminUnit:
    return round_.term.county


# Work plans -------------------------------------------------------------------------------------------------------


def _check_focus(focus: Sequence[str]) -> list[str]:
    unknown = [value for value in focus if value not in Category.values]
    if unknown:
        raise Conflict(_("Unknown focus: %(values)s.") % {"values": "、".join(unknown)})
    # In the taxonomy's order, once each.
    return [value for value in Category.values if value in set(focus)]


def _check_stages(stages: Sequence[StageSpec]) -> None:
    for stage in stages:
        if stage.kind not in PlanStage.Kind.values:
            raise Conflict(_("Unknown stage: %(kind)s.") % {"kind": stage.kind})
        if stage.ends_on < stage.starts_on:
            raise Conflict(_("A stage cannot end before it starts."))


def _write_stages(plan: WorkPlan, stages: Sequence[StageSpec]) -> None:
    plan.stages.all().delete()
    PlanStage.objects.bulk_create(
        PlanStage(
            plan=plan,
            position=position,
            kind=stage.kind,
            starts_on=stage.starts_on,
            ends_on=stage.ends_on,
            note=stage.note.strip(),
        )
        for position, stage in enumerate(stages, start=1)
    )


def _plan_state(plan: WorkPlan) -> dict[str, Any]:
    return {
        "title": plan.title,
        "focus": list(plan.focus),
        "status": plan.status,
        "stages": [[stage.kind, stage.starts_on, stage.ends_on] for stage in plan.stages.all()],
    }


def _plan_unit(plan: WorkPlan) -> AdminUnit:
    return plan.assignment.target if plan.assignment_id and plan.assignment else _county_of(plan.round)


@transaction.atomic
def draft_work_plan(
    round_: Round,
    *,
    actor: Actor,
    assignment: Assignment | None = None,
    title: str = "",
    focus: Sequence[str] = (),
    focus_note: str = "",
    authorisation: str = "",
    stages: Sequence[StageSpec] = (),
) -> WorkPlan:
    """The office drafts the work plan of a round, or of one of its assignments (one plan each)."""
    require(actor, permissions.can_draft_plan(actor, round_), _("Only the inspection office drafts work plans."))
    drafter = user_or_none(actor)
    if drafter is None:
        raise PermissionDenied(_("A work plan is drafted by a person of the inspection office."))
    if round_.status == Round.Status.CLOSED:
        raise TransitionNotAllowed(_("The round is closed."))
    if assignment is not None and assignment.round_id != round_.pk:
        raise Conflict(_("The assignment belongs to another round."))
    existing = WorkPlan.objects.filter(round=round_)
    existing = existing.filter(assignment=assignment) if assignment else existing.filter(assignment__isnull=True)
    if existing.exists():
        raise Conflict(_("This work plan already exists."))
    _check_stages(stages)
    plan = WorkPlan.objects.create(
        round=round_,
        assignment=assignment,
        title=title.strip() or default_title(round_, assignment),
        focus=_check_focus(focus),
        focus_note=focus_note.strip(),
        authorisation=authorisation.strip(),
        drafted_by=drafter,
    )
    _write_stages(plan, stages)
    record_event("planning.plan_drafted", plan, actor=actor, unit=_plan_unit(plan), after=_plan_state(plan))
    return plan


def default_title(round_: Round, assignment: Assignment | None) -> str:
    if assignment is None:
        return f"{round_}工作方案"
    return f"{assignment.group}巡察{assignment.target}工作方案"


@transaction.atomic
def update_work_plan(
    plan: WorkPlan,
    *,
    actor: Actor,
    title: str,
    focus: Sequence[str],
    focus_note: str | None = None,
    authorisation: str | None = None,
    stages: Sequence[StageSpec] | None = None,
) -> WorkPlan:
    """Edit a draft or a returned plan (what is passed as None stays as it is); a returned plan becomes a draft
    again."""
    require(actor, permissions.can_edit_plan(actor, plan), _("Only the inspection office edits work plans."))
    if plan.status not in EDITABLE_PLAN_STATES:
        raise TransitionNotAllowed(
            _("A plan that is %(status)s cannot be edited.") % {"status": plan.get_status_display()}
        )
    if not title.strip():
        raise Conflict(_("A work plan needs a title."))
    if stages is not None:
        _check_stages(stages)
    before = _plan_state(plan)
    if plan.status == WorkPlan.Status.RETURNED:
        _move(plan.status, WorkPlan.Status.DRAFT, PLAN_TRANSITIONS, WorkPlan.Status)
        plan.status = WorkPlan.Status.DRAFT
    plan.title, plan.focus = title.strip(), _check_focus(focus)
    if focus_note is not None:
        plan.focus_note = focus_note.strip()
    if authorisation is not None:
        plan.authorisation = authorisation.strip()
    plan.save(update_fields=["title", "focus", "focus_note", "authorisation", "status", "updated_at"])
    if stages is not None:
        _write_stages(plan, stages)
    record_event(
        "planning.plan_updated", plan, actor=actor, unit=_plan_unit(plan), before=before, after=_plan_state(plan)
    )
    return plan


@transaction.atomic
def submit_work_plan(plan: WorkPlan, *, actor: Actor) -> WorkPlan:
    """Send a draft to the director for approval; it needs a focus, a schedule and an authorisation."""
    require(actor, permissions.can_edit_plan(actor, plan), _("Only the inspection office submits work plans."))
    _move(plan.status, WorkPlan.Status.SUBMITTED, PLAN_TRANSITIONS, WorkPlan.Status)
    if not plan.focus:
        raise Conflict(_("Choose the focus of supervision before submitting."))
    if not plan.stages.exists():
        raise Conflict(_("Set out the schedule before submitting."))
    if not plan.authorisation:
        raise Conflict(_("State the authorisation before submitting."))
    before = plan.status
    plan.status, plan.submitted_at = WorkPlan.Status.SUBMITTED, timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    record_event(
        "planning.plan_submitted",
        plan,
        actor=actor,
        unit=_plan_unit(plan),
        before={"status": before},
        after={"status": plan.status},
    )
    return plan


def _decide(plan: WorkPlan, target: str, verb: str, *, actor: Actor, note: str) -> WorkPlan:
    require(
        actor,
        permissions.can_approve_plan(actor, plan),
        _("Only the office director approves or returns a plan, and never one they drafted."),
    )
    _move(plan.status, target, PLAN_TRANSITIONS, WorkPlan.Status)
    before = plan.status
    plan.status, plan.decided_by, plan.decided_at = target, user_or_none(actor), timezone.now()
    plan.decision_note = note.strip()
    plan.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    record_event(
        verb,
        plan,
        actor=actor,
        unit=_plan_unit(plan),
        before={"status": before},
        after={"status": plan.status},
        note=plan.decision_note,
    )
    return plan


@transaction.atomic
def approve_work_plan(plan: WorkPlan, *, actor: Actor, note: str = "") -> WorkPlan:
    """The director approves a submitted plan: the group is authorised, for this round only, as it says."""
    return _decide(plan, WorkPlan.Status.APPROVED, "planning.plan_approved", actor=actor, note=note)


@transaction.atomic
def return_work_plan(plan: WorkPlan, *, actor: Actor, note: str) -> WorkPlan:
    """The director sends a submitted plan back for revision, saying why."""
    require(
        actor,
        permissions.can_approve_plan(actor, plan),
        _("Only the office director approves or returns a plan, and never one they drafted."),
    )
    if not note.strip():
        raise Conflict(_("Say what is to be revised."))
    return _decide(plan, WorkPlan.Status.RETURNED, "planning.plan_returned", actor=actor, note=note)


# Recusal declarations ---------------------------------------------------------------------------------------------


@transaction.atomic
def sign_declaration(
    round_: Round,
    *,
    actor: Actor,
    no_ties: bool,
    ties: Iterable[Recusal] = (),
    statement: str = "",
) -> RecusalDeclaration:
    """A member of one of the round's groups signs their own declaration: no ties, or their declared ties
    (``inspections.Recusal``) listed, with a statement."""
    require(
        actor,
        permissions.can_sign_declaration(actor, round_),
        _("Only members of the round's groups sign a declaration for it."),
    )
    if isinstance(actor, SystemActor):
        raise PermissionDenied(_("A declaration is signed by the member themself."))
    person: User = actor
    tie_list = list(ties)
    if any(tie.user_id != person.pk for tie in tie_list):
        raise Conflict(_("A declaration lists only one's own ties."))
    if no_ties and (tie_list or statement.strip()):
        raise Conflict(_("Declare either no ties, or the ties you have."))
    if not no_ties and not tie_list and not statement.strip():
        raise Conflict(_("List your ties, or declare that you have none."))
    if RecusalDeclaration.objects.filter(round=round_, user=person).exists():
        raise Conflict(_("You have already signed your declaration for this round."))
    declaration = RecusalDeclaration.objects.create(
        round=round_, user=person, no_ties=no_ties, statement=statement.strip(), signed_at=timezone.now()
    )
    declaration.ties.set(tie_list)
    # Never the statement, which may name relatives: the audit log is read by the auditor.
    record_event(
        "planning.declaration_signed",
        declaration,
        actor=actor,
        unit=_county_of(round_),
        after={"no_ties": no_ties, "ties": len(tie_list)},
    )
    return declaration


# Enquiries and leads ----------------------------------------------------------------------------------------------


@transaction.atomic
def send_enquiry(
    round_: Round,
    body: str,
    *,
    actor: Actor,
    matters: str,
    reply_by: date,
    sent_on: date | None = None,
    body_name: str = "",
    number: str = "",
    assignment: Assignment | None = None,
    village: AdminUnit | None = None,
) -> Enquiry:
    """The office sends an enquiry letter (征求意见函) to a county body about the round, or one of its assignments
    or villages."""
    require(actor, permissions.can_send_enquiry(actor, round_), _("Only the inspection office sends enquiries."))
    sender = user_or_none(actor)
    if sender is None:
        raise PermissionDenied(_("An enquiry is sent by a person of the inspection office."))
    if body not in Enquiry.Body.values:
        raise Conflict(_("Unknown county body."))
    if body == Enquiry.Body.OTHER and not body_name.strip():
        raise Conflict(_("Name the body the letter goes to."))
    if not matters.strip():
        raise Conflict(_("Say what the body is asked about."))
    if assignment is not None and assignment.round_id != round_.pk:
        raise Conflict(_("The assignment belongs to another round."))
    if village is not None:
        covered = Assignment.objects.filter(round=round_, covered__village=village)
        if assignment is not None:
            covered = covered.filter(pk=assignment.pk)
        if not covered.exists():
            raise Conflict(_("%(village)s is not inspected in this round.") % {"village": village})
    sent_on = sent_on or timezone.localdate()
    if reply_by < sent_on:
        raise Conflict(_("The reply cannot be due before the letter is sent."))
    enquiry = Enquiry.objects.create(
        round=round_,
        assignment=assignment,
        village=village,
        body=body,
        body_name=body_name.strip() if body == Enquiry.Body.OTHER else "",
        number=number.strip(),
        matters=matters.strip(),
        reply_by=reply_by,
        sent_on=sent_on,
        sent_by=sender,
    )
    record_event(
        "planning.enquiry_sent",
        enquiry,
        actor=actor,
        unit=village or _county_of(round_),
        after={"body": body, "reply_by": reply_by, "status": enquiry.status},
    )
    return enquiry


@transaction.atomic
def record_reply(
    enquiry: Enquiry,
    *,
    actor: Actor,
    replied_on: date,
    text: str,
    files: Sequence[tuple[IO[bytes], str, int]] = (),
) -> Enquiry:
    """Record a body's reply: its date, its text (kept encrypted) and its scanned pages or attachments."""
    require(actor, permissions.can_handle_enquiry(actor, enquiry), _("Only the inspection office records replies."))
    _move(enquiry.status, Enquiry.Status.REPLIED, ENQUIRY_TRANSITIONS, Enquiry.Status)
    if not text.strip() and not files:
        raise Conflict(_("Write the reply or attach it."))
    if replied_on < enquiry.sent_on or replied_on > timezone.localdate():
        raise Conflict(_("The reply is dated between the letter and today."))
    uploader = user_or_none(actor)
    for handle, file_name, _size in files:
        enquiry.reply_files.add(store_evidence(handle, file_name, uploaded_by=uploader))
    enquiry.status, enquiry.replied_on, enquiry.reply_text = Enquiry.Status.REPLIED, replied_on, text.strip()
    enquiry.save(update_fields=["status", "replied_on", "reply_text"])
    record_event(
        "planning.enquiry_replied",
        enquiry,
        actor=actor,
        unit=enquiry.village or _county_of(enquiry.round),
        before={"status": Enquiry.Status.SENT},
        after={"status": enquiry.status, "replied_on": replied_on, "files": len(files)},
    )
    return enquiry


@transaction.atomic
def mark_lead(
    enquiry: Enquiry,
    *,
    actor: Actor,
    text: str,
    assignment: Assignment,
    village: AdminUnit | None = None,
) -> Lead:
    """Mark a point of a reply as a lead for the group of ``assignment`` (it shows on the group's workbench)."""
    require(actor, permissions.can_handle_enquiry(actor, enquiry), _("Only the inspection office marks leads."))
    marker = user_or_none(actor)
    if marker is None:
        raise PermissionDenied(_("A lead is marked by a person of the inspection office."))
    if enquiry.status != Enquiry.Status.REPLIED:
        raise TransitionNotAllowed(_("Leads come from a reply: record it first."))
    if assignment.round_id != enquiry.round_id:
        raise Conflict(_("The assignment belongs to another round."))
    if village is not None and not assignment.covered.filter(village=village).exists():
        raise Conflict(_("%(village)s is not covered by this assignment.") % {"village": village})
    if not text.strip():
        raise Conflict(_("Write the lead."))
    lead = Lead.objects.create(
        enquiry=enquiry,
        round_id=enquiry.round_id,
        assignment=assignment,
        village=village,
        text=text.strip(),
        marked_by=marker,
    )
    record_event(
        "planning.lead_marked",
        lead,
        actor=actor,
        unit=village or assignment.target,
        after={"enquiry": enquiry.pk, "assignment": assignment.pk, "status": lead.status},
    )
    return lead


@transaction.atomic
def close_lead(lead: Lead, status: str, *, actor: Actor, note: str = "") -> Lead:
    """The group says it followed the lead up (USED) or dropped it (DROPPED), with a note."""
    require(actor, permissions.can_close_lead(actor, lead), _("Only the group the lead was given to closes it."))
    if status not in Lead.Status.values:
        raise Conflict(_("Unknown status."))
    _move(lead.status, status, LEAD_TRANSITIONS, Lead.Status)
    before = lead.status
    lead.status, lead.note = status, note.strip()[:200]
    lead.closed_by, lead.closed_at = user_or_none(actor), timezone.now()
    lead.save(update_fields=["status", "note", "closed_by", "closed_at"])
    record_event(
        "planning.lead_closed",
        lead,
        actor=actor,
        unit=lead.village or lead.assignment.target,
        before={"status": before},
        after={"status": lead.status},
        note=lead.note,
    )
    return lead
