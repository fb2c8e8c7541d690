"""The planning actions on assignments: assigning targets to a group in each mode (direct, township with
villages, special), the villages and stationing dates they cover, and cancelling an assignment.

Each action is checked for the state it leaves, the audit event it writes, and its refusals for a wrong role or
a wrong state.
"""

from __future__ import annotations

from datetime import date

import pytest

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.inspections import actions
from xuncha.inspections.models import Assignment, AssignmentVillage, Round
from xuncha.inspections.tests.action_helpers import (
    NON_PLANNERS,
    ROUND_FROM,
    ROUND_UNTIL,
    Status,
    only_event,
    persona,
    planned_round,
)
from xuncha.inspections.tests.factories import GroupFactory, assign

# assign_targets


def test_assign_targets_directly_covers_one_village(world: World, office: User) -> None:
    """DIRECT targets one village, covers exactly it, and the log records group, mode, villages and dates."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    assignment = actions.assign_targets(
        round_,
        group,
        Assignment.Mode.DIRECT,
        world.village_a2,
        stationed_from=date(2023, 9, 4),
        stationed_until=date(2023, 10, 31),
        actor=office,
    )

    assignment.refresh_from_db()
    assert (assignment.round, assignment.group, assignment.mode, assignment.target) == (
        round_,
        group,
        Assignment.Mode.DIRECT,
        world.village_a2,
    )
    assert (assignment.stationed_from, assignment.stationed_until) == (date(2023, 9, 4), date(2023, 10, 31))
    assert list(assignment.villages.all()) == [world.village_a2]
    assert list(AssignmentVillage.objects.filter(assignment=assignment).values_list("round", flat=True)) == [round_.pk]
    event = only_event("inspections.targets_assigned")
    assert event.actor == office
    assert (event.object_type, event.object_id) == ("inspections.assignment", str(assignment.pk))
    assert event.unit == world.village_a2
    assert event.after == {
        "group": "第一巡察组",
        "mode": "DIRECT",
        "target": world.village_a2.code,
        "villages": [world.village_a2.code],
        "topic": "",
        "stationed_from": "2023-09-04",
        "stationed_until": "2023-10-31",
    }


def test_assign_targets_directly_ignores_other_villages_given(world: World, office: User) -> None:
    """A direct inspection covers its target village only, whatever list of villages comes with it."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    assignment = actions.assign_targets(
        round_,
        group,
        Assignment.Mode.DIRECT,
        world.village_a2,
        [world.village_b1],
        stationed_from=ROUND_FROM,
        stationed_until=ROUND_UNTIL,
        actor=office,
    )

    assert list(assignment.villages.all()) == [world.village_a2]


def test_assign_targets_directly_refuses_a_township_target(world: World, office: User) -> None:
    """A direct inspection targets a village or community, not a township."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    with pytest.raises(Conflict):
        actions.assign_targets(
            round_,
            group,
            Assignment.Mode.DIRECT,
            world.township_a,
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )


def test_assign_targets_township_with_villages_covers_the_chosen_villages(world: World, office: User) -> None:
    """巡乡带村 targets a township and covers the villages of that township chosen with it."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    assignment = actions.assign_targets(
        round_,
        group,
        Assignment.Mode.TOWNSHIP_WITH_VILLAGES,
        world.township_a,
        [world.village_a2, world.community_a, world.village_a2],
        stationed_from=ROUND_FROM,
        stationed_until=ROUND_UNTIL,
        actor=office,
    )

    assert assignment.target == world.township_a
    assert set(assignment.villages.all()) == {world.village_a2, world.community_a}
    assert AssignmentVillage.objects.filter(assignment=assignment).count() == 2
    event = only_event("inspections.targets_assigned")
    assert event.unit == world.township_a
    assert event.after is not None
    assert event.after["mode"] == "TOWNSHIP_WITH_VILLAGES"
    assert event.after["target"] == world.township_a.code
    assert sorted(event.after["villages"]) == sorted([world.village_a2.code, world.community_a.code])


