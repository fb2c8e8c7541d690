"""Carry a ledger item (台账) to closure along ``ITEM_TRANSITIONS``: the village plans, reports progress and submits;
the township reviews; the office closes, keeps long-term items ongoing, reopens, extends deadlines and asks for
return visits. Every status change goes through ``_move``, which locks the row and checks the move. Extensions are
requests (``actions.extensions``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import SYSTEM, Actor, require, user_or_none
from xuncha.audit.actions import record_event, snapshot, withheld
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.evidence.actions import store_evidence
from xuncha.evidence.models import Evidence
from xuncha.findings.models import FixType
from xuncha.rectification import closing, notices, permissions
from xuncha.rectification.actions._common import Status, _refuse_archived_items
from xuncha.rectification.models import LedgerItem, Progress
from xuncha.rectification.models_handoff import why_parties_pending

if TYPE_CHECKING:
    pass

ITEM_TRANSITIONS: dict[str, set[str]] = {
    Status.OPEN: {Status.IN_PROGRESS, Status.SUBMITTED},
    Status.IN_PROGRESS: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.REVIEWED, Status.RETURNED, Status.IN_PROGRESS},
    Status.RETURNED: {Status.IN_PROGRESS, Status.SUBMITTED},
    Status.REVIEWED: {Status.CLOSED, Status.ONGOING, Status.RETURNED, Status.IN_PROGRESS},
    Status.ONGOING: {Status.CLOSED, Status.IN_PROGRESS},
    Status.CLOSED: {Status.IN_PROGRESS},
}
# SUBMITTED and REVIEWED go back to IN_PROGRESS only on a return visit's REOPEN verdict.

# Progress notes that move an item's status (a progress report or an extension does not).
STATUS_CHANGING = [
    Progress.Kind.SUBMISSION,
    Progress.Kind.APPROVAL,
    Progress.Kind.RETURN,
    Progress.Kind.CLOSURE,
    Progress.Kind.ONGOING,
    Progress.Kind.REOPEN,
]


def _check_on(on: date | None, item: LedgerItem) -> date:
    """A step's date: today unless said; never in the future nor before the item was fed back."""
    on = on or timezone.localdate()
    if on > timezone.localdate() or on < item.feedback.fed_back_on:
        raise Conflict(
            _("The date must lie between the feedback, %(date)s, and today.") % {"date": item.feedback.fed_back_on}
        )
    return on


def _lock(item: LedgerItem, expected_status: str | None) -> LedgerItem:
    """Lock the item's row; when the caller acted on what it saw (``expected_status``) and someone moved the item
    meanwhile, refuse with who did what, instead of acting on a state the caller never saw."""
    locked = (
        LedgerItem.objects.select_for_update(of=("self",))
        .select_related("round__term__county", "village", "feedback")
        .get(pk=item.pk)
    )
    _refuse_archived_items([locked])
    if expected_status is not None and locked.status != expected_status:
        last = locked.progress.filter(kind__in=STATUS_CHANGING).select_related("author").order_by("-pk").first()
        who = last.author if last and last.author else _("someone")
        raise Conflict(
            _("%(who)s already acted on this item; it is now %(status)s. Reload the page.")
            % {"who": who, "status": locked.get_status_display()}
        )
    return locked


def _move(
    item: LedgerItem,
    target: str,
    *,
    actor: Actor,
    kind: str,
    text: str,
    on: date | None = None,
    expected_status: str | None = None,
    **fields: Any,
) -> tuple[LedgerItem, Progress]:
    locked = _lock(item, expected_status)
    if target not in ITEM_TRANSITIONS.get(locked.status, set()):
        raise TransitionNotAllowed(
            _("An item that is %(current)s cannot become %(target)s.")
            % {"current": locked.get_status_display(), "target": Status(target).label}
        )
    before = snapshot(locked, ["status", "deadline"])
    locked.status = target
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", *fields, "updated_at"])
    progress = Progress.objects.create(
        item=locked, kind=kind, text=text, on=_check_on(on, locked), author=user_or_none(actor)
    )
    record_event(
        f"rectification.item_{kind.lower()}",
        locked,
        actor=actor,
        unit=locked.village,
        before=before,
        after={**snapshot(locked, ["status", "deadline"]), "text": withheld(text)},
    )
    notices.item_moved(locked, actor=actor)
    item.status = target
    for name, value in fields.items():
        setattr(item, name, value)
    return locked, progress


