"""Working papers: recording with serial numbers, confirming, discarding, editing with optimistic locking, and the
transition table.

Each action is checked for the state it leaves, the audit event it writes, and its refusals for a wrong role, a
wrong state and bad input.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.db import transaction

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.actions import WITHHELD
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import ActionRefused, Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.findings import actions
from xuncha.findings.actions import problems as problem_actions
from xuncha.findings.models import Category, FixType, Problem
from xuncha.findings.tests.factories import (
    PHENOMENON,
    ProblemFactory,
    only_event,
    persona,
    record_problem,
    set_round_status,
)
from xuncha.inspections.models import Membership, Round
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, TermFactory, assign, member

Status = Problem.Status

# Personas outside group 3: they may read some of the county, but never write its papers.
NON_MEMBERS = [
    "office",
    "office_lead",
    "leader",
    "discipline",
    "township_user",
    "village_user",
    "outside_leader",
    "outsider",
    "auditor",
    "nobody",
]
# Everyone but group 3's leader: its deputy and members included.
NOT_THE_LEADER = ["group_member", "deputy", *NON_MEMBERS]
NOT_RECORDING = [
    status for status in Round.Status.values if status not in (Round.Status.STATIONED, Round.Status.REPORTING)
]

ALLOWED_MOVES = [
    (source, target) for source, targets in actions.PROBLEM_TRANSITIONS.items() for target in sorted(targets)
]
REFUSED_MOVES = [
    (source, target)
    for source, target in itertools.product(Status.values, Status.values)
    if target not in actions.PROBLEM_TRANSITIONS[source]
]


@pytest.fixture
def deputy(world: World) -> User:
    """The deputy leader of group 3."""
    user = UserFactory.create(username="group3_deputy")
    grant(user, Role.GROUP_MEMBER, world.county)
    member(world.group, user, Membership.GroupRole.DEPUTY)
    return user


@pytest.fixture
def outside_leader(world: World) -> User:
    """The leader of 第四巡察组, another group of the same round (inspecting 乙一村)."""
    group4 = GroupFactory.create(round=world.round, number=4)
    assign(group4, [world.village_b1])
    user = UserFactory.create(username="group4_leader")
    grant(user, Role.GROUP_LEADER, world.county)
    member(group4, user, Membership.GroupRole.LEADER)
    return user


def move_problem(problem: Problem, target: str, actor: User) -> Problem:
    """Move a paper by the action that makes the move; FED_BACK and DRAFT have none in this app (publishing a
    list will feed papers back), so the shared mover is called for them."""
    if target == Status.CONFIRMED:
        return actions.confirm_problem(problem, actor=actor)
    if target == Status.DISCARDED:
        return actions.discard_problem(problem, actor=actor, reason="核实后不属实")
    with transaction.atomic():
        return problem_actions._move_problem(problem, target, actor=actor, note="")


# record_problem


def test_record_problem_writes_a_numbered_draft(world: World, group_member: User) -> None:
    """A member's paper starts as a DRAFT with the group's first number; the event holds all its fields."""
    problem = actions.record_problem(
        world.assignment,
        world.village_a1,
        category=Category.ASSETS,
        phenomenon=f"  {PHENOMENON}\n",
        source=Problem.Source.DOCUMENTS,
        fix_type=FixType.FOLLOW_UP,
        basis=" 《村民委员会组织法》第二十四条 ",
        responsibility="村党支部书记负主要责任",
        found_on=date(2023, 9, 12),
        actor=group_member,
    )

    problem.refresh_from_db()
    assert (problem.assignment, problem.round, problem.group, problem.village) == (
        world.assignment,
        world.round,
        world.group,
        world.village_a1,
    )
    assert (problem.serial_no, problem.serial, problem.status, problem.version) == (
        1,
        "[2023]4巡-3组-001",
        Status.DRAFT,
        1,
    )
    assert (problem.phenomenon, problem.basis) == (PHENOMENON, "《村民委员会组织法》第二十四条")
    assert problem.finder == group_member
    assert problem.confirmed_by is None
    event = only_event("findings.problem_recorded")
    assert event.actor == group_member
    assert (event.object_type, event.object_id) == ("findings.problem", str(problem.pk))
    assert event.unit == world.village_a1
    assert event.before is None
    assert event.after == {
        "serial": "[2023]4巡-3组-001",
        "status": "DRAFT",
        "category": "ASSETS",
        "phenomenon": WITHHELD,
        "basis": WITHHELD,
        "responsibility": WITHHELD,
        "source": "DOCUMENTS",
        "fix_type": "FOLLOW_UP",
        "found_on": "2023-09-12",
    }


@pytest.mark.parametrize("name", ["group_leader", "deputy"])
def test_record_problem_is_open_to_every_member(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """The leader and the deputy record papers like any member; they are the finder unless another is named."""
    actor = persona(request, name)

    problem = record_problem(world.assignment, actor)

    assert problem.finder == actor
    assert only_event("findings.problem_recorded").actor == actor


def test_record_problem_names_another_finder(world: World, group_leader: User, group_member: User) -> None:
    """A leader may write up what a member found, naming the member as finder."""
    problem = record_problem(world.assignment, group_leader, finder=group_member)

    assert problem.finder == group_member
    assert only_event("findings.problem_recorded").actor == group_leader


def test_record_problem_by_the_system_needs_a_finder(world: World, group_member: User) -> None:
    """A command (actor=SYSTEM) must name the finder; with one, the event is the system's."""
    with pytest.raises(Conflict):
        record_problem(world.assignment, SYSTEM)

    problem = record_problem(world.assignment, SYSTEM, finder=group_member)

    assert problem.finder == group_member
    assert only_event("findings.problem_recorded").actor is None