def test_assign_targets_township_with_villages_refuses_a_village_of_another_township(
    world: World, office: User
) -> None:
    """A township inspection brings only its own villages; the refusal names the stray village and the township."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    with pytest.raises(Conflict) as refused:
        actions.assign_targets(
            round_,
            group,
            Assignment.Mode.TOWNSHIP_WITH_VILLAGES,
            world.township_a,
            [world.village_a2, world.village_b1],
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )

    assert "乙一村" in refused.value.message
    assert "甲镇" in refused.value.message
    assert not Assignment.objects.filter(round=round_).exists()


def test_assign_targets_township_with_villages_needs_villages(world: World, office: User) -> None:
    """A township inspection without the villages it brings is refused."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    with pytest.raises(Conflict):
        actions.assign_targets(
            round_,
            group,
            Assignment.Mode.TOWNSHIP_WITH_VILLAGES,
            world.township_a,
            [],
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )


def test_assign_targets_township_with_villages_refuses_a_village_target(world: World, office: User) -> None:
    """巡乡带村 targets a township, not a village."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    with pytest.raises(Conflict):
        actions.assign_targets(
            round_,
            group,
            Assignment.Mode.TOWNSHIP_WITH_VILLAGES,
            world.village_a2,
            [world.village_a2],
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )


def test_assign_targets_special_covers_villages_of_several_townships(world: World, office: User) -> None:
    """A special inspection targets the county, keeps its topic and may cover villages of several townships."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    assignment = actions.assign_targets(
        round_,
        group,
        Assignment.Mode.SPECIAL,
        world.county,
        [world.village_a2, world.village_b1],
        topic="  集体三资管理 ",
        stationed_from=ROUND_FROM,
        stationed_until=ROUND_UNTIL,
        actor=office,
    )

    assert assignment.target == world.county
    assert assignment.topic == "集体三资管理"
    assert set(assignment.villages.all()) == {world.village_a2, world.village_b1}
    event = only_event("inspections.targets_assigned")
    assert event.unit == world.county
    assert event.after is not None
    assert event.after["topic"] == "集体三资管理"


@pytest.mark.parametrize("topic", ["", "   "])
def test_assign_targets_special_needs_a_topic(world: World, office: User, topic: str) -> None:
    """A special inspection without a topic is refused."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    with pytest.raises(Conflict):
        actions.assign_targets(
            round_,
            group,
            Assignment.Mode.SPECIAL,
            world.county,
            [world.village_a2],
            topic=topic,
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )


def test_assign_targets_special_targets_the_county(world: World, office: User) -> None:
    """A special inspection aimed at a township instead of the county is refused."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    with pytest.raises(Conflict):
        actions.assign_targets(
            round_,
            group,
            Assignment.Mode.SPECIAL,
            world.township_a,
            [world.village_a2],
            topic="产业发展",
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )


def test_assign_targets_special_needs_villages(world: World, office: User) -> None:
    """A special inspection covers at least one village."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    with pytest.raises(Conflict):
        actions.assign_targets(
            round_,
            group,
            Assignment.Mode.SPECIAL,
            world.county,
            [],
            topic="产业发展",
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )


def test_assign_targets_refuses_an_unknown_mode(world: World, office: User) -> None:
    """A mode that is none of the three is refused."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    with pytest.raises(Conflict):
        actions.assign_targets(
            round_,
            group,
            "PATROL",
            world.village_a2,
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )


@pytest.mark.parametrize("mode", [Assignment.Mode.DIRECT, Assignment.Mode.SPECIAL])
def test_assign_targets_refuses_a_village_outside_the_county(world: World, office: User, mode: str) -> None:
    """A village of another county is refused, whatever the mode, and named in the refusal."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)
    target = world.other_village if mode == Assignment.Mode.DIRECT else world.county

    with pytest.raises(Conflict) as refused:
        actions.assign_targets(
            round_,
            group,
            mode,
            target,
            [world.village_a2, world.other_village],
            topic="产业发展",
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )

    assert "丙一村" in refused.value.message
    assert not AssignmentVillage.objects.filter(village=world.other_village).exists()


def test_assign_targets_refuses_a_township_of_another_county(world: World, office: User) -> None:
    """A township inspection of another county's township and village is refused."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)
    assert world.other_village.parent is not None

    with pytest.raises(Conflict):
        actions.assign_targets(
            round_,
            group,
            Assignment.Mode.TOWNSHIP_WITH_VILLAGES,
            world.other_village.parent,
            [world.other_village],
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )


