"""The planning actions on terms and rounds: opening a term, creating a round and moving it through its states,
and an office of another county planning its own county.

Each action is checked for the state it leaves, the audit event it writes, and its refusals for a wrong role or
a wrong state.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.inspections import actions
from xuncha.inspections.models import Assignment, Round, Term
from xuncha.inspections.tests.action_helpers import (
    NON_PLANNERS,
    ROUND_FROM,
    ROUND_UNTIL,
    Status,
    only_event,
    persona,
    planned_round,
)
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, assign

PLANNERS = ["office", "office_lead"]

ALLOWED_MOVES = [
    (source, target) for source, targets in actions.ROUND_TRANSITIONS.items() for target in sorted(targets)
]
REFUSED_MOVES = [
    (source, target)
    for source, target in itertools.product(Status.values, Status.values)
    if target not in actions.ROUND_TRANSITIONS[source]
]


def round_with_assignment(world: World, status: str, number: int = 5) -> Round:
    """A round at ``status`` whose group 1 inspects 甲二村, so that no move fails for want of an assignment."""
    round_ = RoundFactory.create(term=world.term, number=number, status=status)
    assign(GroupFactory.create(round=round_, number=1), [world.village_a2])
    return round_


# open_term


@pytest.mark.parametrize("planner", PLANNERS)
def test_open_term_creates_the_term(world: World, request: pytest.FixtureRequest, planner: str) -> None:
    """The office opens a numbered term of its county and the audit log records who did, with the term's fields."""
    actor = persona(request, planner)
    term = actions.open_term(world.county, 16, "十六届县委", start_date=date(2026, 10, 1), actor=actor)

    term.refresh_from_db()
    assert (term.county, term.number, term.name, term.start_date, term.end_date) == (
        world.county,
        16,
        "十六届县委",
        date(2026, 10, 1),
        None,
    )
    event = only_event("inspections.term_opened")
    assert event.actor == actor
    assert (event.object_type, event.object_id) == ("inspections.term", str(term.pk))
    assert event.unit == world.county
    assert event.before is None
    assert event.after == {"number": 16, "name": "十六届县委", "start_date": "2026-10-01", "end_date": None}


def test_open_term_by_the_system_records_no_actor(world: World) -> None:
    """A term opened by a command (actor=SYSTEM) is allowed and logged as the system's."""
    actions.open_term(world.county, 16, "十六届县委", start_date=date(2026, 10, 1), actor=SYSTEM)

    event = only_event("inspections.term_opened")
    assert event.actor is None
    assert event.actor_label == "system"


