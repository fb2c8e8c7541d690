"""Immediate-fix notices (立行立改通知书): issuing one for an IMMEDIATE problem before stationing ends, and
recording that the village fixed it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from xuncha.accounts.actors import Actor
from xuncha.accounts.models import User
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.actions import WITHHELD
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.findings import actions
from xuncha.findings.models import FixType, ImmediateFixNotice, Problem
from xuncha.findings.tests.factories import NoticeFactory, ProblemFactory, only_event, persona, record_problem
from xuncha.inspections.models import Assignment, Membership, Round
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, TermFactory, assign, member

REQUIREMENT = "  三日内召开村民代表会议补办手续，租金全额入账。 "
ISSUED_ON = date(2023, 9, 15)
LAST_DAY = date(2023, 11, 30)  # the last day of group 3's stationing

NON_MEMBERS = [
    "office",
    "office_lead",
    "leader",
    "discipline",
    "township_user",
    "village_user",
    "outsider",
    "auditor",
    "nobody",
]


@pytest.fixture
def immediate(world: World, group_member: User) -> Problem:
    """A draft of group 3 to be fixed immediately."""
    return record_problem(world.assignment, group_member, fix_type=FixType.IMMEDIATE)


def issue(
    problem: Problem,
    actor: Actor,
    *,
    requirement: str = REQUIREMENT,
    deadline: date = date(2023, 9, 25),
    issued_on: date = ISSUED_ON,
) -> ImmediateFixNotice:
    return actions.issue_notice(problem, requirement=requirement, deadline=deadline, issued_on=issued_on, actor=actor)


# issue_notice


def test_issue_notice_issues_a_numbered_notice(world: World, group_leader: User, immediate: Problem) -> None:
    """The leader issues the group's first notice; the event holds its number, dates and requirement."""
    notice = issue(immediate, group_leader, deadline=LAST_DAY)

    notice.refresh_from_db()
    assert notice.problem == immediate
    assert notice.number == "[2023]4巡3组立改001号"
    assert (notice.issued_on, notice.deadline, notice.issued_by) == (ISSUED_ON, LAST_DAY, group_leader)
    assert notice.requirement == "三日内召开村民代表会议补办手续，租金全额入账。"
    assert (notice.status, notice.completed_on, notice.completion_note) == (
        ImmediateFixNotice.Status.ISSUED,
        None,
        "",
    )
    event = only_event("findings.notice_issued")
    assert event.actor == group_leader
    assert (event.object_type, event.object_id) == ("findings.immediatefixnotice", str(notice.pk))
    assert event.unit == world.village_a1
    assert event.before is None
    assert event.after == {
        "number": "[2023]4巡3组立改001号",
        "issued_on": "2023-09-15",
        "deadline": "2023-11-30",
        "requirement": WITHHELD,
    }


def test_notice_numbers_run_per_group(world: World, group_leader: User, group_member: User) -> None:
    """Notices are numbered 001, 002 within the group; another group starts at 001."""
    first = issue(record_problem(world.assignment, group_member, fix_type=FixType.IMMEDIATE), group_leader)
    second = issue(record_problem(world.assignment, group_member, fix_type=FixType.IMMEDIATE), group_leader)
    group4 = GroupFactory.create(round=world.round, number=4)
    assignment4 = assign(group4, [world.village_b1])
    leader4 = UserFactory.create()
    member(group4, leader4, Membership.GroupRole.LEADER)
    other = issue(record_problem(assignment4, leader4, fix_type=FixType.IMMEDIATE), leader4)

    assert [first.number, second.number, other.number] == [
        "[2023]4巡3组立改001号",
        "[2023]4巡3组立改002号",
        "[2023]4巡4组立改001号",
    ]


def test_issue_notice_is_dated_today_by_default(world: World, group_leader: User, group_member: User) -> None:
    """Without an issue date the notice is dated today (here within a stationing that is still going on)."""
    today = timezone.localdate()
    Assignment.objects.filter(pk=world.assignment.pk).update(
        stationed_from=today - timedelta(days=5), stationed_until=today + timedelta(days=10)
    )
    problem = Problem.objects.get(pk=record_problem(world.assignment, group_member, fix_type=FixType.IMMEDIATE).pk)

    notice = actions.issue_notice(
        problem, requirement="立即整改", deadline=today + timedelta(days=3), actor=group_leader
    )

    assert notice.issued_on == today


