"""Use cases of planning: terms, rounds, groups, members, recusals and assignments.

Each function checks the actor's permission, then the state, writes, and records an audit event, all in one
transaction. ``SYSTEM`` acts for the demo and commands run on the server; ``None`` is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require
from xuncha.accounts.models import SYSTEM_ROLES
from xuncha.accounts.scoping import roles_of
from xuncha.audit.actions import record_event, snapshot
from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.inspections import permissions
from xuncha.inspections.archived import refuse_if_archived
from xuncha.inspections.models import (
    Assignment,
    AssignmentVillage,
    ContactChannel,
    InspectionGroup,
    Membership,
    Recusal,
    Round,
    Term,
)
from xuncha.inspections.queries import RecusalConflict, recusal_conflicts
from xuncha.organisations.models import AdminUnit, Level

if TYPE_CHECKING:
    from xuncha.accounts.models import User

Status = Round.Status

ROUND_TRANSITIONS: dict[str, set[str]] = {
    Status.PLANNED: {Status.STATIONED},
    Status.STATIONED: {Status.REPORTING},
    Status.REPORTING: {Status.FEEDBACK},
    Status.FEEDBACK: {Status.RECTIFYING},
    Status.RECTIFYING: {Status.CLOSED},
    Status.CLOSED: set(),
}
# Assignments are made while a round is planned; a group may still take on a village once stationed.
ASSIGNABLE_STATUSES = {Status.PLANNED, Status.STATIONED}


@transaction.atomic
def open_term(
    county: AdminUnit,
    number: int,
    name: str,
    *,
    start_date: date,
    end_date: date | None = None,
    actor: Actor,
) -> Term:
    """Open a committee term (届) of a county."""
    require(actor, permissions.can_open_term(actor, county), _("You may not open terms in this county."))
    if county.level != Level.COUNTY:
        raise Conflict(_("A term belongs to a county."))
    if end_date and end_date < start_date:
        raise Conflict(_("The term cannot end before it starts."))
    if Term.objects.filter(county=county, number=number).exists():
        raise Conflict(_("%(county)s already has a term number %(number)s.") % {"county": county, "number": number})
    term = Term.objects.create(county=county, number=number, name=name, start_date=start_date, end_date=end_date)
    record_event(
        "inspections.term_opened",
        term,
        actor=actor,
        unit=county,
        after=snapshot(term, ["number", "name", "start_date", "end_date"]),
    )
    return term


@transaction.atomic
def create_round(
    term: Term,
    number: int,
    *,
    kind: str = Round.Kind.ROUTINE,
    start_date: date,
    end_date: date,
    title: str = "",
    actor: Actor,
) -> Round:
    """Plan a new round of the term; it starts PLANNED."""
    require(actor, permissions.can_plan_round(actor, term), _("You may not plan rounds in this county."))
    if kind not in Round.Kind.values:
        raise Conflict(_("Unknown kind of round."))
    if end_date < start_date:
        raise Conflict(_("The round cannot end before it starts."))
    if start_date < term.start_date or (term.end_date and end_date > term.end_date):
        raise Conflict(_("The round must fall within the term %(term)s.") % {"term": term})
    if Round.objects.filter(term=term, number=number).exists():
        raise Conflict(_("%(term)s already has a round %(number)s.") % {"term": term, "number": number})
    round_ = Round.objects.create(
        term=term, number=number, kind=kind, start_date=start_date, end_date=end_date, title=title
    )
    record_event(
        "inspections.round_created",
        round_,
        actor=actor,
        unit=term.county,
        after=snapshot(round_, ["number", "kind", "title", "start_date", "end_date", "status"]),
    )
    return round_


@transaction.atomic
def move_round(round_: Round, to_status: str, *, actor: Actor, note: str = "") -> Round:
    """Move a round along its life: planned → stationed → reporting → feedback → rectifying → closed."""
    require(actor, permissions.can_move_round(actor, round_), _("You may not change the state of this round."))
    refuse_if_archived(round_)
    if to_status not in Status.values:
        raise TransitionNotAllowed(_("Unknown round status %(status)s.") % {"status": to_status})
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if to_status not in ROUND_TRANSITIONS[locked.status]:
        raise TransitionNotAllowed(
            _("A round that is %(current)s cannot become %(target)s.")
            % {"current": locked.get_status_display(), "target": Status(to_status).label}
        )
    if to_status == Status.STATIONED and not locked.assignments.exists():
        raise Conflict(_("Assign at least one village before the groups are stationed."))
    before = locked.status
    locked.status = to_status
    locked.save(update_fields=["status"])
    record_event(
        "inspections.round_status_changed",
        locked,
        actor=actor,
        unit=locked.term.county,
        before={"status": before},
        after={"status": to_status},
        note=note,
    )
    round_.status = to_status
    return locked


@transaction.atomic
def form_group(
    round_: Round, number: int, *, actor: Actor, name: str = "", leader: User | None = None
) -> InspectionGroup:
    """Form an inspection group in a round, optionally with its leader."""
    require(actor, permissions.can_assign(actor, round_), _("You may not form groups in this round."))
    refuse_if_archived(round_)
    if round_.status not in ASSIGNABLE_STATUSES:
        raise TransitionNotAllowed(
            _("Groups are formed before the round reports; it is %(status)s.") % {"status": round_.get_status_display()}
        )
    if InspectionGroup.objects.filter(round=round_, number=number).exists():
        raise Conflict(_("This round already has a group number %(number)s.") % {"number": number})
    group = InspectionGroup.objects.create(
        round=round_, number=number, name=name or InspectionGroup.default_name(number)
    )
    record_event(
        "inspections.group_formed",
        group,
        actor=actor,
        unit=round_.term.county,
        after={"number": number, "name": group.name},
    )
    if leader is not None:
        add_member(group, leader, Membership.GroupRole.LEADER, actor=actor)
    return group


def _conflict_message(conflict: RecusalConflict, group: InspectionGroup) -> str:
    recusal = conflict.recusal
    role = conflict.membership.get_role_display() if conflict.membership else _("member")
    detail = f"（{recusal.detail}）" if recusal.detail else ""
    if conflict.clash.pk == conflict.township.pk:
        return _(
            "%(member)s (%(role)s of %(group)s) has a declared tie to %(unit)s: %(tie)s%(detail)s; "
            "the target is that township, %(township)s."
        ) % {
            "member": recusal.user,
            "role": role,
            "group": group,
            "unit": recusal.unit,
            "tie": recusal.get_tie_display(),
            "detail": detail,
            "township": conflict.township,
        }
    return _(
        "%(member)s (%(role)s of %(group)s) has a declared tie to %(unit)s: %(tie)s%(detail)s; "
        "%(clash)s lies in the same township, %(township)s."
    ) % {
        "member": recusal.user,
        "role": role,
        "group": group,
        "unit": recusal.unit,
        "tie": recusal.get_tie_display(),
        "detail": detail,
        "clash": conflict.clash,
        "township": conflict.township,
    }


@transaction.atomic
def add_member(group: InspectionGroup, user: User, role: str, *, actor: Actor) -> Membership:
    """Put a person into a group; refused if they hold a recusal tie to a place the group is assigned to."""
    require(actor, permissions.can_manage_group(actor, group), _("You may not change this group."))
    refuse_if_archived(group.round_id)
    if role not in Membership.GroupRole.values:
        raise Conflict(_("Unknown role in a group."))
    if group.round.status == Status.CLOSED:
        raise TransitionNotAllowed(_("The round is closed; its groups no longer change."))
    if Membership.objects.filter(group=group, user=user).exists():
        raise Conflict(_("%(user)s is already in %(group)s.") % {"user": user, "group": group})
    if roles_of(user) & SYSTEM_ROLES:
        raise Conflict(
            _("%(user)s is an administrator (三员) and may not serve in an inspection group.") % {"user": user}
        )
    if role == Membership.GroupRole.LEADER and Membership.objects.filter(group=group, role=role).exists():
        raise Conflict(_("%(group)s already has a leader.") % {"group": group})
    if Membership.objects.filter(group__round=group.round, user=user).exists():
        raise Conflict(_("%(user)s already serves in another group of this round.") % {"user": user})
    units: list[AdminUnit] = []
    for assignment in group.assignments.prefetch_related("villages").select_related("target"):
        units.append(assignment.target)
        units.extend(assignment.villages.all())
    conflicts = recusal_conflicts([user.pk], units)
    if conflicts:
        membership = Membership(group=group, user=user, role=role)
        raise Conflict(
            _conflict_message(
                RecusalConflict(conflicts[0].recusal, membership, conflicts[0].clash, conflicts[0].township), group
            )
        )
    membership = Membership.objects.create(group=group, user=user, role=role)
    record_event(
        "inspections.member_added",
        membership,
        actor=actor,
        unit=group.round.term.county,
        after={"group": group.name, "user": user.username, "role": role},
    )
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, actor: Actor) -> None:
    group = membership.group
    require(actor, permissions.can_manage_group(actor, group), _("You may not change this group."))
    refuse_if_archived(group.round_id)
    if group.round.status == Status.CLOSED:
        raise TransitionNotAllowed(_("The round is closed; its groups no longer change."))
    record_event(
        "inspections.member_removed",
        membership,
        actor=actor,
        unit=group.round.term.county,
        before={"group": group.name, "user": membership.user.username, "role": membership.role},
    )
    membership.delete()


@transaction.atomic
def declare_recusal(person: User, unit: AdminUnit, tie: str, *, actor: Actor, detail: str = "") -> Recusal:
    """Declare a person's tie to a township or village (home, relative, former post), which bars them from it."""
    require(
        actor,
        permissions.can_declare_recusal(actor, person.pk, unit),
        _("You may declare only your own ties."),
    )
    if tie not in Recusal.Tie.values:
        raise Conflict(_("Unknown kind of tie."))
    if unit.level not in (Level.TOWNSHIP, Level.VILLAGE):
        raise Conflict(_("A tie is declared to a township or a village."))
    if Recusal.objects.filter(user=person, unit=unit, tie=tie).exists():
        raise Conflict(_("This tie is already declared."))
    recusal = Recusal.objects.create(user=person, unit=unit, tie=tie, detail=detail.strip())
    record_event(
        "inspections.recusal_declared",
        recusal,
        actor=actor,
        unit=unit,
        after={"user": person.username, "unit": unit.code, "tie": tie, "detail": recusal.detail},
    )
    return recusal