def _attach(progress: Progress, files: Iterable[tuple[IO[bytes], str, int]], actor: Actor) -> list[Evidence]:
    evidence = [store_evidence(handle, name, uploaded_by=user_or_none(actor)) for handle, name, _size in files]
    progress.evidence.add(*evidence)
    return evidence


def _check_parties_done(item: LedgerItem) -> None:
    """Refuse, naming them, while a department the item was handed to has not done its part."""
    reason = why_parties_pending(item)
    if reason is not None:
        raise Conflict(reason)


@transaction.atomic
def plan_item(
    item: LedgerItem,
    *,
    measures: str,
    goal: str,
    responsible_leader: str,
    actor: Actor,
    on: date | None = None,
) -> LedgerItem:
    """The village writes its rectification measures, goal and responsible leader (starting the work)."""
    require(actor, permissions.can_report_progress(actor, item), _("Only the responsible village plans the item."))
    if not measures.strip() or not responsible_leader.strip():
        raise Conflict(_("Give the measures and the responsible leader."))
    locked = _lock(item, None)
    if locked.status in (Status.CLOSED, Status.REVIEWED, Status.SUBMITTED):
        raise TransitionNotAllowed(_("The plan of a submitted or closed item is no longer changed."))
    before = snapshot(locked, ["measures", "goal", "responsible_leader", "status"])
    locked.measures, locked.goal, locked.responsible_leader = measures.strip(), goal.strip(), responsible_leader.strip()
    if locked.status in (Status.OPEN, Status.RETURNED):
        locked.status = Status.IN_PROGRESS
    locked.save(update_fields=["measures", "goal", "responsible_leader", "status", "updated_at"])
    Progress.objects.create(
        item=locked,
        kind=Progress.Kind.PLAN,
        text=measures.strip(),
        on=_check_on(on, locked),
        author=user_or_none(actor),
    )
    record_event(
        "rectification.item_planned",
        locked,
        actor=actor,
        unit=locked.village,
        before=before,
        after=snapshot(locked, ["measures", "goal", "responsible_leader", "status"]),
    )
    item.__dict__.update({name: getattr(locked, name) for name in ("measures", "goal", "responsible_leader", "status")})
    return locked


@transaction.atomic
def report_progress(
    item: LedgerItem,
    *,
    text: str,
    actor: Actor,
    on: date | None = None,
    files: Sequence[tuple[IO[bytes], str, int]] = (),
) -> Progress:
    """The village reports how the work goes (also the periodic report of a long-term item), with evidence."""
    require(actor, permissions.can_report_progress(actor, item), _("Only the responsible village reports progress."))
    return _record_progress(item, text=text, actor=actor, on=on, files=files)


@transaction.atomic
def enter_village_progress(item: LedgerItem, *, text: str, actor: Actor, on: date | None = None) -> Progress:
    """The overseeing township enters the progress its village reported to it (the township's ledger sheet); the
    note and its event name the township's user."""
    require(
        actor,
        permissions.can_enter_village_progress(actor, item),
        _("Only the overseeing township enters its villages' progress."),
    )
    return _record_progress(item, text=text, actor=actor, on=on, files=())


def _record_progress(
    item: LedgerItem,
    *,
    text: str,
    actor: Actor,
    on: date | None,
    files: Sequence[tuple[IO[bytes], str, int]],
) -> Progress:
    if not text.strip():
        raise Conflict(_("Write what was done."))
    locked = _lock(item, None)
    if locked.status in (Status.CLOSED, Status.SUBMITTED, Status.REVIEWED):
        raise TransitionNotAllowed(
            _("The item is %(status)s; progress is reported while it is being worked on.")
            % {"status": locked.get_status_display()}
        )
    on = _check_on(on, locked)
    before = locked.status
    if locked.status in (Status.OPEN, Status.RETURNED):
        locked.status = Status.IN_PROGRESS
        locked.save(update_fields=["status", "updated_at"])
    progress = Progress.objects.create(
        item=locked, kind=Progress.Kind.PROGRESS, text=text.strip(), on=on, author=user_or_none(actor)
    )
    evidence = _attach(progress, files, actor)
    record_event(
        "rectification.item_progress",
        locked,
        actor=actor,
        unit=locked.village,
        before={"status": before},
        after={"status": locked.status, "text": withheld(progress.text), "files": [e.sha256 for e in evidence]},
    )
    item.status = locked.status
    return progress


