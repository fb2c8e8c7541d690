"""Sealed clues are encrypted at rest: whom a clue concerns, what it alleges and what the receiving body reported
back are Fernet tokens in the database, plain text only to the clue's readers; ``xuncha rotate-keys`` moves every
encrypted field (clues and petitions' reporters) to the newest key, all or nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import PermissionDenied
from xuncha.findings import actions
from xuncha.findings.models import Clue, Petition
from xuncha.findings.tests.factories import (
    CLUE_SUBJECT,
    CLUE_SUMMARY,
    REPORTER_NAME,
    REPORTER_PHONE,
    record_petition,
    register_clue,
    table_text,
)

FEEDBACK = "经初步核实，李建国违规收受好处费问题属实，已给予党内警告处分。"


def _raw(pk: int) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject, summary, feedback FROM findings_clue WHERE id = %s", [pk])
        row = cursor.fetchone()
    return row[0], row[1], row[2]


def _database_bytes() -> bytes:
    """The SQLite database's bytes as a file would hold them (``sqlite3.Connection.serialize``, also for the
    in-memory test database); on PostgreSQL the raw rows of every table."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw: sqlite3.Connection = connection.connection
        return raw.serialize()
    return table_text("findings_clue").encode("utf-8")


def test_the_database_holds_neither_subject_nor_summary(world: World, group_leader: User) -> None:
    """After a clue is registered, the database file's bytes contain neither its subject nor its summary; the
    model reads them back as text."""
    clue = register_clue(world.assignment, group_leader)

    data = _database_bytes()
    for text in (CLUE_SUBJECT, CLUE_SUMMARY, "李建国", "危房改造补助"):
        assert text.encode("utf-8") not in data
    subject, summary, _feedback = _raw(clue.pk)
    assert CLUE_SUBJECT not in subject
    assert CLUE_SUMMARY not in summary
    assert Clue.objects.get(pk=clue.pk).subject == CLUE_SUBJECT
    assert Clue.objects.values_list("summary", flat=True).get(pk=clue.pk) == CLUE_SUMMARY


def test_the_receiving_bodys_feedback_is_encrypted(world: World, group_leader: User, office_lead: User) -> None:
    """The feedback names the person dealt with: it is a token in the column too."""
    clue = register_clue(world.assignment, group_leader)
    actions.transfer_clue(clue, transfer_number="龙巡移〔2023〕3号", actor=office_lead)
    actions.receive_clue(clue, actor=SYSTEM)
    actions.dispose_clue(clue, Clue.Disposal.CASE, actor=SYSTEM)
    actions.give_clue_feedback(clue, FEEDBACK, actor=SYSTEM)

    assert FEEDBACK not in _raw(clue.pk)[2]
    assert Clue.objects.get(pk=clue.pk).feedback == FEEDBACK


def _keys() -> tuple[str, str]:
    return Fernet.generate_key().decode("ascii"), Fernet.generate_key().decode("ascii")


def test_rotate_keys_moves_everything_to_the_first_key(
    settings: Any, world: World, group_leader: User, group_member: User
) -> None:
    """Encrypted under A; the key becomes "B,A" and ``rotate-keys`` runs; A is dropped: the clue's texts and the
    reporter's identity still decrypt, and the audit event holds counts only."""
    key_a, key_b = _keys()
    settings.FIELD_ENCRYPTION_KEYS = [key_a]
    clue = register_clue(world.assignment, group_leader)
    petition = record_petition(world.assignment, group_member)

    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]
    out = StringIO()
    call_command("rotate-keys", stdout=out)
    settings.FIELD_ENCRYPTION_KEYS = [key_b]

    fresh = Clue.objects.get(pk=clue.pk)
    assert (fresh.subject, fresh.summary) == (CLUE_SUBJECT, CLUE_SUMMARY)
    assert actions.reveal_reporter(Petition.objects.get(pk=petition.pk), actor=group_leader) == (
        REPORTER_NAME,
        REPORTER_PHONE,
    )
    event = Event.objects.get(verb="findings.field_keys_rotated")
    assert event.actor_id is None
    assert event.after is not None
    assert event.after["tokens"]["findings.Clue.subject"] == 1
    assert event.after["tokens"]["findings.Petition.reporter_name_token"] == 1
    for text in (CLUE_SUBJECT, CLUE_SUMMARY, REPORTER_NAME):
        assert text not in str(event.before) + str(event.after) + event.note
    assert "token(s) re-encrypted" in out.getvalue()


def test_rotate_keys_is_all_or_nothing(settings: Any, world: World, group_leader: User) -> None:
    """A token that no configured key opens stops the rotation before anything is written."""
    key_a, key_b = _keys()
    settings.FIELD_ENCRYPTION_KEYS = [key_a]
    first = register_clue(world.assignment, group_leader)
    settings.FIELD_ENCRYPTION_KEYS = [key_b]
    second = register_clue(world.assignment, group_leader)
    before = _raw(first.pk), _raw(second.pk)

    with pytest.raises(CommandError):
        call_command("rotate-keys", stdout=StringIO())

    assert (_raw(first.pk), _raw(second.pk)) == before
    assert not Event.objects.filter(verb="findings.field_keys_rotated").exists()


def test_only_the_platform_rotates_keys(world: World, office_lead: User) -> None:
    """No person rotates keys, not even the office director."""
    with pytest.raises(PermissionDenied):
        actions.rotate_field_keys(actor=office_lead)


@pytest.fixture
def _latest_afterwards() -> Iterator[None]:
    """Whatever the test leaves, the database ends on the latest migrations for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_latest_afterwards")
def test_the_migration_encrypts_existing_clues_and_back(world: World, group_leader: User) -> None:
    """A clue written in plain text before the migration is encrypted by it, and decrypted when going back."""
    clue = register_clue(world.assignment, group_leader)
    executor = MigrationExecutor(connection)
    executor.migrate([("findings", "0009_clue_texts_as_text")])
    assert _raw(clue.pk)[:2] == (CLUE_SUBJECT, CLUE_SUMMARY)  # plain again, as before the encryption

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    subject, summary, feedback = _raw(clue.pk)
    assert CLUE_SUBJECT not in subject and CLUE_SUMMARY not in summary and feedback == ""
    fresh = Clue.objects.get(pk=clue.pk)
    assert (fresh.subject, fresh.summary) == (CLUE_SUBJECT, CLUE_SUMMARY)