@pytest.mark.parametrize("name", NON_MEMBERS)
def test_record_problem_is_refused_to_non_members(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Only members of the assignment's group record papers; nothing is written otherwise."""
    with pytest.raises(PermissionDenied):
        record_problem(world.assignment, persona(request, name))

    assert not Problem.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.parametrize("status", NOT_RECORDING)
def test_record_problem_is_refused_outside_stationing_and_reporting(
    world: World, group_member: User, status: str
) -> None:
    """A planned, fed-back, rectifying or closed round takes no new papers."""
    assignment = set_round_status(world.assignment, status)

    with pytest.raises(TransitionNotAllowed):
        record_problem(assignment, group_member)

    assert not Problem.objects.exists()
    assert not Event.objects.exists()


def test_record_problem_is_allowed_while_reporting(world: World, group_member: User) -> None:
    """Papers are still written while the group drafts its report."""
    assignment = set_round_status(world.assignment, Round.Status.REPORTING)

    assert record_problem(assignment, group_member).status == Status.DRAFT


@pytest.mark.parametrize("village", ["village_a2", "community_a", "township_a", "other_village"])
def test_record_problem_refuses_a_village_the_assignment_does_not_cover(
    world: World, group_member: User, village: str
) -> None:
    """Group 3 inspects 甲一村 only: a paper about another village (or a township) is refused."""
    with pytest.raises(Conflict):
        record_problem(world.assignment, group_member, village=getattr(world, village))

    assert not Problem.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("category", "WEATHER"), ("source", "RUMOUR"), ("fix_type", "NEVER"), ("category", "")]
)
def test_record_problem_refuses_unknown_choices(world: World, group_member: User, field: str, value: str) -> None:
    """A category, source or rectification type outside the lists is refused."""
    with pytest.raises(Conflict):
        record_problem(world.assignment, group_member, **{field: value})

    assert not Problem.objects.exists()


@pytest.mark.parametrize("phenomenon", ["", "   \n\t "])
def test_record_problem_refuses_an_empty_phenomenon(world: World, group_member: User, phenomenon: str) -> None:
    """A paper must say what was found."""
    with pytest.raises(Conflict):
        record_problem(world.assignment, group_member, phenomenon=phenomenon)

    assert not Problem.objects.exists()


# serial numbers


def test_serial_numbers_run_per_round_and_group(world: World, group_member: User) -> None:
    """The group's papers are numbered 001, 002, 003 in the order they are recorded."""
    serials = [record_problem(world.assignment, group_member).serial for _ in range(3)]

    assert serials == ["[2023]4巡-3组-001", "[2023]4巡-3组-002", "[2023]4巡-3组-003"]


