"""Working papers recorded in bulk (``record_problems``, used by the spreadsheet import): the same numbering,
checks and audit events as ``record_problem`` one by one, written all or nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.actions import WITHHELD
from xuncha.audit.chain import verify_chain
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied
from xuncha.findings import actions
from xuncha.findings.actions import ProblemSpec
from xuncha.findings.models import Category, FixType, Problem
from xuncha.findings.tests.factories import PHENOMENON, ProblemFactory, persona, record_problem
from xuncha.inspections.models import Membership
from xuncha.inspections.tests.factories import GroupFactory, assign, member
from xuncha.organisations.models import AdminUnit

Status = Problem.Status


@pytest.fixture
def outside_leader(world: World) -> User:
    """The leader of 第四巡察组, another group of the same round (inspecting 乙一村)."""
    group4 = GroupFactory.create(round=world.round, number=4)
    assign(group4, [world.village_b1])
    user = UserFactory.create(username="group4_leader")
    grant(user, Role.GROUP_LEADER, world.county)
    member(group4, user, Membership.GroupRole.LEADER)
    return user


def spec(village: AdminUnit, number: int, **fields: Any) -> ProblemSpec:
    """A paper about ``village`` whose phenomenon is numbered ``number``."""
    values: dict[str, Any] = {
        "category": Category.ASSETS,
        "phenomenon": f"{PHENOMENON}（{number}）",
        "source": Problem.Source.DOCUMENTS,
        "fix_type": FixType.FOLLOW_UP,
        "found_on": date(2023, 9, 12),
        **fields,
    }
    return ProblemSpec(village=village, **values)


def test_record_problems_numbers_after_the_existing_papers(world: World, group_member: User) -> None:
    """New papers take the group's next numbers in the order given, after the papers already recorded; another
    group's papers do not count."""
    record_problem(world.assignment, group_member)
    group4 = GroupFactory.create(round=world.round, number=4)
    ProblemFactory.create_batch(5, assignment=assign(group4, [world.village_b1]))

    problems = actions.record_problems(
        world.assignment, [spec(world.village_a1, number) for number in range(3)], actor=group_member
    )

    assert [problem.serial for problem in problems] == ["[2023]4巡-3组-002", "[2023]4巡-3组-003", "[2023]4巡-3组-004"]
    stored = Problem.objects.filter(group=world.group).order_by("serial_no")
    assert list(stored.values_list("serial_no", "phenomenon", "status", "finder")) == [
        (1, PHENOMENON, Status.DRAFT, group_member.pk),
        *((number + 2, f"{PHENOMENON}（{number}）", Status.DRAFT, group_member.pk) for number in range(3)),
    ]


def test_record_problems_writes_one_event_per_paper_on_a_sound_chain(world: World, group_member: User) -> None:
    """Each paper gets the event ``record_problem`` writes, in order, and the audit chain still verifies."""
    record_problem(world.assignment, group_member)
    problems = actions.record_problems(
        world.assignment,
        [spec(world.village_a1, number, basis=f" 依据{number} ") for number in range(4)],
        actor=group_member,
    )

    events = list(Event.objects.filter(verb="findings.problem_recorded").order_by("seq"))
    assert [event.object_id for event in events[1:]] == [str(problem.pk) for problem in problems]
    assert [event.seq for event in events[1:]] == list(range(events[0].seq + 1, events[0].seq + 5))
    assert all(event.actor == group_member and event.unit == world.village_a1 for event in events)
    assert events[-1].after == {
        "serial": "[2023]4巡-3组-005",
        "status": "DRAFT",
        "category": "ASSETS",
        "phenomenon": WITHHELD,
        "basis": WITHHELD,
        "responsibility": "",
        "source": "DOCUMENTS",
        "fix_type": "FOLLOW_UP",
        "found_on": "2023-09-12",
    }
    report = verify_chain()
    assert report.ok, report.reason
    assert report.checked == Event.objects.count()


@pytest.mark.parametrize("name", ["office", "outside_leader", "outsider"])
def test_record_problems_is_refused_to_non_members(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Only members of the assignment's group record its papers, in bulk as one by one."""
    actor = persona(request, name)

    with pytest.raises(PermissionDenied):
        actions.record_problems(world.assignment, [spec(world.village_a1, 1)], actor=actor)

    assert not Problem.objects.exists()
    assert not Event.objects.filter(verb="findings.problem_recorded").exists()


@pytest.mark.parametrize("village", ["village_a2", "village_b1", "township_a"])
def test_record_problems_writes_nothing_when_one_village_is_not_covered(
    world: World, group_member: User, village: str
) -> None:
    """One paper about a village the assignment does not cover refuses the whole lot."""
    specs = [spec(world.village_a1, 1), spec(getattr(world, village), 2), spec(world.village_a1, 3)]

    with pytest.raises(Conflict):
        actions.record_problems(world.assignment, specs, actor=group_member)

    assert not Problem.objects.exists()
    assert not Event.objects.filter(verb="findings.problem_recorded").exists()


def test_record_problems_without_specs_writes_nothing(world: World, group_member: User) -> None:
    """An empty list records nothing and writes no event."""
    assert actions.record_problems(world.assignment, [], actor=group_member) == []

    assert not Problem.objects.exists()
    assert not Event.objects.exists()