@pytest.mark.parametrize("status", [Problem.Status.DRAFT, Problem.Status.CONFIRMED])
def test_issue_notice_does_not_wait_for_confirmation(world: World, group_leader: User, status: str) -> None:
    """A notice is issued on site, whether the paper is still a draft or already confirmed."""
    problem = ProblemFactory.create(assignment=world.assignment, fix_type=FixType.IMMEDIATE, status=status)

    assert issue(problem, group_leader).problem == problem


@pytest.mark.parametrize("name", ["group_member", *NON_MEMBERS])
def test_issue_notice_is_refused_to_everyone_but_the_leader(
    world: World, request: pytest.FixtureRequest, immediate: Problem, name: str
) -> None:
    """Only the group leader issues notices."""
    with pytest.raises(PermissionDenied):
        issue(immediate, persona(request, name))

    assert not ImmediateFixNotice.objects.exists()
    assert not Event.objects.filter(verb="findings.notice_issued").exists()


def test_issue_notice_refuses_a_deadline_after_stationing_ends(group_leader: User, immediate: Problem) -> None:
    """The village must fix it before the group leaves: a deadline after the last day is refused."""
    with pytest.raises(Conflict):
        issue(immediate, group_leader, deadline=LAST_DAY + timedelta(days=1))

    assert not ImmediateFixNotice.objects.exists()


def test_issue_notice_refuses_a_deadline_before_the_issue(group_leader: User, immediate: Problem) -> None:
    """A deadline before the notice is issued is refused; the same day is accepted."""
    with pytest.raises(Conflict):
        issue(immediate, group_leader, deadline=ISSUED_ON - timedelta(days=1))

    assert issue(immediate, group_leader, deadline=ISSUED_ON).deadline == ISSUED_ON


@pytest.mark.parametrize("fix_type", [FixType.FOLLOW_UP, FixType.LONG_TERM])
def test_issue_notice_refuses_a_problem_not_to_be_fixed_immediately(
    world: World, group_leader: User, group_member: User, fix_type: str
) -> None:
    """Follow-up and long-term problems go to the lists, not to an immediate-fix notice."""
    problem = record_problem(world.assignment, group_member, fix_type=fix_type)

    with pytest.raises(Conflict):
        issue(problem, group_leader)

    assert not ImmediateFixNotice.objects.exists()


def test_issue_notice_refuses_a_second_notice(group_leader: User, immediate: Problem) -> None:
    """A problem has one notice."""
    issue(immediate, group_leader)

    with pytest.raises(Conflict):
        issue(immediate, group_leader, requirement="再次通知")

    assert ImmediateFixNotice.objects.count() == 1
    assert Event.objects.filter(verb="findings.notice_issued").count() == 1


def test_issue_notice_refuses_a_discarded_problem(world: World, group_leader: User) -> None:
    """A discarded paper gets no notice."""
    problem = ProblemFactory.create(
        assignment=world.assignment, fix_type=FixType.IMMEDIATE, status=Problem.Status.DISCARDED
    )

    with pytest.raises(TransitionNotAllowed):
        issue(problem, group_leader)

    assert not ImmediateFixNotice.objects.exists()


@pytest.mark.parametrize("requirement", ["", "  "])
def test_issue_notice_needs_a_requirement(group_leader: User, immediate: Problem, requirement: str) -> None:
    """A notice says what must be done."""
    with pytest.raises(Conflict):
        issue(immediate, group_leader, requirement=requirement)

    assert not ImmediateFixNotice.objects.exists()


def test_two_counties_number_their_notices_independently(world: World, group_leader: User, immediate: Problem) -> None:
    """兴安县's group 3 of round 4 issues its first notice whatever 龙胜 has issued."""
    issue(immediate, group_leader)
    term = TermFactory.create(county=world.other_county, number=15)
    round4 = RoundFactory.create(term=term, number=4, status=Round.Status.STATIONED)
    group = GroupFactory.create(round=round4, number=3)
    assignment = assign(group, [world.other_village])
    their_leader = UserFactory.create()
    member(group, their_leader, Membership.GroupRole.LEADER)
    theirs = ProblemFactory.create(assignment=assignment, fix_type=FixType.IMMEDIATE, serial="兴安-001")

    issue(theirs, their_leader)

    assert ImmediateFixNotice.objects.count() == 2


