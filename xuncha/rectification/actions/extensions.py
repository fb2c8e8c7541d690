"""Extensions (整改延期) as requests: the village, or the township for its village, asks for more time with a reason
and a new date (``request_extension``); the township supports or returns the request (``review_extension``); the
office director approves or refuses it (``decide_extension``), and an approval moves the deadline through the
item's EXTENSION step. Beyond the limits (``rectification.extensions``) the director approves only by recording the
leading group's decision: its meeting date and minutes.

The director may also extend a deadline directly (``extend_deadline``), within the limits and with a reason: the
extension is kept as an approved request of the director's own, so that every extension is counted alike. A clerk
of the office extends nothing; a village or a township asks."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.actors import Actor, require, user_or_none
from xuncha.audit.actions import record_event, snapshot, withheld
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.rectification import extensions, notices, permissions
from xuncha.rectification.actions.ledger import _check_new_deadline, _check_on, _lock
from xuncha.rectification.models import ExtensionRequest, LedgerItem, Progress

Request = ExtensionRequest.Status

EXTENSION_TRANSITIONS: dict[str, set[str]] = {
    Request.ASKED: {Request.SUPPORTED, Request.RETURNED},
    Request.SUPPORTED: {Request.APPROVED, Request.REFUSED},
}
STATE = ["status", "previous_deadline", "new_deadline"]


def _lock_request(request: ExtensionRequest, target: str) -> ExtensionRequest:
    locked = (
        ExtensionRequest.objects.select_for_update(of=("self",))
        .select_related("item__round__term__county", "item__village", "item__township", "item__feedback")
        .get(pk=request.pk)
    )
    if target not in EXTENSION_TRANSITIONS.get(locked.status, set()):
        raise TransitionNotAllowed(
            _("The request is %(status)s: it can no longer be acted on.") % {"status": locked.get_status_display()}
        )
    return locked


def _not_before(on: date, earlier: date | None) -> date:
    if earlier is not None and on < earlier:
        raise Conflict(_("The date must not lie before %(date)s.") % {"date": earlier})
    return on


def _grant(item: LedgerItem, new_deadline: date, reason: str, *, actor: Actor, on: date) -> None:
    """Move the locked item's deadline: its EXTENSION step and the ``item_extended`` event."""
    before = snapshot(item, ["deadline"])
    item.deadline = new_deadline
    item.save(update_fields=["deadline", "updated_at"])
    Progress.objects.create(
        item=item,
        kind=Progress.Kind.EXTENSION,
        text=_("%(reason)s (new deadline %(date)s)") % {"reason": reason, "date": new_deadline},
        on=on,
        author=user_or_none(actor),
    )
    record_event(
        "rectification.item_extended",
        item,
        actor=actor,
        unit=item.village,
        before=before,
        after={"deadline": new_deadline, "reason": withheld(reason)},
    )


def _open_item(item: LedgerItem, new_deadline: date) -> LedgerItem:
    """Lock the item; refuse when it is done or the new date does not lie after its deadline."""
    locked = _lock(item, None)
    if locked.is_done:
        raise TransitionNotAllowed(_("The item is already done."))
    _check_new_deadline(new_deadline, locked.deadline)
    return locked


@transaction.atomic
def request_extension(
    item: LedgerItem, *, new_deadline: date, reason: str, actor: Actor, on: date | None = None
) -> ExtensionRequest:
    """The village asks for more time on its item (for the township's review), or the overseeing township asks
    for its village (its own request needs no review: it goes to the office director). One request open at a
    time."""
    require(
        actor,
        permissions.can_request_extension(actor, item),
        _("Only the responsible village or its township asks for more time."),
    )
    if not reason.strip():
        raise Conflict(_("Say why more time is needed."))
    locked = _open_item(item, new_deadline)
    if ExtensionRequest.objects.filter(item=locked).open().exists():
        raise Conflict(_("A request for more time is already open on this item."))
    on = _check_on(on, locked)
    by_township = not permissions.can_report_progress(actor, locked)
    request = ExtensionRequest.objects.create(
        item=locked,
        status=Request.SUPPORTED if by_township else Request.ASKED,
        previous_deadline=locked.deadline,
        new_deadline=new_deadline,
        reason=reason.strip(),
        requested_by=user_or_none(actor),
        requested_on=on,
        reviewed_by=user_or_none(actor) if by_township else None,
        reviewed_on=on if by_township else None,
    )
    record_event(
        "rectification.extension_requested",
        request,
        actor=actor,
        unit=locked.village,
        after=snapshot(request, [*STATE, "reason"]),
    )
    notices.extension_moved(request, actor=actor)
    return request


