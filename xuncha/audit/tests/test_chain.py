"""The hash chain of the audit log: how events link, and how ``verify_chain`` finds edits and gaps."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from xuncha.accounts.actions import create_user
from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.actions import AuditChainBroken, record_event
from xuncha.audit.chain import hash_of, verify_chain
from xuncha.audit.models import ChainHead, Event


def _head() -> tuple[int, str]:
    head = ChainHead.objects.filter(pk=1).first()
    return (head.seq, head.hash) if head is not None else (0, "0" * 64)


@pytest.fixture
def actor(db: None) -> User:
    return UserFactory.create(username="actor")


@pytest.fixture
def events(actor: User) -> list[Event]:
    """Four events on one object, the second and third with an actor and values."""
    target = UserFactory.create(username="target")
    return [
        record_event("test.created", target, actor=SYSTEM, after={"name": "甲"}),
        record_event("test.changed", target, actor=actor, before={"name": "甲"}, after={"name": "乙"}),
        record_event("test.changed", target, actor=actor, before={"name": "乙"}, after={"name": "丙"}, note="备注"),
        record_event("test.closed", target, actor=SYSTEM),
    ]


def test_record_event_links_each_event_to_the_previous_one(actor: User) -> None:
    """Each event carries its predecessor's hash and the next sequence number; the head follows."""
    seq, head_hash = _head()
    first = record_event("test.one", actor, actor=SYSTEM)
    second = record_event("test.two", actor, actor=actor, after={"n": 2})
    assert (first.seq, first.prev_hash) == (seq + 1, head_hash)
    assert (second.seq, second.prev_hash) == (first.seq + 1, first.hash)
    assert first.hash != second.hash
    assert _head() == (second.seq, second.hash)


def test_record_event_stores_who_did_what_to_which_object(actor: User) -> None:
    """The event names the object by model label and primary key, and the actor by id and user name."""
    target = UserFactory.create(username="target")
    event = record_event("test.changed", target, actor=actor, before={"a": 1}, after={"a": 2}, note="why")
    event.refresh_from_db()
    assert (event.object_type, event.object_id, event.object_repr) == ("accounts.user", str(target.pk), str(target))
    assert (event.actor, event.actor_label) == (actor, "actor")
    assert (event.before, event.after, event.note) == ({"a": 1}, {"a": 2}, "why")
    assert hash_of(event) == event.hash


def test_record_event_stores_dates_and_decimals_as_json_text(actor: User) -> None:
    """Dates and decimals are stored as the JSON column returns them, so that the hash still verifies."""
    event = record_event(
        "test.values",
        actor,
        actor=SYSTEM,
        after={"due": date(2024, 3, 1), "amount": Decimal("12.50"), "ratio": 0.1, "big": 2**40, "items": [3, 1, 2]},
    )
    event.refresh_from_db()
    assert event.after == {"due": "2024-03-01", "amount": "12.50", "ratio": 0.1, "big": 2**40, "items": [3, 1, 2]}
    assert verify_chain().ok


def test_verify_chain_reports_an_intact_chain(events: list[Event]) -> None:
    """An untouched chain verifies, and the report counts every event."""
    report = verify_chain()
    assert report.ok
    assert report.broken_seq is None
    assert report.checked == Event.objects.count()
    assert report.checked >= len(events)


@pytest.mark.parametrize(
    "change",
    [
        {"before": {"name": "丁"}},
        {"after": {"name": "丁"}},
        {"after": None},
        {"verb": "test.deleted"},
        {"actor_label": "someone"},
        {"note": "改过"},
        {"object_id": "999999"},
    ],
    ids=["before", "after", "after-cleared", "verb", "actor-label", "note", "object-id"],
)
def test_verify_chain_names_an_edited_event(events: list[Event], change: dict[str, Any]) -> None:
    """A raw UPDATE of any hashed column breaks the chain at that event."""
    edited = events[1]
    Event.objects.filter(pk=edited.pk).update(**change)
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == edited.seq
    assert report.reason == f"event #{edited.seq} was altered after it was written"


def test_verify_chain_names_an_event_whose_actor_was_swapped(events: list[Event]) -> None:
    """Pinning the change on another user is detected."""
    edited = events[2]
    Event.objects.filter(pk=edited.pk).update(actor=UserFactory.create(username="scapegoat"))
    assert verify_chain().broken_seq == edited.seq


def test_verify_chain_names_an_event_whose_time_was_moved(events: list[Event]) -> None:
    """Back-dating an event is detected."""
    edited = events[1]
    Event.objects.filter(pk=edited.pk).update(created_at=edited.created_at - timedelta(days=1))
    assert verify_chain().broken_seq == edited.seq


def test_verify_chain_finds_an_edit_that_was_rehashed(events: list[Event]) -> None:
    """Recomputing the edited row's own hash does not help: the next event no longer links to it."""
    edited = events[1]
    Event.objects.filter(pk=edited.pk).update(after={"name": "丁"})
    edited.refresh_from_db()
    Event.objects.filter(pk=edited.pk).update(hash=hash_of(edited))
    report = verify_chain()
    assert report.broken_seq == edited.seq + 1
    assert report.reason == f"event #{edited.seq + 1} does not link to event #{edited.seq}"


def test_verify_chain_names_a_deleted_middle_event(events: list[Event]) -> None:
    """Deleting a row in the middle leaves a gap in the sequence, named by the missing number."""
    deleted = events[1]
    Event.objects.filter(pk=deleted.pk).delete()
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == deleted.seq
    assert f"event #{deleted.seq} is missing" in report.reason


