"""Residents' suggestions (意见建议): recording them, and the leader's decision, which adopts a suggestion as a new
draft paper, links it to an existing one, or explains why it is not adopted."""

from __future__ import annotations

from datetime import date

import pytest

from xuncha.accounts.actors import SYSTEM, Actor
from xuncha.accounts.models import User
from xuncha.audit.actions import WITHHELD
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.findings import actions
from xuncha.findings.models import Category, FixType, Problem, Suggestion
from xuncha.findings.tests.factories import (
    ProblemFactory,
    only_event,
    persona,
    record_problem,
    set_round_status,
)
from xuncha.inspections.models import Assignment, Round
from xuncha.inspections.tests.factories import GroupFactory, assign
from xuncha.organisations.models import AdminUnit

Outcome = Suggestion.Outcome
Topic = Suggestion.Topic
TEXT = "建议村里牵头成立罗汉果种植合作社，统一收购，解决销路问题。"
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
NOT_RECORDING = [s for s in Round.Status.values if s not in (Round.Status.STATIONED, Round.Status.REPORTING)]


def record(
    assignment: Assignment,
    actor: Actor,
    *,
    village: AdminUnit | None = None,
    topic: str = Topic.INDUSTRY,
    text: str = TEXT,
    recorded_by: User | None = None,
) -> Suggestion:
    return actions.record_suggestion(
        assignment,
        village or assignment.target,
        topic=topic,
        text=text,
        proposer=" 种植大户 ",
        received_on=date(2023, 9, 10),
        recorded_by=recorded_by,
        actor=actor,
    )


@pytest.fixture
def suggestion(world: World, group_member: User) -> Suggestion:
    """An industry suggestion of 甲一村, recorded by a member of group 3 on 10 September 2023."""
    return record(world.assignment, group_member)


# record_suggestion


def test_record_suggestion_keeps_the_suggestion(world: World, group_member: User) -> None:
    """A member records a suggestion, undecided; the event holds topic, text, proposer and date."""
    suggestion = record(world.assignment, group_member, text=f"  {TEXT} ")

    suggestion.refresh_from_db()
    assert (suggestion.assignment, suggestion.village, suggestion.topic) == (
        world.assignment,
        world.village_a1,
        Topic.INDUSTRY,
    )
    assert (suggestion.text, suggestion.proposer, suggestion.received_on) == (TEXT, "种植大户", date(2023, 9, 10))
    assert suggestion.recorded_by == group_member
    assert (suggestion.outcome, suggestion.problem, suggestion.decided_by) == ("", None, None)
    event = only_event("findings.suggestion_recorded")
    assert event.actor == group_member
    assert (event.object_type, event.object_id) == ("findings.suggestion", str(suggestion.pk))
    assert event.unit == world.village_a1
    assert event.before is None
    assert event.after == {"topic": "INDUSTRY", "text": WITHHELD, "proposer": "种植大户", "received_on": "2023-09-10"}


def test_record_suggestion_by_the_system_needs_a_recorder(world: World, group_member: User) -> None:
    """A command (actor=SYSTEM) names who recorded the suggestion."""
    with pytest.raises(Conflict):
        record(world.assignment, SYSTEM)

    assert record(world.assignment, SYSTEM, recorded_by=group_member).recorded_by == group_member


