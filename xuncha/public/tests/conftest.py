"""Fixtures of the residents' pages: an assignment stationed today, with one village or with several; a closed
ledger item whose texts name people, its disclosure in the office's words, and a survey taking answers."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from xuncha.conftest import World
from xuncha.inspections.models import Assignment, Round
from xuncha.inspections.tests.factories import GroupFactory, assign
from xuncha.organisations.models import AdminUnit, Level
from xuncha.public.models import Disclosure, Survey
from xuncha.rectification.models import LedgerItem, Progress
from xuncha.rectification.tests.factories import ledger_item


def stationed_around_today(assignment: Assignment, *, days: int = 10) -> Assignment:
    """Move the stationing dates around today, so that "today" needs no clock freezing."""
    today = timezone.localdate()
    assignment.stationed_from = today - timedelta(days=days)
    assignment.stationed_until = today + timedelta(days=days)
    assignment.save(update_fields=["stationed_from", "stationed_until"])
    return assignment


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


@pytest.fixture
def stationed(world: World) -> Assignment:
    """第三巡察组 on 甲一村, stationed from ten days ago to ten days ahead."""
    return stationed_around_today(world.assignment)


@pytest.fixture
def township_assignment(world: World) -> Assignment:
    """第五巡察组 on 甲镇 with 甲二村 and 甲社区 (巡乡带村), stationed around today."""
    group = GroupFactory.create(round=world.round, number=5)
    assignment = assign(
        group,
        [world.village_a2, world.community_a],
        mode=Assignment.Mode.TOWNSHIP_WITH_VILLAGES,
        target=world.township_a,
    )
    return stationed_around_today(assignment)


# Disclosure and surveys ---------------------------------------------------------------------------------------------

# What the working papers and the ledger hold about people, which residents must never read on the public page.
LEADER = "韦秀英（甲一村党支部书记）"
RAW_SUMMARY = (
    "村民张秀英反映：甲一村党支部书记李建国2023年将集体土地出租给亲属，合同未经村民代表会议讨论，租金3.2万元未入账。"
)
REPORT = "韦秀英已组织召开村民代表会议补办手续，租金3.2万元已全部入账。"
# The office's words for residents.
PUBLIC_SUMMARY = "村集体土地出租合同未经村民代表会议讨论，租金未入账。"
PUBLIC_RESULT = "已召开村民代表会议补办出租手续，租金已全部入账，合同已在村务公开栏公开。"


def done_item(village: AdminUnit, *, status: str = LedgerItem.Status.CLOSED, summary: str = RAW_SUMMARY) -> LedgerItem:
    """A closed (or ``status``) item of ``village`` in round 4, with a responsible leader and the village's report
    naming people, written directly."""
    round_ = village_round(village)
    closed: dict[str, Any] = {"closed_on": date(2024, 1, 10)} if status == LedgerItem.Status.CLOSED else {}
    item = ledger_item(round_, village, status=status, responsible_leader=LEADER, **closed)
    LedgerItem.objects.filter(pk=item.pk).update(summary=summary)
    item.summary = summary
    Progress.objects.create(item=item, kind=Progress.Kind.SUBMISSION, text=REPORT, on=date(2024, 1, 5))
    return item


def village_round(village: AdminUnit) -> Round:
    county = village.ancestor(Level.COUNTY)
    return Round.objects.get(term__county=county)


def survey_of(village: AdminUnit, *, opens: int = -5, closes: int = 20, title: str = "甲一村整改满意度测评") -> Survey:
    """A survey of ``village`` open from ``opens`` to ``closes`` days around today, written directly."""
    today = timezone.localdate()
    return Survey.objects.create(
        village=village,
        title=title,
        opens_on=today + timedelta(days=opens),
        closes_on=today + timedelta(days=closes),
    )


@pytest.fixture
def closed_item(world: World) -> LedgerItem:
    """A closed item of 甲一村 (key village) whose texts name people."""
    return done_item(world.village_a1)


@pytest.fixture
def disclosure(closed_item: LedgerItem) -> Disclosure:
    """``closed_item`` published in the office's words, written directly."""
    return Disclosure.objects.create(item=closed_item, summary=PUBLIC_SUMMARY, result=PUBLIC_RESULT)


@pytest.fixture
def survey(world: World) -> Survey:
    """A survey of 甲一村 taking answers: opened five days ago, closing in twenty."""
    return survey_of(world.village_a1)