def test_assign_targets_refuses_a_township_among_the_villages(world: World, office: User) -> None:
    """Only villages and communities are covered; a township in the list of villages is refused."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    with pytest.raises(Conflict):
        actions.assign_targets(
            round_,
            group,
            Assignment.Mode.SPECIAL,
            world.county,
            [world.village_a2, world.township_b],
            topic="产业发展",
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )


@pytest.mark.parametrize(
    ("stationed_from", "stationed_until"),
    [
        (date(2023, 8, 31), date(2023, 10, 31)),
        (date(2023, 9, 1), date(2023, 12, 1)),
        (date(2023, 8, 1), date(2023, 12, 31)),
        (date(2023, 10, 1), date(2023, 9, 30)),
    ],
    ids=["starts-before-the-round", "ends-after-the-round", "around-the-round", "ends-before-it-starts"],
)
def test_assign_targets_refuses_stationing_outside_the_round(
    world: World, office: User, stationed_from: date, stationed_until: date
) -> None:
    """Stationing falls within the round's dates and does not end before it starts."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    with pytest.raises(Conflict):
        actions.assign_targets(
            round_,
            group,
            Assignment.Mode.DIRECT,
            world.village_a2,
            stationed_from=stationed_from,
            stationed_until=stationed_until,
            actor=office,
        )

    assert not Assignment.objects.filter(round=round_).exists()


def test_assign_targets_accepts_stationing_for_the_whole_round(world: World, office: User) -> None:
    """Stationing on the round's first and last days is within the round."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    assignment = actions.assign_targets(
        round_,
        group,
        Assignment.Mode.DIRECT,
        world.village_a2,
        stationed_from=ROUND_FROM,
        stationed_until=ROUND_UNTIL,
        actor=office,
    )

    assert (assignment.stationed_from, assignment.stationed_until) == (ROUND_FROM, ROUND_UNTIL)


def test_assign_targets_refuses_a_village_already_assigned_in_the_round(world: World, office: User) -> None:
    """A village is inspected by one group per round; the refusal names the village and the group holding it."""
    group = GroupFactory.create(round=world.round, number=4)

    with pytest.raises(Conflict) as refused:
        actions.assign_targets(
            world.round,
            group,
            Assignment.Mode.TOWNSHIP_WITH_VILLAGES,
            world.township_a,
            [world.village_a2, world.village_a1],
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )

    assert "甲一村" in refused.value.message
    assert "第三巡察组" in refused.value.message
    assert not group.assignments.exists()
    assert not AssignmentVillage.objects.filter(village=world.village_a2).exists()
    assert not Event.objects.exists()


def test_assign_targets_accepts_a_village_assigned_in_another_round(world: World, office: User) -> None:
    """The once-per-round rule does not reach across rounds: a village may be revisited in a later round."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    assignment = actions.assign_targets(
        round_,
        group,
        Assignment.Mode.DIRECT,
        world.village_a1,
        stationed_from=ROUND_FROM,
        stationed_until=ROUND_UNTIL,
        actor=office,
    )

    assert list(assignment.villages.all()) == [world.village_a1]


def test_assign_targets_accepts_a_stationed_round(world: World, office: User) -> None:
    """A stationed group may still take on a village."""
    assignment = actions.assign_targets(
        world.round,
        world.group,
        Assignment.Mode.DIRECT,
        world.village_a2,
        stationed_from=ROUND_FROM,
        stationed_until=ROUND_UNTIL,
        actor=office,
    )

    assert world.group.assignments.count() == 2
    assert list(assignment.villages.all()) == [world.village_a2]


@pytest.mark.parametrize("status", [Status.REPORTING, Status.FEEDBACK, Status.RECTIFYING, Status.CLOSED])
def test_assign_targets_refuses_a_round_past_stationing(world: World, office: User, status: str) -> None:
    """Once a round reports (or later, up to closed), no target is assigned."""
    Round.objects.filter(pk=world.round.pk).update(status=status)
    world.round.refresh_from_db()

    with pytest.raises(TransitionNotAllowed):
        actions.assign_targets(
            world.round,
            world.group,
            Assignment.Mode.DIRECT,
            world.village_a2,
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )

    assert not AssignmentVillage.objects.filter(village=world.village_a2).exists()


def test_assign_targets_refuses_a_group_of_another_round(world: World, office: User) -> None:
    """A group is assigned only within its own round."""
    round_ = planned_round(world)

    with pytest.raises(Conflict):
        actions.assign_targets(
            round_,
            world.group,
            Assignment.Mode.DIRECT,
            world.village_a2,
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=office,
        )