@pytest.mark.parametrize("name", NON_PLANNERS)
def test_open_term_is_refused_to_non_planners(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Only the county's inspection office opens terms; everyone else is refused and nothing is written."""
    with pytest.raises(PermissionDenied):
        actions.open_term(world.county, 16, "十六届县委", start_date=date(2026, 10, 1), actor=persona(request, name))

    assert not Term.objects.filter(number=16).exists()
    assert not Event.objects.exists()


def test_open_term_refuses_a_duplicate_number(world: World, office: User) -> None:
    """A county has one term of each number."""
    with pytest.raises(Conflict):
        actions.open_term(world.county, 15, "十五届县委", start_date=date(2021, 10, 1), actor=office)

    assert Term.objects.filter(county=world.county).count() == 1


def test_open_term_refuses_a_township(world: World, office: User) -> None:
    """A term belongs to a county, not to a township of it."""
    with pytest.raises(Conflict):
        actions.open_term(world.township_a, 1, "某届", start_date=date(2026, 10, 1), actor=office)


def test_open_term_refuses_an_end_before_its_start(world: World, office: User) -> None:
    """A term cannot end before it starts."""
    with pytest.raises(Conflict):
        actions.open_term(
            world.county, 16, "十六届县委", start_date=date(2026, 10, 1), end_date=date(2026, 9, 30), actor=office
        )


# create_round


def test_create_round_plans_a_round(world: World, office: User) -> None:
    """A new round starts PLANNED and the log records its fields."""
    round_ = actions.create_round(
        world.term,
        5,
        kind=Round.Kind.SPECIAL,
        start_date=date(2024, 3, 1),
        end_date=date(2024, 5, 31),
        title="专项巡察",
        actor=office,
    )

    round_.refresh_from_db()
    assert (round_.term, round_.number, round_.kind, round_.status, round_.title) == (
        world.term,
        5,
        Round.Kind.SPECIAL,
        Status.PLANNED,
        "专项巡察",
    )
    event = only_event("inspections.round_created")
    assert event.actor == office
    assert event.object_id == str(round_.pk)
    assert event.unit == world.county
    assert event.after == {
        "number": 5,
        "kind": "SPECIAL",
        "title": "专项巡察",
        "start_date": "2024-03-01",
        "end_date": "2024-05-31",
        "status": "PLANNED",
    }


def test_create_round_by_the_system_is_allowed(world: World) -> None:
    """The demo and commands plan rounds with actor=SYSTEM."""
    actions.create_round(world.term, 5, start_date=date(2024, 3, 1), end_date=date(2024, 5, 31), actor=SYSTEM)

    assert only_event("inspections.round_created").actor is None


@pytest.mark.parametrize("name", NON_PLANNERS)
def test_create_round_is_refused_to_non_planners(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Only the county's inspection office plans rounds."""
    with pytest.raises(PermissionDenied):
        actions.create_round(
            world.term, 5, start_date=date(2024, 3, 1), end_date=date(2024, 5, 31), actor=persona(request, name)
        )

    assert not Round.objects.filter(number=5).exists()
    assert not Event.objects.exists()


def test_create_round_refuses_a_duplicate_number(world: World, office: User) -> None:
    """A term has one round of each number."""
    with pytest.raises(Conflict):
        actions.create_round(world.term, 4, start_date=date(2024, 3, 1), end_date=date(2024, 5, 31), actor=office)


def test_create_round_refuses_an_end_before_its_start(world: World, office: User) -> None:
    """A round cannot end before it starts."""
    with pytest.raises(Conflict):
        actions.create_round(world.term, 5, start_date=date(2024, 3, 1), end_date=date(2024, 2, 29), actor=office)

    assert not Round.objects.filter(number=5).exists()


# move_round


@pytest.mark.parametrize(("source", "target"), ALLOWED_MOVES)
def test_move_round_follows_each_allowed_transition(world: World, office: User, source: str, target: str) -> None:
    """Each move of ROUND_TRANSITIONS is allowed and logged with the old and new status and the note."""
    round_ = round_with_assignment(world, source)

    moved = actions.move_round(round_, target, actor=office, note="按计划推进")

    assert moved.status == target
    assert round_.status == target
    round_.refresh_from_db()
    assert round_.status == target
    event = only_event("inspections.round_status_changed")
    assert event.actor == office
    assert event.object_id == str(round_.pk)
    assert event.unit == world.county
    assert event.before == {"status": source}
    assert event.after == {"status": target}
    assert event.note == "按计划推进"


@pytest.mark.parametrize(("source", "target"), REFUSED_MOVES)
def test_move_round_refuses_every_other_transition(world: World, office: User, source: str, target: str) -> None:
    """Any move outside ROUND_TRANSITIONS (backwards, skipping, staying put, leaving CLOSED) is refused."""
    round_ = round_with_assignment(world, source)

    with pytest.raises(TransitionNotAllowed):
        actions.move_round(round_, target, actor=office)

    round_.refresh_from_db()
    assert round_.status == source
    assert not Event.objects.exists()


def test_the_transition_table_names_every_status() -> None:
    """Every status has an entry in ROUND_TRANSITIONS and the life of a round is a single line to CLOSED."""
    assert set(actions.ROUND_TRANSITIONS) == set(Status.values)
    assert ALLOWED_MOVES == [
        (Status.PLANNED, Status.STATIONED),
        (Status.STATIONED, Status.REPORTING),
        (Status.REPORTING, Status.FEEDBACK),
        (Status.FEEDBACK, Status.RECTIFYING),
        (Status.RECTIFYING, Status.CLOSED),
    ]


def test_move_round_to_stationed_requires_an_assignment(world: World, office: User) -> None:
    """Groups cannot be stationed before a village is assigned."""
    round_ = planned_round(world)
    GroupFactory.create(round=round_, number=1)

    with pytest.raises(Conflict):
        actions.move_round(round_, Status.STATIONED, actor=office)

    round_.refresh_from_db()
    assert round_.status == Status.PLANNED
    assert not Event.objects.exists()


def test_move_round_by_the_system_is_allowed(world: World) -> None:
    """A command may move a round (actor=SYSTEM)."""
    actions.move_round(world.round, Status.REPORTING, actor=SYSTEM)

    world.round.refresh_from_db()
    assert world.round.status == Status.REPORTING
    assert only_event("inspections.round_status_changed").actor is None


@pytest.mark.parametrize("name", NON_PLANNERS)
def test_move_round_is_refused_to_non_planners(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Only the county's inspection office moves a round along."""
    with pytest.raises(PermissionDenied):
        actions.move_round(world.round, Status.REPORTING, actor=persona(request, name))

    world.round.refresh_from_db()
    assert world.round.status == Status.STATIONED
    assert not Event.objects.exists()


def test_move_round_refuses_an_unknown_status(world: World, office: User) -> None:
    """A status that does not exist is refused as a transition that is not allowed, not with a crash."""
    with pytest.raises(TransitionNotAllowed):
        actions.move_round(world.round, "ARCHIVED", actor=office)


# an office of another county plans its own county, not this one


def test_an_office_plans_only_in_its_own_county(world: World, outsider: User) -> None:
    """The office of 兴安县, refused in 龙胜 (above), opens terms, plans rounds and assigns villages in 兴安."""
    term = actions.open_term(world.other_county, 1, "兴安十五届", start_date=date(2021, 10, 1), actor=outsider)
    round_ = actions.create_round(term, 1, start_date=ROUND_FROM, end_date=ROUND_UNTIL, actor=outsider)
    group = actions.form_group(round_, 1, actor=outsider)

    assignment = actions.assign_targets(
        round_,
        group,
        Assignment.Mode.DIRECT,
        world.other_village,
        stationed_from=ROUND_FROM,
        stationed_until=ROUND_UNTIL,
        actor=outsider,
    )

    assert assignment.round.term.county == world.other_county
    assert Event.objects.filter(actor=outsider).count() == 4
