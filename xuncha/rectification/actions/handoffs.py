"""Hand-offs (移交, 交办): the office hands a ledger item to the organisation department or a county department,
which becomes a responsible party of the item (``ResponsibleParty``) and moves along ``PARTY_TRANSITIONS``: it signs
a receipt, reports progress with evidence and marks its part done. ``close_item`` refuses while a party is not
done (``models_handoff.why_parties_pending``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.audit.actions import record_event, withheld
from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.organisations.models import AdminUnit, Level
from xuncha.rectification import notices, permissions
from xuncha.rectification.actions._common import Status
from xuncha.rectification.actions.ledger import _attach, _check_on, _lock
from xuncha.rectification.models import LedgerItem, Progress, ResponsibleParty

PartyStatus = ResponsibleParty.Status

# What apps above this one do once an item was handed to a department, in the same transaction (its deliverables of
# art. 27 are opened: ``deliverables.hooks.item_handed_off``, added by ``DeliverablesConfig.ready``).
HANDED_OFF: list[Callable[[ResponsibleParty, Actor], None]] = []

PARTY_TRANSITIONS: dict[str, set[str]] = {
    PartyStatus.HANDED: {PartyStatus.SIGNED},
    PartyStatus.SIGNED: {PartyStatus.DONE},
    PartyStatus.DONE: set(),
}


def _lock_party(party: ResponsibleParty, target: str) -> ResponsibleParty:
    locked = ResponsibleParty.objects.select_for_update(of=("self",)).select_related("unit").get(pk=party.pk)
    if target not in PARTY_TRANSITIONS[locked.status]:
        raise TransitionNotAllowed(
            _("%(unit)s is %(current)s: it cannot become %(target)s.")
            % {
                "unit": locked.unit,
                "current": locked.get_status_display(),
                "target": PartyStatus(target).label,
            }
        )
    return locked


@transaction.atomic
def hand_off_item(
    item: LedgerItem,
    *,
    unit: AdminUnit,
    request: str,
    actor: Actor,
    part: str = ResponsibleParty.Part.CO,
    on: date | None = None,
) -> ResponsibleParty:
    """The office hands the item to a department of the item's county (移交 to 组织部, 交办 to 住建局 …) as its lead
    or co-responsible unit, saying what is asked of it. The department is told at once."""
    require(actor, permissions.can_hand_off(actor, item), _("Only the inspection office hands items off."))
    if not request.strip():
        raise Conflict(_("Say what is asked of the department."))
    if part not in ResponsibleParty.Part.values:
        raise Conflict(_("Choose whether the department leads or shares the work."))
    locked = _lock(item, None)
    if unit.level != Level.DEPARTMENT or unit.parent_id != locked.round.term.county_id:
        raise Conflict(_("Hand the item to a department of %(county)s.") % {"county": locked.round.term.county})
    if locked.status == Status.CLOSED:
        raise TransitionNotAllowed(_("The item is closed: reopen it before handing it off."))
    if locked.parties.filter(unit=unit).exists():
        raise Conflict(_("The item was already handed to %(unit)s.") % {"unit": unit})
    if part == ResponsibleParty.Part.LEAD and locked.parties.filter(part=ResponsibleParty.Part.LEAD).exists():
        raise Conflict(_("The item already has a lead department; hand it off as co-responsible."))
    on = _check_on(on, locked)
    party = ResponsibleParty.objects.create(
        item=locked, unit=unit, part=part, request=request.strip(), handed_by=user_or_none(actor), handed_on=on
    )
    Progress.objects.create(
        item=locked,
        party=party,
        kind=Progress.Kind.HANDOFF,
        text=_("%(unit)s (%(part)s): %(request)s")
        % {"unit": unit, "part": party.get_part_display(), "request": party.request},
        on=on,
        author=user_or_none(actor),
    )
    record_event(
        "rectification.item_handed_off",
        locked,
        actor=actor,
        unit=locked.village,
        after={"department": unit.code, "part": part, "text": withheld(party.request)},
    )
    for hook in HANDED_OFF:
        hook(party, actor)
    notices.item_handed_off(party, actor=actor)
    return party


@transaction.atomic
def sign_party_receipt(party: ResponsibleParty, *, actor: Actor) -> ResponsibleParty:
    """The department signs for the item handed to it (签收)."""
    require(actor, permissions.can_act_for_party(actor, party), _("Only the department the item was handed to signs."))
    locked = _lock_party(party, PartyStatus.SIGNED)
    locked.status, locked.signed_by, locked.signed_at = PartyStatus.SIGNED, user_or_none(actor), timezone.now()
    locked.save(update_fields=["status", "signed_by", "signed_at"])
    Progress.objects.create(
        item_id=locked.item_id,
        party=locked,
        kind=Progress.Kind.PARTY_SIGNED,
        text=_("%(unit)s signed for the item.") % {"unit": locked.unit},
        on=timezone.localdate(),
        author=user_or_none(actor),
    )
    _party_event(locked, "rectification.party_signed", actor, PartyStatus.HANDED)
    party.status, party.signed_at = locked.status, locked.signed_at
    return locked


@transaction.atomic
def report_party_progress(
    party: ResponsibleParty,
    *,
    text: str,
    actor: Actor,
    on: date | None = None,
    files: Sequence[tuple[IO[bytes], str, int]] = (),
) -> Progress:
    """The department reports how its part goes, with evidence; the item's own status does not move."""
    require(
        actor, permissions.can_act_for_party(actor, party), _("Only the department the item was handed to reports.")
    )
    return _party_step(party, Progress.Kind.PROGRESS, text=text, actor=actor, on=on, files=files)


