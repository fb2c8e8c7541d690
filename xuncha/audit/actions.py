"""Writing to the audit trail. Every action of every app calls ``record_event`` for its state change."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from xuncha.accounts.actors import SystemActor
from xuncha.audit.chain import access_hash, event_hash, to_json_value
from xuncha.audit.models import ACCESS_HEAD_PK, EVENT_HEAD_PK, AccessLog, ChainHead, Event

if TYPE_CHECKING:
    from xuncha.accounts.actors import Actor
    from xuncha.accounts.models import User
    from xuncha.organisations.models import AdminUnit

# Events inserted per statement by ``record_events``.
EVENT_BATCH = 500


class AuditChainBroken(RuntimeError):
    """The chain head is gone while events remain: history was tampered with, so nothing more is written."""


def _locked_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=EVENT_HEAD_PK).first()
    if head is None:
        # The migration creates the head; only an emptied database (a test flush, demo --reset) lacks it.
        if Event.objects.exists():
            raise AuditChainBroken("The audit chain head is missing; run `xuncha verify-audit` and investigate.")
        head, _created = ChainHead.objects.get_or_create(pk=EVENT_HEAD_PK)
    return head


# Inside ``batch()`` the chain head row stays locked and is written once at the end; each event links to the
# newest event the transaction can see, so an event rolled back with a savepoint leaves no gap in the chain.
_in_batch: ContextVar[bool] = ContextVar("audit_in_batch", default=False)


@contextmanager
def batch() -> Iterator[None]:
    """Write many events in one transaction with the chain head locked once and saved once, at the end.

    On PostgreSQL every update of the single head row leaves a row version that later statements of the same
    transaction step over, so a long run of events (the demo, a large import) would slow down quadratically.
    Nested batches join the outer one.
    """
    if _in_batch.get():
        yield
        return
    with transaction.atomic():
        head = _locked_head()
        token = _in_batch.set(True)
        try:
            yield
        finally:
            _in_batch.reset(token)
        last = Event.objects.order_by("-seq").values_list("seq", "hash").first()
        if last is not None and (head.seq, head.hash) != last:
            head.seq, head.hash = last
            head.save(update_fields=["seq", "hash"])


def _batch_head() -> ChainHead:
    """The chain's end as this transaction sees it (the head row itself is locked by ``batch``)."""
    last = Event.objects.order_by("-seq").values_list("seq", "hash").first()
    return ChainHead(pk=EVENT_HEAD_PK, seq=last[0], hash=last[1]) if last else ChainHead(pk=EVENT_HEAD_PK)


@dataclass(frozen=True)
class PendingEvent:
    """One event for ``record_events``: the arguments ``record_event`` takes for it, but the actor."""

    verb: str
    obj: models.Model
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    note: str = ""
    unit: AdminUnit | None = None


@transaction.atomic
def record_event(
    verb: str,
    obj: models.Model,
    *,
    actor: Actor,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    unit: AdminUnit | None = None,
) -> Event:
    """Append one event for ``obj`` to the chain. ``actor`` is a user or ``SYSTEM`` (commands, the demo, the worker).

    The chain head is locked for the rest of the caller's transaction, so concurrent writers queue up instead
    of forking the chain; the event vanishes with the caller's work if that is rolled back.
    """
    return record_events([PendingEvent(verb, obj, before, after, note, unit)], actor=actor)[0]


@transaction.atomic
def record_events(pending: Sequence[PendingEvent], *, actor: Actor) -> list[Event]:
    """Append the events in order, as ``record_event`` one by one would, but inserted together: the chain is
    computed here, each event linking to the one before it, under the same lock of the chain head."""
    if actor is None:
        raise TypeError("An audit event needs an actor: a user, or SYSTEM when the platform acts.")
    if not pending:
        return []
    batched = _in_batch.get()
    head = _batch_head() if batched else _locked_head()
    seq, prev_hash = head.seq, head.hash
    actor_id = None if isinstance(actor, SystemActor) else actor.pk
    actor_label = actor.get_username()
    events: list[Event] = []
    for draft in pending:
        seq += 1
        fields: dict[str, Any] = {
            "seq": seq,
            "prev_hash": prev_hash,
            "created_at": timezone.now(),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "verb": draft.verb,
            "object_type": draft.obj._meta.label_lower,
            "object_id": str(draft.obj.pk),
            "object_repr": str(draft.obj)[:200],
            "unit_id": draft.unit.pk if draft.unit is not None else None,
            "before": to_json_value(draft.before),
            "after": to_json_value(draft.after),
            "note": draft.note,
        }
        prev_hash = event_hash(**fields)
        events.append(Event(**fields, hash=prev_hash))
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        Event.objects.bulk_create(events, batch_size=EVENT_BATCH)
    head.seq, head.hash = seq, prev_hash
    if not batched:
        head.save(update_fields=["seq", "hash"])
    return events


@transaction.atomic(savepoint=False)
def log_access(
    user: User,
    action: AccessLog.Action,
    obj: models.Model | None = None,
    *,
    detail: str = "",
    ip_address: str | None = None,
) -> AccessLog:
    """Record a sensitive read. It changes nothing, so it is no event, but the access log is chained like the events
    (its own head row, locked for the rest of the caller's transaction)."""
    head = ChainHead.objects.select_for_update().filter(pk=ACCESS_HEAD_PK).first()
    if head is None:
        if AccessLog.objects.exists():
            raise AuditChainBroken("The access log's chain head is missing; run `xuncha verify-audit`.")
        head, _created = ChainHead.objects.get_or_create(pk=ACCESS_HEAD_PK)
    fields: dict[str, Any] = {
        "seq": head.seq + 1,
        "prev_hash": head.hash,
        "created_at": timezone.now(),
        "user_id": user.pk,
        "action": str(action),
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "detail": detail[:300],
        # As the column will give it back (an IPv6 address is normalised), so that the hash verifies.
        "ip_address": AccessLog._meta.get_field("ip_address").get_prep_value(ip_address),
    }
    row = AccessLog.objects.create(**fields, hash=access_hash(**fields))
    head.seq, head.hash = fields["seq"], row.hash
    head.save(update_fields=["seq", "hash"])
    return row


# What an event holds in place of free text. The auditor reads the trail (三员分立) but not case content, and the
# trail is kept for good: an event names the text fields that were written or changed, never what they say.
WITHHELD = "[withheld]"


def withheld(text: str | None) -> str:
    """The stand-in for a free text in an event: empty stays empty (the field was cleared or left blank)."""
    return WITHHELD if text else ""


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of ``obj`` as a JSON-ready dict, for the before/after of an event.

    Structured values (statuses, categories, dates, numbers, codes, keys) are kept; free text (every ``TextField``:
    working papers, notes, requirements, summaries) is replaced by ``WITHHELD``, so that the event records that the
    field was written or changed and who did it, not its content.
    """
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname if isinstance(field, models.Field) else name)
        values[name] = withheld(value) if isinstance(field, models.TextField) else value
    return to_json_value(values)
