"""Hashing and verification of the event chain."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from xuncha.audit.models import GENESIS_HASH, ChainHead, Event


def to_json_value(value: Any) -> Any:
    """The value as the JSON column will give it back (dates and decimals become strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def event_hash(
    *,
    seq: int,
    prev_hash: str,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    verb: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    unit_id: int | None,
    before: Any,
    after: Any,
    note: str,
) -> str:
    payload = {
        "seq": seq,
        "prev": prev_hash,
        "at": created_at.astimezone(UTC).isoformat(),
        "actor": actor_id,
        "actor_label": actor_label,
        "verb": verb,
        "type": object_type,
        "id": object_id,
        "repr": object_repr,
        "unit": unit_id,
        "before": before,
        "after": after,
        "note": note,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def hash_of(event: Event) -> str:
    return event_hash(
        seq=event.seq,
        prev_hash=event.prev_hash,
        created_at=event.created_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        verb=event.verb,
        object_type=event.object_type,
        object_id=event.object_id,
        object_repr=event.object_repr,
        unit_id=event.unit_id,
        before=event.before,
        after=event.after,
        note=event.note,
    )


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify_chain() -> ChainReport:
    """Walk the chain in order; report the first event that was altered, or after which events are missing."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for event in Event.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainReport(
                checked, expected_seq, f"event #{expected_seq} is missing (the next stored event is #{event.seq})"
            )
        if event.prev_hash != prev_hash:
            return ChainReport(checked, event.seq, f"event #{event.seq} does not link to event #{event.seq - 1}")
        if hash_of(event) != event.hash:
            return ChainReport(checked, event.seq, f"event #{event.seq} was altered after it was written")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is None and checked:
        return ChainReport(checked, checked + 1, "the chain head is missing, so missing events cannot be ruled out")
    if head is not None and (head.seq, head.hash) != (checked, prev_hash):
        return ChainReport(checked, checked + 1, f"events after #{checked} are missing (the chain head is #{head.seq})")
    return ChainReport(checked)