def test_a_discarded_draft_keeps_its_number(world: World, group_leader: User, group_member: User) -> None:
    """A discarded draft keeps its number and the next paper does not reuse it."""
    first = record_problem(world.assignment, group_member)
    actions.discard_problem(first, actor=group_leader, reason="核实后不属实")

    second = record_problem(world.assignment, group_member)

    first.refresh_from_db()
    assert (first.serial, first.status) == ("[2023]4巡-3组-001", Status.DISCARDED)
    assert second.serial == "[2023]4巡-3组-002"


def test_two_groups_number_independently(world: World, group_member: User) -> None:
    """第四巡察组 starts at 001 whatever group 3 has numbered."""
    group4 = GroupFactory.create(round=world.round, number=4)
    assignment4 = assign(group4, [world.village_b1])
    member4 = UserFactory.create()
    member(group4, member4)
    record_problem(world.assignment, group_member)
    record_problem(world.assignment, group_member)

    assert record_problem(assignment4, member4).serial == "[2023]4巡-4组-001"
    assert record_problem(world.assignment, group_member).serial == "[2023]4巡-3组-003"


def test_the_serial_year_is_the_round_start_year(world: World) -> None:
    """A round that starts in December 2023 numbers its papers [2023] also when they are found in 2024."""
    round5 = RoundFactory.create(
        term=world.term,
        number=5,
        start_date=date(2023, 12, 1),
        end_date=date(2024, 2, 28),
        status=Round.Status.STATIONED,
    )
    group = GroupFactory.create(round=round5, number=1)
    assignment = assign(group, [world.village_a2])
    inspector = UserFactory.create()
    member(group, inspector)

    problem = record_problem(assignment, inspector, found_on=date(2024, 1, 8))

    assert problem.serial == "[2023]5巡-1组-001"


def test_the_same_round_and_group_of_another_term_numbers_afresh(world: World) -> None:
    """Round 4, group 3 of a term starting in 2026 numbers from [2026]4巡-3组-001."""
    term16 = TermFactory.create(county=world.county, number=16, start_date=date(2026, 10, 1))
    round4 = RoundFactory.create(
        term=term16, number=4, start_date=date(2026, 3, 1), end_date=date(2026, 5, 31), status=Round.Status.STATIONED
    )
    group = GroupFactory.create(round=round4, number=3)
    assignment = assign(group, [world.village_a2])
    inspector = UserFactory.create()
    member(group, inspector)

    assert record_problem(assignment, inspector, found_on=date(2026, 3, 2)).serial == "[2026]4巡-3组-001"


def test_two_counties_number_their_papers_independently(world: World, group_member: User) -> None:
    """A city instance holds many counties: 兴安县's round 4, group 3 numbers its papers whatever 龙胜 has."""
    term = TermFactory.create(county=world.other_county, number=15)
    round4 = RoundFactory.create(term=term, number=4, status=Round.Status.STATIONED)
    group = GroupFactory.create(round=round4, number=3)
    assignment = assign(group, [world.other_village])
    inspector = UserFactory.create()
    member(group, inspector)
    ours = record_problem(world.assignment, group_member)

    theirs = record_problem(assignment, inspector)

    assert (ours.serial_no, theirs.serial_no) == (1, 1)
    assert Problem.objects.count() == 2


# confirm_problem


def test_confirm_problem_confirms_a_draft(world: World, group_leader: User, group_member: User) -> None:
    """The leader confirms a draft after the group meeting; who and when are kept and the move is logged."""
    problem = record_problem(world.assignment, group_member)

    confirmed = actions.confirm_problem(problem, actor=group_leader, note="组务会研究确认")

    assert problem.status == Status.CONFIRMED
    confirmed.refresh_from_db()
    assert confirmed.status == Status.CONFIRMED
    assert confirmed.confirmed_by == group_leader
    assert confirmed.confirmed_at is not None
    event = only_event("findings.problem_confirmed")
    assert event.actor == group_leader
    assert event.object_id == str(problem.pk)
    assert event.unit == world.village_a1
    assert event.before == {"status": "DRAFT"}
    assert event.after == {"status": "CONFIRMED"}
    assert event.note == "组务会研究确认"


