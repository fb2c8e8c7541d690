"""The access log's own hash chain: rows link like events, and ``xuncha verify-audit`` reports a row deleted,
edited or slipped in outside the chain, and a truncated tail."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from xuncha.accounts.models import User
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.actions import log_access
from xuncha.audit.chain import verify_access_chain
from xuncha.audit.models import ACCESS_HEAD_PK, AccessLog, ChainHead


@pytest.fixture
def rows(db: None) -> list[AccessLog]:
    reader: User = UserFactory.create(username="reader")
    return [
        log_access(reader, AccessLog.Action.CLUE_READ, reader, ip_address="10.0.0.1"),
        log_access(reader, AccessLog.Action.REPORTER_REVEALED, reader, ip_address="::ffff:10.0.0.2"),
        log_access(reader, AccessLog.Action.EXPORTED, detail="ledger.xlsx"),
        log_access(reader, AccessLog.Action.DOCUMENT, detail="反馈意见.docx", ip_address="2001:db8::1"),
    ]


def test_rows_link_in_order_and_verify(rows: list[AccessLog]) -> None:
    assert [row.seq for row in rows] == [1, 2, 3, 4]
    assert rows[1].prev_hash == rows[0].hash
    assert verify_access_chain().ok
    assert verify_access_chain().checked == 4
    head = ChainHead.objects.get(pk=ACCESS_HEAD_PK)
    assert (head.seq, head.hash) == (4, rows[-1].hash)


def test_verify_audit_reports_a_deleted_row(rows: list[AccessLog]) -> None:
    AccessLog.objects.filter(pk=rows[1].pk).delete()
    assert verify_access_chain().broken_seq == 2
    with pytest.raises(CommandError, match="Access log chain broken at row #2"):
        call_command("verify-audit")


def test_verify_audit_reports_an_edited_row(rows: list[AccessLog]) -> None:
    AccessLog.objects.filter(pk=rows[2].pk).update(detail="nothing to see")
    with pytest.raises(CommandError, match="row #3 was altered"):
        call_command("verify-audit")


def test_verify_audit_reports_a_truncated_tail(rows: list[AccessLog]) -> None:
    AccessLog.objects.filter(pk=rows[-1].pk).delete()
    with pytest.raises(CommandError, match="rows after #3 are missing"):
        call_command("verify-audit")


def test_verify_audit_reports_a_row_written_outside_the_chain(rows: list[AccessLog]) -> None:
    AccessLog.objects.create(user=rows[0].user, action=AccessLog.Action.CLUE_READ)
    with pytest.raises(CommandError, match="outside the chain"):
        call_command("verify-audit")