@transaction.atomic
def submit_item(
    item: LedgerItem,
    *,
    text: str,
    actor: Actor,
    files: Sequence[tuple[IO[bytes], str, int]] = (),
    on: date | None = None,
    expected_status: str | None = None,
) -> LedgerItem:
    """The village reports the item done, with what was done and the evidence, for the township's review."""
    require(actor, permissions.can_report_progress(actor, item), _("Only the responsible village submits the item."))
    if not text.strip():
        raise Conflict(_("Write what was done."))
    has_evidence = Progress.objects.filter(item=item, evidence__isnull=False).exists()
    if not files and not has_evidence:
        raise Conflict(_("Attach the evidence of the rectification (photos, documents)."))
    locked, progress = _move(
        item,
        Status.SUBMITTED,
        actor=actor,
        kind=Progress.Kind.SUBMISSION,
        text=text.strip(),
        on=on,
        expected_status=expected_status,
    )
    locked.done_on = item.done_on = progress.on
    locked.save(update_fields=["done_on"])
    _attach(progress, files, actor)
    return locked


@transaction.atomic
def review_item(
    item: LedgerItem,
    *,
    approve: bool,
    actor: Actor,
    reason: str = "",
    on: date | None = None,
    expected_status: str | None = Status.SUBMITTED,
) -> LedgerItem:
    """The township approves a submission (→ REVIEWED) or returns it with a reason (→ RETURNED). Two reviewers
    acting at once: the second is refused with a clear message and nothing is overwritten."""
    require(actor, permissions.can_review(actor, item), _("Only the overseeing township reviews the item."))
    if not approve and not reason.strip():
        raise Conflict(_("Say why the submission is returned."))
    if approve:
        locked, _progress = _move(
            item,
            Status.REVIEWED,
            actor=actor,
            kind=Progress.Kind.APPROVAL,
            text=reason.strip() or _("Checked and approved by the township."),
            on=on,
            expected_status=expected_status,
        )
    else:
        locked, _progress = _move(
            item,
            Status.RETURNED,
            actor=actor,
            kind=Progress.Kind.RETURN,
            text=reason.strip(),
            on=on,
            expected_status=expected_status,
            verified_at=None,
            verified_by=None,
        )
    return locked


@transaction.atomic
def return_reviewed_item(item: LedgerItem, *, reason: str, actor: Actor) -> LedgerItem:
    """The office sends a reviewed item back to the village when the rectification does not convince it."""
    require(actor, permissions.can_close(actor, item), _("Only the inspection office does this."))
    if not reason.strip():
        raise Conflict(_("Say why the item is returned."))
    locked, _progress = _move(
        item,
        Status.RETURNED,
        actor=actor,
        kind=Progress.Kind.RETURN,
        text=reason.strip(),
        expected_status=Status.REVIEWED,
        verified_at=None,
        verified_by=None,
    )
    return locked


@transaction.atomic
def close_item(
    item: LedgerItem, *, actor: Actor, closed_on: date | None = None, note: str = "", override_reason: str = ""
) -> LedgerItem:
    """The office closes a reviewed item (销号). Items of key villages, and items it asked a visit for, close only
    after a return visit verified them; long-term items become ONGOING instead, until their goal is reached.

    When residents' "not fixed" answers hold the item (``closing.Confirmations.objection_holds``), only the office
    director closes it, giving ``override_reason``; the override is an audit event of its own. Only the director
    gives an override reason at all."""
    require(actor, permissions.can_close(actor, item), _("Only the inspection office closes items."))
    override_reason = override_reason.strip()
    if override_reason and actor is not SYSTEM and not closing.is_director(actor, item):
        raise PermissionDenied(_("Only the office director overrides the residents' objection."))
    locked = _lock(item, None)
    if locked.status == Status.REVIEWED and locked.fix_type == FixType.LONG_TERM:
        raise TransitionNotAllowed(_("A long-term item is kept ongoing with periodic reports, not closed."))
    if locked.needs_return_visit and locked.verified_at is None:
        raise Conflict(_("This item closes only after a return visit verified it on site."))
    _check_parties_done(locked)
    closable = Status.CLOSED in ITEM_TRANSITIONS.get(locked.status, set())  # else ``_move`` refuses the move itself
    if closable and (four_eyes := closing.why_not_close_by(actor, locked)) is not None:
        raise PermissionDenied(four_eyes)
    closed_on = _check_on(closed_on, locked)
    counts = closing.confirmations(locked) if closable else closing.Confirmations()
    if counts.objection_holds:
        if not closing.is_director(actor, locked) and actor is not SYSTEM:
            raise PermissionDenied(closing.objection_reason(counts))
        if not override_reason:
            raise Conflict(
                _("Residents say this item is not fixed: give the reason for closing it against their answers.")
            )
        record_event(
            "rectification.objection_overridden",
            locked,
            actor=actor,
            unit=locked.village,
            after={
                "resolved": counts.resolved,
                "unresolved": counts.unresolved,
                "reason": withheld(override_reason),
            },
        )
    locked, _progress = _move(
        locked,
        Status.CLOSED,
        actor=actor,
        kind=Progress.Kind.CLOSURE,
        text=_closure_text(note, override_reason if counts.objection_holds else ""),
        on=closed_on,
        closed_on=closed_on,
    )
    item.status, item.closed_on = locked.status, closed_on
    return locked