@pytest.mark.parametrize("name", NON_MEMBERS)
def test_record_suggestion_is_refused_to_non_members(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Only members of the group record its suggestions."""
    with pytest.raises(PermissionDenied):
        record(world.assignment, persona(request, name))

    assert not Suggestion.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.parametrize("status", NOT_RECORDING)
def test_record_suggestion_is_refused_outside_stationing_and_reporting(
    world: World, group_member: User, status: str
) -> None:
    """A planned or closed round (or one past reporting) takes no suggestions."""
    assignment = set_round_status(world.assignment, status)

    with pytest.raises(TransitionNotAllowed):
        record(assignment, group_member)

    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("village", ["village_a2", "other_village"])
def test_record_suggestion_refuses_a_village_the_assignment_does_not_cover(
    world: World, group_member: User, village: str
) -> None:
    """A suggestion belongs to a village the group inspects."""
    with pytest.raises(Conflict):
        record(world.assignment, group_member, village=getattr(world, village))


def test_record_suggestion_refuses_an_unknown_topic(world: World, group_member: User) -> None:
    """The topic is one of the list."""
    with pytest.raises(Conflict):
        record(world.assignment, group_member, topic="TOURISM")


@pytest.mark.parametrize("text", ["", "   "])
def test_record_suggestion_refuses_an_empty_text(world: World, group_member: User, text: str) -> None:
    """A suggestion says something."""
    with pytest.raises(Conflict):
        record(world.assignment, group_member, text=text)


# decide_suggestion: adopting


@pytest.mark.parametrize("outcome", [Outcome.IMMEDIATE, Outcome.FOLLOW_UP])
def test_adopting_a_suggestion_writes_a_draft_paper(
    world: World, group_leader: User, group_member: User, suggestion: Suggestion, outcome: str
) -> None:
    """Adopting writes a DRAFT of source SUGGESTION with the topic's category and the outcome as fix type."""
    decided = actions.decide_suggestion(suggestion, outcome, actor=group_leader, note="采纳")

    problem = Problem.objects.get()
    assert (problem.status, problem.source, problem.category, problem.fix_type) == (
        Problem.Status.DRAFT,
        Problem.Source.SUGGESTION,
        Category.INDUSTRY,
        outcome,
    )
    assert (problem.assignment, problem.village, problem.phenomenon) == (world.assignment, world.village_a1, TEXT)
    assert (problem.found_on, problem.finder, problem.serial) == (date(2023, 9, 10), group_leader, "[2023]4巡-3组-001")
    decided.refresh_from_db()
    assert (decided.outcome, decided.outcome_note, decided.problem) == (outcome, "采纳", problem)
    assert decided.decided_by == group_leader
    assert decided.decided_at is not None
    assert (suggestion.outcome, suggestion.problem) == (outcome, problem)
    event = only_event("findings.suggestion_decided")
    assert event.actor == group_leader
    assert event.object_id == str(suggestion.pk)
    assert event.unit == world.village_a1
    assert event.after == {"outcome": outcome, "problem": "[2023]4巡-3组-001", "note": WITHHELD}
    assert only_event("findings.problem_recorded").after["source"] == "SUGGESTION"  # type: ignore[index]


@pytest.mark.parametrize("topic", Topic.values)
def test_an_adopted_suggestion_takes_the_category_of_its_topic(
    world: World, group_leader: User, group_member: User, topic: str
) -> None:
    """Each topic maps to the category of TOPIC_CATEGORY, and that category is a known one."""
    suggestion = record(world.assignment, group_member, topic=topic)

    actions.decide_suggestion(suggestion, Outcome.FOLLOW_UP, actor=group_leader)

    category = Problem.objects.get().category
    assert category == actions.TOPIC_CATEGORY[Topic(topic)]
    assert category in Category.values


def test_the_fix_types_of_the_adopting_outcomes_exist() -> None:
    """Adopting outcomes are also rectification types, since the new paper takes the outcome as its fix type."""
    assert {Outcome.IMMEDIATE, Outcome.FOLLOW_UP} <= set(FixType.values)


def test_adopting_by_the_system_makes_the_recorder_the_finder(
    world: World, group_member: User, suggestion: Suggestion
) -> None:
    """A command adopting a suggestion names the member who recorded it as finder of the new paper."""
    actions.decide_suggestion(suggestion, Outcome.FOLLOW_UP, actor=SYSTEM)

    assert Problem.objects.get().finder == group_member
    assert only_event("findings.suggestion_decided").actor is None


def test_adopting_links_an_existing_problem_of_the_assignment(
    world: World, group_leader: User, group_member: User, suggestion: Suggestion
) -> None:
    """A suggestion about something already on paper is linked to it; no new paper is written."""
    problem = record_problem(world.assignment, group_member)

    actions.decide_suggestion(suggestion, Outcome.FOLLOW_UP, actor=group_leader, problem=problem)

    suggestion.refresh_from_db()
    assert suggestion.problem == problem
    assert Problem.objects.count() == 1
    assert only_event("findings.suggestion_decided").after == {
        "outcome": "FOLLOW_UP",
        "problem": "[2023]4巡-3组-001",
        "note": "",
    }


def test_adopting_refuses_a_problem_of_another_assignment(
    world: World, group_leader: User, suggestion: Suggestion
) -> None:
    """The linked paper must be of the suggestion's assignment."""
    group4 = GroupFactory.create(round=world.round, number=4)
    elsewhere = ProblemFactory.create(assignment=assign(group4, [world.village_b1]))

    with pytest.raises(Conflict):
        actions.decide_suggestion(suggestion, Outcome.FOLLOW_UP, actor=group_leader, problem=elsewhere)

    suggestion.refresh_from_db()
    assert (suggestion.outcome, suggestion.problem) == ("", None)
    assert not Event.objects.filter(verb="findings.suggestion_decided").exists()


# decide_suggestion: not adopting, refusals


def test_not_adopting_needs_and_keeps_a_reason(group_leader: User, suggestion: Suggestion) -> None:
    """A suggestion not adopted keeps the reason and leads to no paper, even if one was passed."""
    stray = ProblemFactory.create(assignment=suggestion.assignment)

    actions.decide_suggestion(
        suggestion, Outcome.NOT_ADOPTED, actor=group_leader, note=" 属县级规划事项，已转县发改局 ", problem=stray
    )

    suggestion.refresh_from_db()
    assert (suggestion.outcome, suggestion.outcome_note, suggestion.problem) == (
        Outcome.NOT_ADOPTED,
        "属县级规划事项，已转县发改局",
        None,
    )
    assert Problem.objects.count() == 1
    assert only_event("findings.suggestion_decided").after == {
        "outcome": "NOT_ADOPTED",
        "problem": None,
        "note": WITHHELD,
    }


@pytest.mark.parametrize("note", ["", "   "])
def test_not_adopting_without_a_reason_is_refused(group_leader: User, suggestion: Suggestion, note: str) -> None:
    """Not adopting a suggestion is explained."""
    with pytest.raises(Conflict):
        actions.decide_suggestion(suggestion, Outcome.NOT_ADOPTED, actor=group_leader, note=note)

    suggestion.refresh_from_db()
    assert suggestion.outcome == ""


@pytest.mark.parametrize("outcome", Outcome.values)
def test_deciding_twice_is_refused(group_leader: User, suggestion: Suggestion, outcome: str) -> None:
    """A decided suggestion stays decided; deciding it again writes no second paper."""
    actions.decide_suggestion(suggestion, Outcome.FOLLOW_UP, actor=group_leader)

    with pytest.raises(TransitionNotAllowed):
        actions.decide_suggestion(suggestion, outcome, actor=group_leader, note="改变主意")

    suggestion.refresh_from_db()
    assert suggestion.outcome == Outcome.FOLLOW_UP
    assert Problem.objects.count() == 1
    assert Event.objects.filter(verb="findings.suggestion_decided").count() == 1


def test_an_unknown_outcome_is_refused(group_leader: User, suggestion: Suggestion) -> None:
    """The outcome is one of the list."""
    with pytest.raises(Conflict):
        actions.decide_suggestion(suggestion, "LATER", actor=group_leader)

    assert not Problem.objects.exists()


@pytest.mark.parametrize("name", ["group_member", *NON_MEMBERS])
def test_deciding_is_refused_to_everyone_but_the_leader(
    request: pytest.FixtureRequest, suggestion: Suggestion, name: str
) -> None:
    """Only the group leader decides suggestions; members and outsiders are refused and nothing is written."""
    with pytest.raises(PermissionDenied):
        actions.decide_suggestion(suggestion, Outcome.FOLLOW_UP, actor=persona(request, name))

    suggestion.refresh_from_db()
    assert suggestion.outcome == ""
    assert not Problem.objects.exists()