@pytest.mark.parametrize("name", NOT_THE_LEADER)
def test_confirm_problem_is_refused_to_everyone_but_the_leader(
    world: World, request: pytest.FixtureRequest, group_member: User, name: str
) -> None:
    """Members (the deputy too) cannot confirm, nor can the office, the county or another group's leader."""
    problem = record_problem(world.assignment, group_member)

    with pytest.raises(PermissionDenied):
        actions.confirm_problem(problem, actor=persona(request, name))

    problem.refresh_from_db()
    assert (problem.status, problem.confirmed_by) == (Status.DRAFT, None)
    assert not Event.objects.filter(verb="findings.problem_confirmed").exists()


# discard_problem


def test_discard_problem_withdraws_a_draft(world: World, group_leader: User, group_member: User) -> None:
    """The leader discards a draft that did not hold up; the reason is the event's note."""
    problem = record_problem(world.assignment, group_member)

    actions.discard_problem(problem, actor=group_leader, reason="  经核实已按规定入账  ")

    problem.refresh_from_db()
    assert problem.status == Status.DISCARDED
    event = only_event("findings.problem_discarded")
    assert event.actor == group_leader
    assert event.unit == world.village_a1
    assert (event.before, event.after) == ({"status": "DRAFT"}, {"status": "DISCARDED"})
    assert event.note == "经核实已按规定入账"


def test_the_finder_may_discard_their_own_draft(world: World, group_member: User) -> None:
    """A member withdraws a draft they found themselves."""
    problem = record_problem(world.assignment, group_member)

    actions.discard_problem(problem, actor=group_member, reason="重复记录")

    problem.refresh_from_db()
    assert problem.status == Status.DISCARDED


@pytest.mark.parametrize("name", ["deputy", *NON_MEMBERS])
def test_discard_problem_is_refused_to_others(
    world: World, request: pytest.FixtureRequest, group_member: User, name: str
) -> None:
    """Another member's draft is not a member's to discard, nor anyone's outside the group but its leader."""
    problem = record_problem(world.assignment, group_member)

    with pytest.raises(PermissionDenied):
        actions.discard_problem(problem, actor=persona(request, name), reason="不属实")

    problem.refresh_from_db()
    assert problem.status == Status.DRAFT


@pytest.mark.parametrize("reason", ["", "  "])
def test_discard_problem_needs_a_reason(world: World, group_leader: User, group_member: User, reason: str) -> None:
    """A paper is not discarded without saying why."""
    problem = record_problem(world.assignment, group_member)

    with pytest.raises(Conflict):
        actions.discard_problem(problem, actor=group_leader, reason=reason)

    problem.refresh_from_db()
    assert problem.status == Status.DRAFT


# the transition table


def test_the_problem_transition_table_names_every_status() -> None:
    """Every status has an entry and the only moves are DRAFT → CONFIRMED | DISCARDED and CONFIRMED → FED_BACK."""
    assert set(actions.PROBLEM_TRANSITIONS) == set(Status.values)
    assert sorted(ALLOWED_MOVES) == sorted(
        [(Status.DRAFT, Status.CONFIRMED), (Status.DRAFT, Status.DISCARDED), (Status.CONFIRMED, Status.FED_BACK)]
    )


@pytest.mark.parametrize(("source", "target"), ALLOWED_MOVES)
def test_each_allowed_problem_move_is_made_and_logged(
    world: World, group_leader: User, source: str, target: str
) -> None:
    """Each move of PROBLEM_TRANSITIONS succeeds and is logged with the old and new status."""
    problem = ProblemFactory.create(assignment=world.assignment, status=source)

    move_problem(problem, target, group_leader)

    problem.refresh_from_db()
    assert problem.status == target
    event = only_event(f"findings.problem_{target.lower()}")
    assert (event.before, event.after) == ({"status": source}, {"status": target})


@pytest.mark.parametrize(("source", "target"), REFUSED_MOVES)
def test_every_other_problem_move_is_refused(world: World, group_leader: User, source: str, target: str) -> None:
    """Every pair not in PROBLEM_TRANSITIONS (backwards, staying put, leaving FED_BACK or DISCARDED) is refused."""
    problem = ProblemFactory.create(assignment=world.assignment, status=source)

    with pytest.raises(TransitionNotAllowed):
        move_problem(problem, target, group_leader)

    problem.refresh_from_db()
    assert problem.status == source
    assert not Event.objects.exists()