@transaction.atomic
def withdraw_recusal(recusal: Recusal, *, actor: Actor, note: str = "") -> None:
    require(
        actor,
        permissions.can_withdraw_recusal(actor, recusal),
        _("Only the inspection office may withdraw a declared tie."),
    )
    record_event(
        "inspections.recusal_withdrawn",
        recusal,
        actor=actor,
        unit=recusal.unit,
        before={"user": recusal.user.username, "unit": recusal.unit.code, "tie": recusal.tie, "detail": recusal.detail},
        note=note,
    )
    recusal.delete()


def _check_targets(
    round_: Round, mode: str, target: AdminUnit, villages: Sequence[AdminUnit], topic: str
) -> list[AdminUnit]:
    """The villages an assignment covers, after checking that they fit its mode and the round's county."""
    county = round_.term.county
    if mode == Assignment.Mode.DIRECT:
        if target.level != Level.VILLAGE:
            raise Conflict(_("A direct inspection targets one village or community."))
        villages = [target]
    elif mode == Assignment.Mode.TOWNSHIP_WITH_VILLAGES:
        if target.level != Level.TOWNSHIP:
            raise Conflict(_("Inspecting a township with its villages targets a township."))
        if not villages:
            raise Conflict(_("Choose the villages the township inspection brings along."))
        outside = [village for village in villages if not village.path.startswith(target.path)]
        if outside:
            raise Conflict(
                _("%(village)s does not belong to %(township)s.") % {"village": outside[0], "township": target}
            )
    elif mode == Assignment.Mode.SPECIAL:
        if not topic.strip():
            raise Conflict(_("A special inspection needs its topic."))
        if target.pk != county.pk:
            raise Conflict(_("A special inspection targets the county."))
        if not villages:
            raise Conflict(_("Choose the villages of the special inspection."))
    else:
        raise Conflict(_("Unknown mode of inspection."))
    not_villages = [village for village in villages if village.level != Level.VILLAGE]
    if not_villages:
        raise Conflict(_("%(unit)s is not a village or community.") % {"unit": not_villages[0]})
    foreign = [village for village in [target, *villages] if not village.path.startswith(county.path)]
    if foreign:
        raise Conflict(_("%(unit)s lies outside %(county)s.") % {"unit": foreign[0], "county": county})
    return list({village.pk: village for village in villages}.values())