@transaction.atomic
def review_extension(
    request: ExtensionRequest, *, support: bool, actor: Actor, note: str = "", on: date | None = None
) -> ExtensionRequest:
    """The township supports its village's request (it goes to the office director) or returns it with a reason
    (the village may ask again)."""
    require(
        actor,
        permissions.can_review_extension(actor, request),
        _("Only the overseeing township reviews the request."),
    )
    if not support and not note.strip():
        raise Conflict(_("Say why the request is returned."))
    locked = _lock_request(request, Request.SUPPORTED if support else Request.RETURNED)
    on = _not_before(_check_on(on, locked.item), locked.requested_on)
    before = snapshot(locked, ["status"])
    locked.status = Request.SUPPORTED if support else Request.RETURNED
    locked.reviewed_by, locked.reviewed_on, locked.review_note = user_or_none(actor), on, note.strip()
    locked.save(update_fields=["status", "reviewed_by", "reviewed_on", "review_note"])
    record_event(
        "rectification.extension_supported" if support else "rectification.extension_returned",
        locked,
        actor=actor,
        unit=locked.item.village,
        before=before,
        after=snapshot(locked, ["status", "review_note"]),
    )
    notices.extension_moved(locked, actor=actor)
    request.status = locked.status
    return locked


@transaction.atomic
def decide_extension(
    request: ExtensionRequest,
    *,
    approve: bool,
    actor: Actor,
    note: str = "",
    on: date | None = None,
    by_leading_group: bool = False,
    meeting_on: date | None = None,
    minutes: str = "",
) -> ExtensionRequest:
    """The office director approves a supported request (the deadline moves) or refuses it with a reason. An
    extension beyond the limits is approved only as the leading group's decision, which the director records:
    ``by_leading_group`` with the meeting's date and the minutes."""
    require(
        actor,
        permissions.can_decide_extension(actor, request.item),
        _("Only the inspection office director decides on more time."),
    )
    if not approve and not note.strip():
        raise Conflict(_("Say why more time is refused."))
    if by_leading_group and (meeting_on is None or not minutes.strip()):
        raise Conflict(_("Give the date of the leading group's meeting and its decision."))
    if meeting_on is not None and meeting_on > timezone.localdate():
        raise Conflict(_("The leading group's meeting cannot lie in the future."))
    locked = _lock_request(request, Request.APPROVED if approve else Request.REFUSED)
    on = _not_before(_check_on(on, locked.item), locked.reviewed_on or locked.requested_on)
    before = snapshot(locked, STATE)
    if approve:
        item = _open_item(locked.item, locked.new_deadline)
        beyond = extensions.why_beyond_limits(item, locked.new_deadline)
        if beyond is not None and not by_leading_group:
            raise PermissionDenied(
                beyond + " " + _("Record the leading group's decision (its meeting and minutes) to approve it.")
            )
        locked.previous_deadline, locked.beyond_limits = item.deadline, beyond is not None
        _grant(item, locked.new_deadline, locked.reason, actor=actor, on=on)
    locked.status = Request.APPROVED if approve else Request.REFUSED
    locked.decided_by, locked.decided_on, locked.decision_note = user_or_none(actor), on, note.strip()
    locked.by_leading_group = by_leading_group
    locked.meeting_on = meeting_on if by_leading_group else None
    locked.minutes = minutes.strip() if by_leading_group else ""
    locked.save()
    record_event(
        "rectification.extension_approved" if approve else "rectification.extension_refused",
        locked,
        actor=actor,
        unit=locked.item.village,
        before=before,
        after=snapshot(locked, [*STATE, "beyond_limits", "by_leading_group", "meeting_on", "decision_note"]),
    )
    notices.extension_moved(locked, actor=actor)
    request.status = locked.status
    if approve:
        request.item.deadline = locked.new_deadline
    return locked


@transaction.atomic
def extend_deadline(
    item: LedgerItem, *, new_deadline: date, reason: str, actor: Actor, on: date | None = None
) -> LedgerItem:
    """The office director grants more time (整改延期) directly, within the limits and saying why; kept as an
    approved request of the director's own. Beyond the limits the leading group decides, on a request."""
    require(
        actor,
        permissions.can_decide_extension(actor, item),
        _("Only the office director extends deadlines; the village or its township asks for more time."),
    )
    if not reason.strip():
        raise Conflict(_("Say why more time is granted."))
    locked = _open_item(item, new_deadline)
    if ExtensionRequest.objects.filter(item=locked).open().exists():
        raise Conflict(_("A request for more time is open on this item: decide it instead."))
    beyond = extensions.why_beyond_limits(locked, new_deadline)
    if beyond is not None:
        raise PermissionDenied(beyond)
    on = _check_on(on, locked)
    user = user_or_none(actor)
    ExtensionRequest.objects.create(
        item=locked,
        status=Request.APPROVED,
        previous_deadline=locked.deadline,
        new_deadline=new_deadline,
        reason=reason.strip(),
        requested_by=user,
        requested_on=on,
        decided_by=user,
        decided_on=on,
    )
    _grant(locked, new_deadline, reason.strip(), actor=actor, on=on)
    item.deadline = new_deadline
    return locked