def _closure_text(note: str, override_reason: str) -> str:
    """The closure's note; an override of the residents' objection is kept in it, readable on the item's page."""
    text = note.strip() or _("Closed (销号).")
    if override_reason:
        text += "\n" + _("Closed against the residents' objection: %(reason)s") % {"reason": override_reason}
    return text


@transaction.atomic
def make_ongoing(item: LedgerItem, *, actor: Actor, note: str = "", on: date | None = None) -> LedgerItem:
    """A reviewed long-term item is kept ONGOING: the village goes on reporting periodically."""
    require(actor, permissions.can_close(actor, item), _("Only the inspection office does this."))
    if item.fix_type != FixType.LONG_TERM:
        raise Conflict(_("Only long-term items are kept ongoing."))
    _check_parties_done(item)
    locked, _progress = _move(
        item,
        Status.ONGOING,
        actor=actor,
        kind=Progress.Kind.ONGOING,
        text=note.strip() or _("Kept as a long-term item."),
        on=on,
    )
    return locked


@transaction.atomic
def reopen_item(item: LedgerItem, *, reason: str, new_deadline: date, actor: Actor) -> LedgerItem:
    """Take a closed (or ongoing) item back into work with a new deadline."""
    require(actor, permissions.can_close(actor, item), _("Only the inspection office reopens items."))
    if not reason.strip():
        raise Conflict(_("Say why the item is reopened."))
    _check_new_deadline(new_deadline, timezone.localdate())
    current = _lock(item, None)
    if not current.is_done:
        raise TransitionNotAllowed(_("Only a closed or ongoing item is reopened; extend the deadline instead."))
    locked, _progress = _move(
        item,
        Status.IN_PROGRESS,
        actor=actor,
        kind=Progress.Kind.REOPEN,
        text=reason.strip(),
        deadline=new_deadline,
        closed_on=None,
        verified_at=None,
        verified_by=None,
        reopened=current.reopened + 1,
    )
    return locked


# The latest deadline anyone is given: beyond it a date is a typing error, not a plan.
LONGEST_EXTENSION_DAYS = 3 * 366


def _check_new_deadline(new_deadline: date, after: date) -> None:
    if new_deadline <= after:
        raise Conflict(_("The new deadline must lie after %(date)s.") % {"date": after})
    if (new_deadline - timezone.localdate()).days > LONGEST_EXTENSION_DAYS:
        raise Conflict(_("A deadline more than three years ahead is not a plan; check the date."))


@transaction.atomic
def require_return_visit(item: LedgerItem, *, actor: Actor) -> LedgerItem:
    """The office asks that this item be verified on a return visit before it closes."""
    require(actor, permissions.can_close(actor, item), _("Only the inspection office does this."))
    locked = _lock(item, None)
    if locked.needs_return_visit:
        return locked
    locked.needs_return_visit = True
    locked.save(update_fields=["needs_return_visit", "updated_at"])
    record_event(
        "rectification.item_flagged", locked, actor=actor, unit=locked.village, after={"needs_return_visit": True}
    )
    item.needs_return_visit = True
    return locked


@transaction.atomic
def flag_residents_objection(item: LedgerItem, *, resolved: int, unresolved: int) -> LedgerItem:
    """Residents' "not fixed" answers now hold the item (``closing``): the item is flagged for a return visit and
    whoever plans visits for its village is told. Acted by the platform on the residents' behalf, once, when the
    answers first hold the item; the answers themselves stay out of the audit trail (``public.actions``)."""
    locked = _lock(item, None)
    before = snapshot(locked, ["needs_return_visit"])
    if not locked.needs_return_visit:
        locked.needs_return_visit = True
        locked.save(update_fields=["needs_return_visit", "updated_at"])
    record_event(
        "rectification.residents_objected",
        locked,
        actor=SYSTEM,
        unit=locked.village,
        before=before,
        after={"needs_return_visit": True, "resolved": resolved, "unresolved": unresolved},
    )
    notices.residents_objected(locked, unresolved=unresolved, actor=SYSTEM)
    item.needs_return_visit = True
    return locked
