"""Findings for tests.

Factories write rows directly, for scenes and for states that the actions of this app do not reach (a paper
FED_BACK, a clue already RECEIVED); the ``record_*`` helpers go through the actions, as a group would. The file
builders make tiny but real files of every type an upload may have, and of some it may not.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from datetime import date
from typing import Any

import factory
import pytest
from django.db import connection
from django.db.models import Max

from xuncha.accounts.actors import Actor
from xuncha.accounts.models import User
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.models import Event
from xuncha.findings import actions
from xuncha.findings.models import (
    Category,
    Clue,
    FixType,
    ImmediateFixNotice,
    Petition,
    Problem,
    Suggestion,
)
from xuncha.inspections.models import Assignment, InspectionGroup, Round

PHENOMENON = "2023年村集体土地出租合同未经村民代表会议讨论，租金3.2万元未入账。"
REPORTER_NAME = "张秀英"
REPORTER_PHONE = "13907731234"
CLUE_SUBJECT = "李建国（甲一村党支部书记）"
CLUE_SUMMARY = "涉嫌在危房改造补助发放中优亲厚友，收受好处费约5000元。"


def persona(request: pytest.FixtureRequest, name: str) -> User:
    """The persona fixture called ``name`` (for tests parametrised over personas)."""
    user: User = request.getfixturevalue(name)
    return user


def only_event(verb: str) -> Event:
    """The one audit event with ``verb`` (fails when there is none or more than one)."""
    return Event.objects.get(verb=verb)


def _readable(value: object) -> str:
    """A raw column value as a reader would see it: JSON (escaped as \\uXXXX by SQLite, parsed by psycopg) is
    written out with its characters, so that a Chinese name inside it can be found."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            value = json.loads(value)
        except ValueError:
            return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def table_text(table: str) -> str:
    """Every value of every row of ``table``, read with raw SQL past the ORM, as one string."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        rows = cursor.fetchall()
    return "\n".join(" | ".join(_readable(value) for value in row) for row in rows)


def set_round_status(assignment: Assignment, status: str) -> Assignment:
    """Put the assignment's round at ``status`` directly and return the assignment read afresh."""
    Round.objects.filter(pk=assignment.round_id).update(status=status)
    return Assignment.objects.select_related("round", "group").get(pk=assignment.pk)


def next_serial_no(round_: Round, group: InspectionGroup) -> int:
    """The number ``record_problem`` would give the group's next paper."""
    last = Problem.objects.filter(round=round_, group=group).aggregate(last=Max("serial_no"))["last"]
    return (last or 0) + 1


class ProblemFactory(factory.django.DjangoModelFactory[Problem]):
    """A working paper written directly. Pass ``assignment``; round, group and village (its target) follow."""

    class Meta:
        model = Problem

    round = factory.LazyAttribute(lambda problem: problem.assignment.round)
    group = factory.LazyAttribute(lambda problem: problem.assignment.group)
    village = factory.LazyAttribute(lambda problem: problem.assignment.target)
    serial_no = factory.LazyAttribute(lambda problem: next_serial_no(problem.round, problem.group))
    serial = factory.LazyAttribute(
        lambda problem: Problem.format_serial(
            problem.round.start_date.year, problem.round.number, problem.group.number, problem.serial_no
        )
    )
    category = Category.ASSETS
    phenomenon = PHENOMENON
    source = Problem.Source.DOCUMENTS
    fix_type = FixType.FOLLOW_UP
    finder = factory.SubFactory(UserFactory)
    found_on = date(2023, 9, 12)


class NoticeFactory(factory.django.DjangoModelFactory[ImmediateFixNotice]):
    """An immediate-fix notice written directly. Pass ``problem``."""

    class Meta:
        model = ImmediateFixNotice

    number = factory.Sequence(lambda n: f"[2023]测试立改{n + 1:03d}号")
    requirement = "三日内召开村民代表会议补办手续，租金入账。"
    issued_on = factory.LazyAttribute(lambda notice: notice.problem.assignment.stationed_from)
    deadline = factory.LazyAttribute(lambda notice: notice.problem.assignment.stationed_until)
    issued_by = factory.SubFactory(UserFactory)


