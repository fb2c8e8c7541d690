"""Events record who changed which fields of which object, and structured values; never a working paper's text or
a resident's receipt code (the auditor reads the trail, not case content)."""

from __future__ import annotations

import json

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.actions import WITHHELD
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.findings import actions
from xuncha.findings.models import Category, FixType, Petition, Problem

PHENOMENON = "2023年村集体经济收入12万元未入账，由村会计个人保管。"
EDITED = "2023年村集体经济收入12.5万元未入账，由村会计李某个人保管。"
BASIS = "《农村集体经济组织财务制度》第十二条"


def _payloads() -> str:
    return json.dumps([[event.before, event.after] for event in Event.objects.all()], ensure_ascii=False)


def test_no_event_holds_a_working_papers_text_or_a_receipt_code(world: World, group_leader: User) -> None:
    problem = actions.record_problem(
        world.assignment,
        world.village_a1,
        category=Category.FINANCE,
        phenomenon=PHENOMENON,
        basis=BASIS,
        source=Problem.Source.DOCUMENTS,
        fix_type=FixType.FOLLOW_UP,
        actor=SYSTEM,
        finder=group_leader,
    )
    actions.update_problem(
        problem,
        {"phenomenon": EDITED, "category": Category.ASSETS},
        expected_version=problem.version,
        actor=group_leader,
    )
    petition = actions.record_petition(
        world.assignment,
        channel=Petition.Channel.LETTER,
        category=Category.BENEFIT,
        text="反映低保评定不公开。",
        village=world.village_a1,
        actor=SYSTEM,
    )
    payloads = _payloads()
    for secret in (PHENOMENON, EDITED, BASIS, petition.receipt_code, "反映低保评定不公开"):
        assert secret not in payloads
    edited = Event.objects.get(verb="findings.problem_edited")
    assert edited.after == {"phenomenon": WITHHELD, "category": "ASSETS"}
    assert edited.before == {"phenomenon": WITHHELD, "category": "FINANCE", "status": "DRAFT"}
    recorded = Event.objects.get(verb="findings.problem_recorded")
    assert recorded.after is not None
    assert (recorded.after["phenomenon"], recorded.after["basis"], recorded.after["responsibility"]) == (
        WITHHELD,
        WITHHELD,
        "",
    )
