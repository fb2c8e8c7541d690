"""Fixtures of the report chain: round 4 reported (four villages with confirmed papers), a sealed clue in 甲一村,
and the leader and a member of 第三巡察组, which inspects 甲一村."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from xuncha.accounts.models import Role, User
from xuncha.conftest import World, _person
from xuncha.findings.models import Clue, Problem
from xuncha.findings.tests.factories import CLUE_SUBJECT, CLUE_SUMMARY, ClueFactory, ProblemFactory
from xuncha.inspections.models import Membership, Round
from xuncha.inspections.tests.factories import GroupFactory, assign, member
from xuncha.rectification.tests.factories import confirmed_problem
from xuncha.reporting import actions
from xuncha.reporting.models import Report


@dataclass
class Scene:
    world: World
    round: Round
    report: Report
    clue: Clue
    drafts: list[Problem]


@pytest.fixture
def other_leader(world: World) -> User:
    """The leader of 第四巡察组, which inspects 乙一村 in the same round."""
    group4 = GroupFactory.create(round=world.round, number=4)
    assign(group4, [world.village_b1])
    user = _person("group4_leader", Role.GROUP_LEADER, world.county)
    member(group4, user, Membership.GroupRole.LEADER)
    return user


@pytest.fixture
def scene(world: World, group_leader: User, group_member: User) -> Scene:
    """Round 4 reporting: 甲一村 has two confirmed papers, two drafts and a sealed clue; 第三巡察组's report is
    drafted (version 1) and waits for its group meeting."""
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.REPORTING)
    world.round.refresh_from_db()
    world.assignment.round = world.round
    confirmed_problem(world.round, world.village_a1, category="FINANCE")
    confirmed_problem(world.round, world.village_a1, category="ASSETS")
    drafts = [ProblemFactory.create(assignment=world.assignment, village=world.village_a1) for _ in range(2)]
    clue = ClueFactory.create(
        assignment=world.assignment,
        round=world.round,
        group=world.group,
        village=world.village_a1,
        subject=CLUE_SUBJECT,
        summary=CLUE_SUMMARY,
        registered_by=group_leader,
    )
    report = actions.draft_report(world.round, assignment=world.assignment, actor=group_member)
    return Scene(world, world.round, report, clue, drafts)