class SuggestionFactory(factory.django.DjangoModelFactory[Suggestion]):
    """A suggestion written directly. Pass ``assignment``; the village is its target."""

    class Meta:
        model = Suggestion

    village = factory.LazyAttribute(lambda suggestion: suggestion.assignment.target)
    topic = Suggestion.Topic.INDUSTRY
    text = "建议村里牵头成立罗汉果种植合作社。"
    proposer = "村民代表"
    received_on = date(2023, 9, 10)
    recorded_by = factory.SubFactory(UserFactory)


class PetitionFactory(factory.django.DjangoModelFactory[Petition]):
    """An anonymous petition written directly. Pass ``assignment``; the village is its target."""

    class Meta:
        model = Petition

    village = factory.LazyAttribute(lambda petition: petition.assignment.target)
    channel = Petition.Channel.LETTER
    category = Category.BENEFIT
    text = "反映低保评定不公开，有的家庭条件好也在领低保。"


class ClueFactory(factory.django.DjangoModelFactory[Clue]):
    """A sealed clue written directly. Pass ``assignment``; round, group and village follow."""

    class Meta:
        model = Clue

    round = factory.LazyAttribute(lambda clue: clue.assignment.round)
    group = factory.LazyAttribute(lambda clue: clue.assignment.group)
    village = factory.LazyAttribute(lambda clue: clue.assignment.target)
    source = Clue.Source.TALK
    subject = CLUE_SUBJECT
    summary = CLUE_SUMMARY
    receiver = Clue.Receiver.DISCIPLINE
    registered_by = factory.SubFactory(UserFactory)


# Through the actions --------------------------------------------------------------------------------------------


def record_problem(assignment: Assignment, actor: Actor, **fields: Any) -> Problem:
    """A draft recorded by ``actor`` through ``actions.record_problem``, in the assignment's target village."""
    village = fields.pop("village", assignment.target)
    values: dict[str, Any] = {
        "category": Category.ASSETS,
        "phenomenon": PHENOMENON,
        "source": Problem.Source.DOCUMENTS,
        "fix_type": FixType.FOLLOW_UP,
        "found_on": date(2023, 9, 12),
        **fields,
    }
    return actions.record_problem(assignment, village, actor=actor, **values)


def record_petition(assignment: Assignment, actor: Actor, **fields: Any) -> Petition:
    """A letter with the reporter's name and phone, entered by ``actor`` through ``actions.record_petition``."""
    values: dict[str, Any] = {
        "channel": Petition.Channel.LETTER,
        "category": Category.BENEFIT,
        "text": "反映低保评定不公开，有的家庭条件好也在领低保。",
        "village": assignment.target,
        "name": REPORTER_NAME,
        "phone": REPORTER_PHONE,
        **fields,
    }
    return actions.record_petition(assignment, actor=actor, **values)


def register_clue(assignment: Assignment, actor: Actor, **fields: Any) -> Clue:
    """A clue from a talk, registered by ``actor`` through ``actions.register_clue``."""
    values: dict[str, Any] = {
        "source": Clue.Source.TALK,
        "subject": CLUE_SUBJECT,
        "summary": CLUE_SUMMARY,
        "receiver": Clue.Receiver.DISCIPLINE,
        **fields,
    }
    return actions.register_clue(assignment, actor=actor, **values)


# Files ------------------------------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes() -> bytes:
    """A valid 1×1 grey PNG."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")


def jpeg_bytes() -> bytes:
    """The start of a JFIF JPEG (SOI and APP0) and its end marker."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def gif_bytes() -> bytes:
    """A valid 1×1 transparent GIF."""
    return (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
        b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )


def webp_bytes() -> bytes:
    """A RIFF container of type WEBP with a lossless (VP8L) chunk."""
    chunk = b"VP8L" + struct.pack("<I", 5) + b"\x2f\x00\x00\x00\x00" + b"\x00"
    body = b"WEBP" + chunk
    return b"RIFF" + struct.pack("<I", len(body)) + body


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>"})


def xlsx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>"})


def pptx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": b"<p:presentation/>"})


def ole_bytes() -> bytes:
    """The header of an OLE compound file (.doc, .xls, older WPS files)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def exe_bytes() -> bytes:
    """The start of a Windows executable: an MZ header pointing at a PE header."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(44) + b"\x40\x00\x00\x00PE\x00\x00"


def html_bytes() -> bytes:
    return "<!DOCTYPE html><html><body><script>alert(1)</script>整改情况</body></html>".encode()


def text_bytes() -> bytes:
    return "这是一段普通文字，不是照片。".encode()