@transaction.atomic
def assign_targets(
    round_: Round,
    group: InspectionGroup,
    mode: str,
    target: AdminUnit,
    villages: Sequence[AdminUnit] = (),
    *,
    stationed_from: date,
    stationed_until: date,
    topic: str = "",
    actor: Actor,
) -> Assignment:
    """Assign a group to a village (DIRECT), a township with villages it brings, or villages on one topic.

    Refused with a reason when a village is already assigned in this round, when the dates fall outside the
    round, or when a member of the group has a declared tie in the same township as a target (naming the
    member and the tie).
    """
    require(actor, permissions.can_assign(actor, round_), _("You may not assign targets in this round."))
    refuse_if_archived(round_)
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.status not in ASSIGNABLE_STATUSES:
        raise TransitionNotAllowed(
            _("Targets can no longer be assigned: the round is %(status)s.") % {"status": locked.get_status_display()}
        )
    if group.round_id != round_.pk:
        raise Conflict(_("%(group)s is not a group of this round.") % {"group": group})
    covered = _check_targets(round_, mode, target, villages, topic)
    if stationed_until < stationed_from:
        raise Conflict(_("Stationing cannot end before it starts."))
    if stationed_from < round_.start_date or stationed_until > round_.end_date:
        raise Conflict(
            _("Stationing must fall within the round, %(start)s to %(end)s.")
            % {"start": round_.start_date, "end": round_.end_date}
        )
    taken = (
        AssignmentVillage.objects.filter(round=round_, village__in=covered)
        .select_related("village", "assignment__group")
        .first()
    )
    if taken is not None:
        raise Conflict(
            _("%(village)s is already assigned to %(group)s in this round.")
            % {"village": taken.village, "group": taken.assignment.group}
        )
    memberships = list(Membership.objects.filter(group=group).select_related("user"))
    conflicts = recusal_conflicts([m.user_id for m in memberships], [target, *covered], memberships)
    if conflicts:
        raise Conflict(_conflict_message(conflicts[0], group))
    assignment = Assignment.objects.create(
        round=round_,
        group=group,
        mode=mode,
        target=target,
        topic=topic.strip(),
        stationed_from=stationed_from,
        stationed_until=stationed_until,
    )
    try:
        AssignmentVillage.objects.bulk_create(
            [AssignmentVillage(assignment=assignment, village=village, round=round_) for village in covered]
        )
    except IntegrityError:  # a concurrent assignment took a village between the check and the insert
        raise Conflict(_("One of these villages was just assigned to another group; reload and try again.")) from None
    record_event(
        "inspections.targets_assigned",
        assignment,
        actor=actor,
        unit=target,
        after={
            "group": group.name,
            "mode": mode,
            "target": target.code,
            "villages": [village.code for village in covered],
            "topic": assignment.topic,
            "stationed_from": stationed_from,
            "stationed_until": stationed_until,
        },
    )
    return assignment


