"""Return visits (回访): plan a visit to a village with the items to check, record its verdicts (VERIFIED lets an item
close, REOPEN sends it back to work with a new deadline) and residents' satisfaction, and attach the photos taken on
site."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import SYSTEM, Actor, require, user_or_none
from xuncha.audit.actions import record_event, withheld
from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.evidence.actions import store_evidence
from xuncha.evidence.models import Evidence
from xuncha.inspections.models import Round
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import notices, permissions
from xuncha.rectification.actions._common import Status, _office, _refuse_archived_items
from xuncha.rectification.actions.ledger import _lock, _move
from xuncha.rectification.models import LedgerItem, Progress, ReturnVisit, VisitCheck

if TYPE_CHECKING:
    pass


@transaction.atomic
def plan_visit(
    village: AdminUnit,
    *,
    planned_on: date,
    items: Sequence[LedgerItem],
    actor: Actor,
    visitors: str = "",
    round_: Round | None = None,
) -> ReturnVisit:
    """The office (or a group that inspected the village) plans a return visit and chooses the items to check."""
    require(actor, permissions.can_plan_visit(actor, village, round_), _("Only the office or the group plans this."))
    _refuse_archived_items(items)
    if not items:
        raise Conflict(_("Choose the items to check."))
    foreign = [item for item in items if item.village_id != village.pk]
    if foreign:
        raise Conflict(_("%(item)s is not an item of %(village)s.") % {"item": foreign[0], "village": village})
    unfinished = [item for item in items if item.status in (Status.OPEN, Status.IN_PROGRESS, Status.RETURNED)]
    if unfinished:
        raise Conflict(
            _("%(item)s is still being worked on; a visit checks work reported done.") % {"item": unfinished[0]}
        )
    group = None
    if round_ is not None and actor is not SYSTEM and not permissions.can_plan_visit(actor, village):
        # A group plans visits only for the items of the round it inspected.
        if any(item.round_id != round_.pk for item in items):
            raise Conflict(_("A group checks only the items of the round it inspected."))
        group = round_.groups.filter(memberships__user=user_or_none(actor)).first()
    visit = ReturnVisit.objects.create(
        village=village,
        planned_on=planned_on,
        visitors=visitors.strip(),
        planned_by=user_or_none(actor) or _office(items[0].round),
        planned_by_group=group,
    )
    VisitCheck.objects.bulk_create([VisitCheck(visit=visit, item=item) for item in items])
    record_event(
        "rectification.visit_planned",
        visit,
        actor=actor,
        unit=village,
        after={"planned_on": planned_on, "items": [item.number for item in items]},
    )
    notices.visit_planned(visit, actor=actor)
    return visit


@transaction.atomic
def record_visit(
    visit: ReturnVisit,
    *,
    visited_on: date,
    verdicts: dict[int, tuple[str, str, date | None]],
    people_asked: int,
    people_satisfied: int,
    actor: Actor,
    visitors: str = "",
    note: str = "",
) -> ReturnVisit:
    """Record what the visit found: for each checked item VERIFIED or REOPEN (with a note and, to reopen, a new
    deadline), and how many residents were asked and how many were satisfied.

    A VERIFIED item may then be closed; a REOPEN verdict sends the item back to IN_PROGRESS with its new deadline.
    """
    require(actor, permissions.can_record_visit(actor, visit), _("Only the office or the group records the visit."))
    _refuse_archived_items(LedgerItem.objects.filter(checks__visit=visit))
    locked = ReturnVisit.objects.select_for_update().get(pk=visit.pk)
    if locked.status == ReturnVisit.Status.DONE:
        raise TransitionNotAllowed(_("This visit was already recorded."))
    if visited_on > timezone.localdate():
        raise Conflict(_("A visit cannot be recorded before it happens."))
    if people_asked < 0 or not 0 <= people_satisfied <= people_asked:
        raise Conflict(_("The residents satisfied cannot outnumber those asked."))
    checks = {check.item_id: check for check in locked.checks.select_related("item")}
    if set(verdicts) != set(checks):
        raise Conflict(_("Give a verdict for every item checked on the visit."))
    for item_id, (verdict, check_note, new_deadline) in verdicts.items():
        if verdict not in VisitCheck.Verdict.values:
            raise Conflict(_("Unknown verdict."))
        check = checks[item_id]
        check.verdict, check.note, check.new_deadline = verdict, check_note.strip(), new_deadline
        check.save(update_fields=["verdict", "note", "new_deadline"])
        if verdict == VisitCheck.Verdict.VERIFIED:
            _verify(check.item, check_note, visited_on, locked, actor)
        else:
            _reopen_from_visit(check.item, check_note, new_deadline, visited_on, actor)
    locked.status = ReturnVisit.Status.DONE
    locked.visited_on = visited_on
    locked.visitors = visitors.strip() or locked.visitors
    locked.people_asked, locked.people_satisfied = people_asked, people_satisfied
    locked.note = note.strip()
    locked.save(update_fields=["status", "visited_on", "visitors", "people_asked", "people_satisfied", "note"])
    record_event(
        "rectification.visit_recorded",
        locked,
        actor=actor,
        unit=locked.village,
        after={
            "visited_on": visited_on,
            "verdicts": {checks[item_id].item.number: verdict for item_id, (verdict, _n, _d) in verdicts.items()},
            "people_asked": people_asked,
            "people_satisfied": people_satisfied,
        },
    )
    visit.status = locked.status
    return locked


def _verify(item: LedgerItem, note: str, visited_on: date, visit: ReturnVisit, actor: Actor) -> None:
    """A VERIFIED verdict: the item may now close; its history says so."""
    verified_at = timezone.make_aware(datetime.combine(visited_on, time(12)))
    verified_by = user_or_none(actor)
    LedgerItem.objects.filter(pk=item.pk).update(verified_at=verified_at, verified_by=verified_by)
    item.verified_at, item.verified_by = verified_at, verified_by
    record_event(
        "rectification.item_verified",
        item,
        actor=actor,
        unit=item.village,
        after={"visit": visit.pk, "visited_on": visited_on, "note": withheld(note.strip())},
    )


def _reopen_from_visit(item: LedgerItem, note: str, new_deadline: date | None, visited_on: date, actor: Actor) -> None:
    """A REOPEN verdict: back to IN_PROGRESS with a new deadline, through the transitions of the ledger."""
    if new_deadline is None or new_deadline <= visited_on:
        raise Conflict(_("Give %(item)s a new deadline after the visit.") % {"item": item})
    current = _lock(item, None)
    _move(
        item,
        Status.IN_PROGRESS,
        actor=actor,
        kind=Progress.Kind.REOPEN,
        text=_("Reopened after a return visit: %(note)s") % {"note": note.strip()},
        on=visited_on,
        deadline=new_deadline,
        closed_on=None,
        verified_at=None,
        verified_by=None,
        reopened=current.reopened + 1,
        failed_visits=current.failed_visits + 1,
    )


@transaction.atomic
def attach_check_photo(
    check: VisitCheck, handle: IO[bytes], file_name: str, size: int, *, actor: Actor, caption: str = ""
) -> Evidence:
    """A photo taken on a return visit, attached to the item checked."""
    require(actor, permissions.can_record_visit(actor, check.visit), _("Only the office or the group does this."))
    _refuse_archived_items([check.item])
    evidence = store_evidence(handle, file_name, uploaded_by=user_or_none(actor), caption=caption, images_only=True)
    check.evidence.add(evidence)
    record_event(
        "rectification.visit_photo_attached",
        evidence,
        actor=actor,
        unit=check.visit.village,
        after={"item": check.item.number, "sha256": evidence.sha256},
    )
    return evidence