# update_problem


@pytest.mark.parametrize("name", ["group_member", "deputy", "group_leader"])
def test_update_problem_edits_a_draft_by_any_member(
    world: World, request: pytest.FixtureRequest, group_member: User, name: str
) -> None:
    """Any member edits a draft; the version goes up and the event holds the changed fields before and after."""
    problem = record_problem(world.assignment, group_member)
    actor = persona(request, name)

    updated = actions.update_problem(
        problem,
        {"category": Category.FINANCE, "basis": "《农村集体经济组织财务制度》", "source": Problem.Source.DOCUMENTS},
        expected_version=1,
        actor=actor,
        note="补充定性依据",
    )

    assert (problem.version, problem.category) == (2, Category.FINANCE)
    updated.refresh_from_db()
    assert (updated.version, updated.category, updated.basis) == (2, Category.FINANCE, "《农村集体经济组织财务制度》")
    event = only_event("findings.problem_edited")
    assert event.actor == actor
    assert event.unit == world.village_a1
    assert event.before == {"category": "ASSETS", "basis": "", "status": "DRAFT"}
    assert event.after == {"category": "FINANCE", "basis": WITHHELD}
    assert event.note == "补充定性依据"


def test_update_problem_edits_a_confirmed_paper_by_the_leader(
    world: World, group_leader: User, group_member: User
) -> None:
    """After confirmation the leader may still correct a paper, and the event keeps what it said before."""
    problem = record_problem(world.assignment, group_member)
    actions.confirm_problem(problem, actor=group_leader)

    actions.update_problem(
        problem, {"fix_type": FixType.IMMEDIATE, "found_on": date(2023, 9, 13)}, expected_version=1, actor=group_leader
    )

    problem.refresh_from_db()
    assert (problem.fix_type, problem.found_on, problem.version) == (FixType.IMMEDIATE, date(2023, 9, 13), 2)
    event = only_event("findings.problem_edited")
    assert event.before == {"fix_type": "FOLLOW_UP", "found_on": "2023-09-12", "status": "CONFIRMED"}
    assert event.after == {"fix_type": "IMMEDIATE", "found_on": "2023-09-13"}


@pytest.mark.parametrize("name", ["group_member", "deputy"])
def test_update_problem_of_a_confirmed_paper_is_refused_to_members(
    world: World, request: pytest.FixtureRequest, group_leader: User, group_member: User, name: str
) -> None:
    """A confirmed paper is the group's decision: members can no longer change it."""
    problem = record_problem(world.assignment, group_member)
    actions.confirm_problem(problem, actor=group_leader)

    with pytest.raises(PermissionDenied):
        actions.update_problem(problem, {"basis": "改"}, expected_version=1, actor=persona(request, name))

    problem.refresh_from_db()
    assert (problem.basis, problem.version) == ("", 1)
    assert not Event.objects.filter(verb="findings.problem_edited").exists()


@pytest.mark.parametrize("name", NON_MEMBERS)
def test_update_problem_is_refused_to_non_members(
    world: World, request: pytest.FixtureRequest, group_member: User, name: str
) -> None:
    """Nobody outside the group edits its drafts, not even the office."""
    problem = record_problem(world.assignment, group_member)

    with pytest.raises(PermissionDenied):
        actions.update_problem(problem, {"basis": "改"}, expected_version=1, actor=persona(request, name))

    problem.refresh_from_db()
    assert (problem.basis, problem.version) == ("", 1)


def test_update_problem_refuses_a_stale_version(world: World, group_leader: User, group_member: User) -> None:
    """Two editors start from version 1: the second save is refused instead of overwriting the first."""
    problem = record_problem(world.assignment, group_member)
    stale = Problem.objects.get(pk=problem.pk)
    actions.update_problem(problem, {"basis": "甲的依据"}, expected_version=1, actor=group_member)

    with pytest.raises(Conflict):
        actions.update_problem(
            stale, {"basis": "乙的依据", "category": "FINANCE"}, expected_version=1, actor=group_leader
        )

    problem.refresh_from_db()
    assert (problem.basis, problem.category, problem.version) == ("甲的依据", Category.ASSETS, 2)
    assert Event.objects.filter(verb="findings.problem_edited").count() == 1


