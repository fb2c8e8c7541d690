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

from xuncha.audit.models import ACCESS_HEAD_PK, EVENT_HEAD_PK, GENESIS_HASH, AccessLog, ChainHead, Event


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
    head = ChainHead.objects.filter(pk=EVENT_HEAD_PK).first()
    if head is None and checked:
        return ChainReport(checked, checked + 1, "the chain head is missing, so missing events cannot be ruled out")
    if head is not None and (head.seq, head.hash) != (checked, prev_hash):
        return ChainReport(checked, checked + 1, f"events after #{checked} are missing (the chain head is #{head.seq})")
    return ChainReport(checked)


def access_hash(
    *,
    seq: int,
    prev_hash: str,
    created_at: datetime,
    user_id: int,
    action: str,
    object_type: str,
    object_id: str,
    detail: str,
    ip_address: str | None,
) -> str:
    """The keyed hash of an access-log row; ``kind`` keeps it apart from any event's hash."""
    payload = {
        "kind": "access",
        "seq": seq,
        "prev": prev_hash,
        "at": created_at.astimezone(UTC).isoformat(),
        "user": user_id,
        "action": action,
        "type": object_type,
        "id": object_id,
        "detail": detail,
        "ip": ip_address,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def access_hash_of(row: AccessLog) -> str:
    assert row.seq is not None
    return access_hash(
        seq=row.seq,
        prev_hash=row.prev_hash,
        created_at=row.created_at,
        user_id=row.user_id,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        detail=row.detail,
        ip_address=row.ip_address,
    )


def verify_access_chain() -> ChainReport:
    """Walk the access log in order, as ``verify_chain`` walks the events: a row edited, removed, inserted outside
    the chain, or missing from the tail is reported with its sequence number."""
    unchained = AccessLog.objects.filter(seq__isnull=True).order_by("pk").first()
    if unchained is not None:
        return ChainReport(0, 0, f"access-log row id {unchained.pk} was written outside the chain")
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for row in AccessLog.objects.order_by("seq").iterator(chunk_size=2000):
        assert row.seq is not None
        if row.seq != expected_seq:
            return ChainReport(
                checked,
                expected_seq,
                f"access-log row #{expected_seq} is missing (the next stored row is #{row.seq})",
            )
        if row.prev_hash != prev_hash:
            return ChainReport(checked, row.seq, f"access-log row #{row.seq} does not link to row #{row.seq - 1}")
        if access_hash_of(row) != row.hash:
            return ChainReport(checked, row.seq, f"access-log row #{row.seq} was altered after it was written")
        prev_hash = row.hash
        expected_seq += 1
        checked += 1
    head = ChainHead.objects.filter(pk=ACCESS_HEAD_PK).first()
    if head is None and checked:
        return ChainReport(checked, checked + 1, "the access log's chain head is missing")
    if head is not None and (head.seq, head.hash) != (checked, prev_hash):
        return ChainReport(
            checked, checked + 1, f"access-log rows after #{checked} are missing (the chain head is #{head.seq})"
        )
    return ChainReport(checked)