@transaction.atomic
def cancel_assignment(assignment: Assignment, *, actor: Actor, note: str = "") -> None:
    """Withdraw an assignment while its round is still planned."""
    require(
        actor,
        permissions.can_cancel_assignment(actor, assignment),
        _("You may not cancel assignments in this round."),
    )
    refuse_if_archived(assignment.round_id)
    if assignment.round.status != Status.PLANNED:
        raise TransitionNotAllowed(_("Only assignments of a planned round can be cancelled."))
    record_event(
        "inspections.assignment_cancelled",
        assignment,
        actor=actor,
        unit=assignment.target,
        before={
            "group": assignment.group.name,
            "mode": assignment.mode,
            "villages": list(assignment.villages.values_list("code", flat=True)),
        },
        note=note,
    )
    assignment.delete()


@transaction.atomic
def publish_channel(
    assignment: Assignment,
    kind: str,
    value: str,
    *,
    actor: Actor,
    note: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> ContactChannel:
    """Publish a phone, mailbox, e-mail, QR link or address for residents, valid during stationing unless said."""
    require(
        actor,
        permissions.can_manage_channels(actor, assignment),
        _("Only the office or the group leader publishes contact channels."),
    )
    refuse_if_archived(assignment.round_id)
    if kind not in ContactChannel.Kind.values:
        raise Conflict(_("Unknown kind of channel."))
    if not value.strip():
        raise Conflict(_("Give the number or address."))
    valid_from = valid_from or assignment.stationed_from
    valid_until = valid_until or assignment.stationed_until
    if valid_until < valid_from:
        raise Conflict(_("A channel cannot close before it opens."))
    channel = ContactChannel.objects.create(
        assignment=assignment,
        kind=kind,
        value=value.strip(),
        note=note.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    record_event(
        "inspections.channel_published",
        channel,
        actor=actor,
        unit=assignment.target,
        after=snapshot(channel, ["kind", "value", "note", "valid_from", "valid_until"]),
    )
    return channel


@transaction.atomic
def withdraw_channel(channel: ContactChannel, *, actor: Actor) -> None:
    require(
        actor,
        permissions.can_manage_channels(actor, channel.assignment),
        _("Only the office or the group leader withdraws contact channels."),
    )
    refuse_if_archived(channel.assignment.round_id)
    record_event(
        "inspections.channel_withdrawn",
        channel,
        actor=actor,
        unit=channel.assignment.target,
        before=snapshot(channel, ["kind", "value", "note", "valid_from", "valid_until"]),
    )
    channel.delete()