def test_assign_targets_by_the_system_is_allowed(world: World) -> None:
    """The demo and commands assign with actor=SYSTEM; the log shows the system."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    actions.assign_targets(
        round_,
        group,
        Assignment.Mode.DIRECT,
        world.village_a2,
        stationed_from=ROUND_FROM,
        stationed_until=ROUND_UNTIL,
        actor=SYSTEM,
    )

    event = only_event("inspections.targets_assigned")
    assert event.actor is None
    assert event.actor_label == "system"


@pytest.mark.parametrize("name", NON_PLANNERS)
def test_assign_targets_is_refused_to_non_planners(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Only the county's inspection office assigns targets."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    with pytest.raises(PermissionDenied):
        actions.assign_targets(
            round_,
            group,
            Assignment.Mode.DIRECT,
            world.village_a2,
            stationed_from=ROUND_FROM,
            stationed_until=ROUND_UNTIL,
            actor=persona(request, name),
        )

    assert not Assignment.objects.filter(round=round_).exists()
    assert not Event.objects.exists()


# cancel_assignment


def test_cancel_assignment_withdraws_an_assignment_of_a_planned_round(world: World, office: User) -> None:
    """A planned assignment is deleted with its villages; the log keeps group, mode, villages and the note."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)
    assignment = assign(
        group,
        [world.village_a2, world.community_a],
        mode=Assignment.Mode.TOWNSHIP_WITH_VILLAGES,
        target=world.township_a,
    )
    pk = assignment.pk

    actions.cancel_assignment(assignment, actor=office, note="调整计划")

    assert not Assignment.objects.filter(pk=pk).exists()
    assert not AssignmentVillage.objects.filter(round=round_).exists()
    event = only_event("inspections.assignment_cancelled")
    assert event.actor == office
    assert (event.object_type, event.object_id) == ("inspections.assignment", str(pk))
    assert event.unit == world.township_a
    assert event.before is not None
    assert event.before["group"] == "第一巡察组"
    assert event.before["mode"] == "TOWNSHIP_WITH_VILLAGES"
    assert sorted(event.before["villages"]) == sorted([world.village_a2.code, world.community_a.code])
    assert event.note == "调整计划"


def test_cancel_assignment_frees_the_village_for_another_group(world: World, office: User) -> None:
    """After a cancellation the village can be assigned to another group of the round."""
    round_ = planned_round(world)
    first = GroupFactory.create(round=round_, number=1)
    second = GroupFactory.create(round=round_, number=2)
    actions.cancel_assignment(assign(first, [world.village_a2]), actor=office)

    assignment = actions.assign_targets(
        round_,
        second,
        Assignment.Mode.DIRECT,
        world.village_a2,
        stationed_from=ROUND_FROM,
        stationed_until=ROUND_UNTIL,
        actor=office,
    )

    assert assignment.group == second


@pytest.mark.parametrize("status", [s for s in Status.values if s != Status.PLANNED])
def test_cancel_assignment_refuses_a_round_that_has_left_planning(world: World, office: User, status: str) -> None:
    """Only an assignment of a planned round is cancelled."""
    Round.objects.filter(pk=world.round.pk).update(status=status)
    world.assignment.refresh_from_db()

    with pytest.raises(TransitionNotAllowed):
        actions.cancel_assignment(world.assignment, actor=office)

    assert Assignment.objects.filter(pk=world.assignment.pk).exists()
    assert not Event.objects.exists()


def test_cancel_assignment_by_the_system_is_allowed(world: World) -> None:
    """A command may cancel a planned assignment (actor=SYSTEM)."""
    group = GroupFactory.create(round=planned_round(world), number=1)

    actions.cancel_assignment(assign(group, [world.village_a2]), actor=SYSTEM)

    assert only_event("inspections.assignment_cancelled").actor is None


@pytest.mark.parametrize("name", NON_PLANNERS)
def test_cancel_assignment_is_refused_to_non_planners(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Only the county's inspection office cancels an assignment."""
    group = GroupFactory.create(round=planned_round(world), number=1)
    assignment = assign(group, [world.village_a2])

    with pytest.raises(PermissionDenied):
        actions.cancel_assignment(assignment, actor=persona(request, name))

    assert Assignment.objects.filter(pk=assignment.pk).exists()
