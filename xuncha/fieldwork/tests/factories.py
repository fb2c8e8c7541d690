"""Records of the group's learning for tests, entered through the actions as a group would."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone

from xuncha.accounts.actors import Actor
from xuncha.accounts.models import User
from xuncha.fieldwork import actions
from xuncha.fieldwork.models import FieldVisit, TalkRecord, TalkRole
from xuncha.findings.tests.factories import pdf_bytes
from xuncha.inspections.models import Assignment

PERSON = "王大山"
TRANSCRIPT = "村集体鱼塘承包费2万元未公开，村民多有议论。"


def record_talk(assignment: Assignment, actor: Actor, interviewers: list[User], **fields: Any) -> TalkRecord:
    values: dict[str, Any] = {
        "talk_role": TalkRole.SECRETARY,
        "person_name": PERSON,
        "person_post": "甲一村党支部书记",
        "talked_on": timezone.localdate(),
        "place": "村委会会议室",
        "transcript": TRANSCRIPT,
        **fields,
    }
    village = values.pop("village", assignment.target)
    return actions.record_talk(assignment, village, interviewers=interviewers, actor=actor, **values)


def record_visit(assignment: Assignment, actor: Actor) -> FieldVisit:
    return actions.record_field_visit(
        assignment,
        assignment.target,
        visited_on=timezone.localdate(),
        place="三组",
        households=6,
        notes="低保户两户反映补贴迟发。",
        actor=actor,
    )


def scan() -> tuple[io.BytesIO, str, int]:
    data = pdf_bytes()
    return (io.BytesIO(data), "笔录.pdf", len(data))