@transaction.atomic
def complete_party(
    party: ResponsibleParty,
    *,
    text: str,
    actor: Actor,
    on: date | None = None,
    files: Sequence[tuple[IO[bytes], str, int]] = (),
) -> ResponsibleParty:
    """The department marks its part done, saying what it did; the office is told."""
    require(
        actor,
        permissions.can_act_for_party(actor, party),
        _("Only the department the item was handed to marks its part done."),
    )
    locked = _lock_party(party, PartyStatus.DONE)
    progress = _party_step(locked, Progress.Kind.PARTY_DONE, text=text, actor=actor, on=on, files=files)
    locked.status, locked.done_by, locked.done_on = PartyStatus.DONE, user_or_none(actor), progress.on
    locked.save(update_fields=["status", "done_by", "done_on"])
    _party_event(locked, "rectification.party_done", actor, PartyStatus.SIGNED)
    notices.party_done(locked, actor=actor)
    party.status, party.done_on = locked.status, locked.done_on
    return locked


def _party_step(
    party: ResponsibleParty,
    kind: str,
    *,
    text: str,
    actor: Actor,
    on: date | None,
    files: Sequence[tuple[IO[bytes], str, int]],
) -> Progress:
    if not text.strip():
        raise Conflict(_("Write what was done."))
    if party.status == PartyStatus.HANDED:
        raise TransitionNotAllowed(_("Sign for the item first."))
    item = _lock(party.item, None)
    if item.status == Status.CLOSED:
        raise TransitionNotAllowed(_("The item is closed."))
    progress = Progress.objects.create(
        item=item, party=party, kind=kind, text=text.strip(), on=_check_on(on, item), author=user_or_none(actor)
    )
    evidence = _attach(progress, files, actor)
    if kind == Progress.Kind.PROGRESS:
        record_event(
            "rectification.party_progress",
            item,
            actor=actor,
            unit=item.village,
            after={
                "department": party.unit.code,
                "text": withheld(progress.text),
                "files": [e.sha256 for e in evidence],
            },
        )
    return progress


def _party_event(party: ResponsibleParty, verb: str, actor: Actor, before: str) -> None:
    record_event(
        verb,
        party.item,
        actor=actor,
        unit=party.item.village,
        before={"party_status": before},
        after={"department": party.unit.code, "party_status": party.status},
    )