# complete_notice


@pytest.mark.parametrize("name", ["group_member", "group_leader"])
def test_complete_notice_records_the_fix(
    world: World, request: pytest.FixtureRequest, group_leader: User, immediate: Problem, name: str
) -> None:
    """A member records that the village fixed it; the event holds the status before and what was recorded."""
    notice = issue(immediate, group_leader)
    actor = persona(request, name)

    actions.complete_notice(notice, completed_on=date(2023, 9, 20), note=" 已召开村民代表会议，租金入账 ", actor=actor)

    assert notice.status == ImmediateFixNotice.Status.COMPLETED
    notice.refresh_from_db()
    assert (notice.status, notice.completed_on, notice.completion_note) == (
        ImmediateFixNotice.Status.COMPLETED,
        date(2023, 9, 20),
        "已召开村民代表会议，租金入账",
    )
    assert not notice.is_overdue
    event = only_event("findings.notice_completed")
    assert event.actor == actor
    assert event.object_id == str(notice.pk)
    assert event.unit == world.village_a1
    assert event.before == {"status": "ISSUED"}
    assert event.after == {
        "status": "COMPLETED",
        "completed_on": "2023-09-20",
        "completion_note": WITHHELD,
    }


@pytest.mark.parametrize("name", NON_MEMBERS)
def test_complete_notice_is_refused_to_non_members(
    request: pytest.FixtureRequest, group_leader: User, immediate: Problem, name: str
) -> None:
    """The group records the fix; the village or township cannot tick it off themselves."""
    notice = issue(immediate, group_leader)

    with pytest.raises(PermissionDenied):
        actions.complete_notice(notice, completed_on=date(2023, 9, 20), note="已整改", actor=persona(request, name))

    notice.refresh_from_db()
    assert notice.status == ImmediateFixNotice.Status.ISSUED


def test_complete_notice_refuses_a_completed_notice(group_leader: User, immediate: Problem) -> None:
    """A notice is completed once."""
    notice = issue(immediate, group_leader)
    actions.complete_notice(notice, completed_on=date(2023, 9, 20), note="已整改", actor=group_leader)

    with pytest.raises(TransitionNotAllowed):
        actions.complete_notice(notice, completed_on=date(2023, 9, 22), note="再次", actor=group_leader)

    notice.refresh_from_db()
    assert notice.completed_on == date(2023, 9, 20)
    assert Event.objects.filter(verb="findings.notice_completed").count() == 1


@pytest.mark.parametrize("note", ["", " \n"])
def test_complete_notice_needs_a_note(group_leader: User, immediate: Problem, note: str) -> None:
    """Completion says how the problem was fixed."""
    notice = issue(immediate, group_leader)

    with pytest.raises(Conflict):
        actions.complete_notice(notice, completed_on=date(2023, 9, 20), note=note, actor=group_leader)

    notice.refresh_from_db()
    assert notice.status == ImmediateFixNotice.Status.ISSUED


def test_complete_notice_refuses_a_date_before_the_issue(group_leader: User, immediate: Problem) -> None:
    """A problem cannot have been fixed on notice before the notice existed."""
    notice = issue(immediate, group_leader)

    with pytest.raises(Conflict):
        actions.complete_notice(notice, completed_on=ISSUED_ON - timedelta(days=30), note="已整改", actor=group_leader)


def test_a_notice_past_its_deadline_is_overdue(world: World) -> None:
    """An issued notice whose deadline has passed is overdue; a completed one never is."""
    problem = ProblemFactory.create(assignment=world.assignment, fix_type=FixType.IMMEDIATE)
    notice = NoticeFactory.create(problem=problem)

    assert notice.is_overdue
    notice.status = ImmediateFixNotice.Status.COMPLETED
    assert not notice.is_overdue