def test_verify_chain_names_a_deleted_last_event(events: list[Event]) -> None:
    """Deleting the newest row leaves the chain head pointing past the end."""
    last = events[-1]
    Event.objects.filter(pk=last.pk).delete()
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == last.seq
    assert report.checked == last.seq - 1
    assert f"the chain head is #{last.seq}" in report.reason


def test_verify_chain_names_a_renumbered_tail(events: list[Event]) -> None:
    """Deleting a middle row and renumbering the rest to close the gap still breaks the links."""
    deleted, following = events[1], events[2:]
    Event.objects.filter(pk=deleted.pk).delete()
    for event in following:
        Event.objects.filter(pk=event.pk).update(seq=event.seq - 1)
    report = verify_chain()
    assert report.broken_seq == deleted.seq


def test_verify_audit_command_succeeds_on_an_intact_chain(events: list[Event], capsys: pytest.CaptureFixture) -> None:
    """``xuncha verify-audit`` reports the number of verified events."""
    call_command("verify-audit")
    assert f"Audit chain intact: {Event.objects.count()} events verified;" in capsys.readouterr().out


def test_verify_audit_command_fails_naming_the_broken_event(events: list[Event]) -> None:
    """A broken chain makes the command fail (non-zero exit) with the event's number."""
    edited = events[2]
    Event.objects.filter(pk=edited.pk).update(verb="test.forged")
    with pytest.raises(CommandError, match=f"Audit chain broken at event #{edited.seq}: "):
        call_command("verify-audit")


def test_events_written_in_one_transaction_both_verify(actor: User) -> None:
    """Two events of one transaction take consecutive numbers under the head's lock and verify."""
    with transaction.atomic():
        first = record_event("test.one", actor, actor=SYSTEM)
        second = record_event("test.two", actor, actor=SYSTEM)
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert verify_chain().ok


def test_a_rolled_back_action_leaves_no_event(actor: User) -> None:
    """An action undone by its transaction takes its event with it; the chain continues unbroken."""
    before = (Event.objects.count(), _head())
    with pytest.raises(RuntimeError), transaction.atomic():
        create_user("ghost", display_name="幽灵", password=None, actor=SYSTEM)
        raise RuntimeError("the caller fails after the action")
    assert not User.objects.filter(username="ghost").exists()
    assert not Event.objects.filter(object_repr="幽灵").exists()
    assert (Event.objects.count(), _head()) == before
    event = record_event("test.after", actor, actor=SYSTEM)
    assert event.seq == before[1][0] + 1
    assert verify_chain().ok


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_writer_waits_for_the_head_and_continues_the_chain() -> None:
    """A second writer blocks on the chain head until the first commits, then appends after its event.

    Without the row lock the second writer would read the old head and collide on the sequence number.
    """
    actor = UserFactory.create(username="writer")
    first_written, release, second_connected = threading.Event(), threading.Event(), threading.Event()
    second_pid: list[int] = []
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                record_event("test.first", actor, actor=SYSTEM)
                first_written.set()
                release.wait(timeout=60)
        except BaseException as exc:  # handed to the test thread, which asserts there is none
            failures.append(exc)
        finally:
            first_written.set()
            connections.close_all()

    def second() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            second_connected.set()
            record_event("test.second", actor, actor=SYSTEM)
        except BaseException as exc:  # handed to the test thread, which asserts there is none
            failures.append(exc)
        finally:
            second_connected.set()
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    try:
        assert first_written.wait(timeout=60)
        threads[1].start()
        assert second_connected.wait(timeout=60)
        assert second_pid, "the second writer did not connect"
        assert _blocked(second_pid[0]), "the second writer never waited for the first"
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=60)
    assert failures == []
    first_event, second_event = Event.objects.get(verb="test.first"), Event.objects.get(verb="test.second")
    assert second_event.seq == first_event.seq + 1
    assert second_event.prev_hash == first_event.hash
    assert verify_chain().ok


def _blocked(pid: int, attempts: int = 20_000) -> bool:
    """Whether the backend ``pid`` comes to wait for a lock (polled through PostgreSQL, without sleeping)."""
    with connection.cursor() as cursor:
        for _attempt in range(attempts):
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
            if cursor.fetchone()[0]:
                return True
    return False


def test_a_history_rewritten_without_the_key_is_detected(events: list[Event]) -> None:
    """Someone who can write to the database but lacks the chain key cannot rewrite history: hashes they
    recompute without the key (plain SHA-256) do not verify."""
    import hashlib

    Event.objects.filter(pk=events[1].pk).update(note="rewritten")
    prev = events[0].hash
    for event in Event.objects.filter(seq__gte=events[1].seq).order_by("seq"):
        forged = hashlib.sha256(f"{prev}{event.seq}{event.note}".encode()).hexdigest()
        Event.objects.filter(pk=event.pk).update(prev_hash=prev, hash=forged)
        prev = forged
    ChainHead.objects.filter(pk=1).update(hash=prev)

    report = verify_chain()

    assert report.broken_seq == events[1].seq


def test_a_missing_chain_head_is_reported_and_stops_new_events(events: list[Event], actor: User) -> None:
    """Deleting the chain head hides a truncated tail, so verification fails and no event is appended on top."""
    ChainHead.objects.all().delete()

    report = verify_chain()

    assert not report.ok
    assert "head is missing" in report.reason
    with pytest.raises(AuditChainBroken):
        record_event("test.after", actor, actor=SYSTEM)