def test_update_problem_accepts_the_current_version(world: World, group_member: User) -> None:
    """An editor who reloaded (version 2) saves again, giving version 3."""
    problem = record_problem(world.assignment, group_member)
    actions.update_problem(problem, {"basis": "一"}, expected_version=1, actor=group_member)

    actions.update_problem(problem, {"basis": "二"}, expected_version=2, actor=group_member)

    problem.refresh_from_db()
    assert (problem.basis, problem.version) == ("二", 3)


def test_update_problem_without_changes_writes_nothing(world: World, group_member: User) -> None:
    """Saving the same values keeps the version and logs nothing."""
    problem = record_problem(world.assignment, group_member)

    actions.update_problem(problem, {"category": Category.ASSETS}, expected_version=1, actor=group_member)

    problem.refresh_from_db()
    assert problem.version == 1
    assert not Event.objects.filter(verb="findings.problem_edited").exists()


@pytest.mark.parametrize("field", ["status", "serial", "serial_no", "version", "village", "finder", "confirmed_by"])
def test_update_problem_refuses_fields_that_are_not_editable(world: World, group_leader: User, field: str) -> None:
    """Status, numbers, version, village and people are not edited through update_problem."""
    problem = record_problem(world.assignment, group_leader)

    with pytest.raises(Conflict):
        actions.update_problem(problem, {field: "X", "basis": "改"}, expected_version=1, actor=group_leader)

    problem.refresh_from_db()
    assert (problem.status, problem.basis, problem.version) == (Status.DRAFT, "", 1)


@pytest.mark.parametrize(("field", "value"), [("category", "WEATHER"), ("source", "RUMOUR"), ("fix_type", "NEVER")])
def test_update_problem_refuses_unknown_choices(world: World, group_member: User, field: str, value: str) -> None:
    """An edit cannot put a value outside the lists."""
    problem = record_problem(world.assignment, group_member)

    with pytest.raises(Conflict):
        actions.update_problem(problem, {field: value}, expected_version=1, actor=group_member)

    problem.refresh_from_db()
    assert problem.version == 1


@pytest.mark.parametrize("status", [Status.FED_BACK, Status.DISCARDED])
def test_update_problem_refuses_fed_back_and_discarded_papers(world: World, group_leader: User, status: str) -> None:
    """A paper that was fed back or discarded is no longer edited, not even by the leader."""
    problem = ProblemFactory.create(assignment=world.assignment, status=status)

    with pytest.raises(ActionRefused):
        actions.update_problem(problem, {"basis": "改"}, expected_version=1, actor=group_leader)

    problem.refresh_from_db()
    assert (problem.basis, problem.version) == ("", 1)
    assert not Event.objects.exists()


@pytest.mark.parametrize("status", [Status.FED_BACK, Status.DISCARDED])
def test_update_problem_by_the_system_refuses_fed_back_and_discarded_papers(world: World, status: str) -> None:
    """Commands cannot edit a closed paper either: that is a wrong state."""
    problem = ProblemFactory.create(assignment=world.assignment, status=status)

    with pytest.raises(TransitionNotAllowed):
        actions.update_problem(problem, {"basis": "改"}, expected_version=1, actor=SYSTEM)


@pytest.mark.parametrize("status", [Status.FED_BACK, Status.DISCARDED])
def test_update_problem_refuses_a_closed_paper_as_a_wrong_state(world: World, group_leader: User, status: str) -> None:
    """The leader editing a fed-back or discarded paper is told it is in the wrong state, not that they lack rights."""
    problem = ProblemFactory.create(assignment=world.assignment, status=status)

    with pytest.raises(TransitionNotAllowed):
        actions.update_problem(problem, {"basis": "改"}, expected_version=1, actor=group_leader)


@pytest.mark.parametrize("phenomenon", ["", "   "])
def test_update_problem_refuses_an_empty_phenomenon(world: World, group_member: User, phenomenon: str) -> None:
    """An edit cannot blank out what was found."""
    problem = record_problem(world.assignment, group_member)

    with pytest.raises(Conflict):
        actions.update_problem(problem, {"phenomenon": phenomenon}, expected_version=1, actor=group_member)

    problem.refresh_from_db()
    assert problem.phenomenon == PHENOMENON
