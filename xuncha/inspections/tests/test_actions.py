"""The planning actions: terms, rounds and their states, groups and members, assignments and their cancellation.

Each action is checked for the state it leaves, the audit event it writes, and its refusals for a wrong role or
a wrong state. Declaring and withdrawing ties are covered in ``test_recusals``.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from xuncha.accounts.models import User
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.inspections import actions
from xuncha.inspections.models import Assignment, AssignmentVillage, InspectionGroup, Membership, Round, Term
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, assign

Status = Round.Status

# Personas who may read some of the county but never plan in it; ``outsider`` is the office of another county.
NON_PLANNERS = ["township_user", "village_user", "group_member", "group_leader", "leader", "discipline", "outsider"]
PLANNERS = ["office", "office_lead"]

ALLOWED_MOVES = [
    (source, target) for source, targets in actions.ROUND_TRANSITIONS.items() for target in sorted(targets)
]
REFUSED_MOVES = [
    (source, target)
    for source, target in itertools.product(Status.values, Status.values)
    if target not in actions.ROUND_TRANSITIONS[source]
]
ROUND_FROM = date(2023, 9, 1)
ROUND_UNTIL = date(2023, 11, 30)


def persona(request: pytest.FixtureRequest, name: str) -> User:
    user: User = request.getfixturevalue(name)
    return user


def planned_round(world: World, number: int = 5) -> Round:
    """A planned round of the world's term, with the same dates as round 4."""
    return RoundFactory.create(term=world.term, number=number, start_date=ROUND_FROM, end_date=ROUND_UNTIL)


def round_with_assignment(world: World, status: str, number: int = 5) -> Round:
    """A round at ``status`` whose group 1 inspects 甲二村, so that no move fails for want of an assignment."""
    round_ = RoundFactory.create(term=world.term, number=number, status=status)
    assign(GroupFactory.create(round=round_, number=1), [world.village_a2])
    return round_


def only_event(verb: str) -> Event:
    return Event.objects.get(verb=verb)


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
    """A term opened by a command (actor=None) is allowed and logged as the system's."""
    actions.open_term(world.county, 16, "十六届县委", start_date=date(2026, 10, 1), actor=None)

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
    """The demo and commands plan rounds with actor=None."""
    actions.create_round(world.term, 5, start_date=date(2024, 3, 1), end_date=date(2024, 5, 31), actor=None)

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
    """A command may move a round (actor=None)."""
    actions.move_round(world.round, Status.REPORTING, actor=None)

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


# form_group


def test_form_group_forms_a_numbered_group_with_its_default_name(world: World, office: User) -> None:
    """A group without a name is called 第N巡察组 and the log records its number and name."""
    round_ = planned_round(world)

    group = actions.form_group(round_, 2, actor=office)

    assert (group.round, group.number, group.name) == (round_, 2, "第二巡察组")
    assert not group.memberships.exists()
    event = only_event("inspections.group_formed")
    assert event.actor == office
    assert (event.object_type, event.object_id) == ("inspections.inspectiongroup", str(group.pk))
    assert event.unit == world.county
    assert event.after == {"number": 2, "name": "第二巡察组"}


def test_form_group_with_a_leader_makes_them_its_leader(world: World, office: User) -> None:
    """A leader named when the group is formed joins it as LEADER, with its own member_added event."""
    round_ = planned_round(world)
    chief = UserFactory.create()

    group = actions.form_group(round_, 1, name="第一巡察组（乡镇）", leader=chief, actor=office)

    assert group.name == "第一巡察组（乡镇）"
    assert list(group.memberships.values_list("user", "role")) == [(chief.pk, Membership.GroupRole.LEADER)]
    assert only_event("inspections.member_added").after == {
        "group": "第一巡察组（乡镇）",
        "user": chief.username,
        "role": "LEADER",
    }


def test_form_group_is_undone_when_its_leader_cannot_join(world: World, office: User, group_member: User) -> None:
    """A leader who already serves in another group of the round is refused, and the group is not formed."""
    with pytest.raises(Conflict):
        actions.form_group(world.round, 1, leader=group_member, actor=office)

    assert not InspectionGroup.objects.filter(round=world.round, number=1).exists()
    assert not Event.objects.exists()


def test_form_group_refuses_a_duplicate_number(world: World, office: User) -> None:
    """A round has one group of each number."""
    with pytest.raises(Conflict):
        actions.form_group(world.round, 3, actor=office)


def test_form_group_refuses_a_closed_round(world: World, office: User) -> None:
    """No group is formed in a closed round."""
    round_ = RoundFactory.create(term=world.term, number=5, status=Status.CLOSED)

    with pytest.raises(TransitionNotAllowed):
        actions.form_group(round_, 1, actor=office)

    assert not round_.groups.exists()


@pytest.mark.parametrize("name", NON_PLANNERS)
def test_form_group_is_refused_to_non_planners(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Only the county's inspection office forms groups."""
    round_ = planned_round(world)

    with pytest.raises(PermissionDenied):
        actions.form_group(round_, 1, actor=persona(request, name))

    assert not round_.groups.exists()


# add_member and remove_member


def test_add_member_puts_a_person_in_the_group(world: World, office: User) -> None:
    """A person joins a group with a role; the log names the group, the person and the role."""
    person = UserFactory.create()

    membership = actions.add_member(world.group, person, Membership.GroupRole.DEPUTY, actor=office)

    assert Membership.objects.get(group=world.group, user=person).role == Membership.GroupRole.DEPUTY
    event = only_event("inspections.member_added")
    assert event.actor == office
    assert (event.object_type, event.object_id) == ("inspections.membership", str(membership.pk))
    assert event.unit == world.county
    assert event.after == {"group": "第三巡察组", "user": person.username, "role": "DEPUTY"}


def test_add_member_refuses_a_person_already_in_the_group(world: World, office: User, group_member: User) -> None:
    """A person is in a group once."""
    with pytest.raises(Conflict):
        actions.add_member(world.group, group_member, Membership.GroupRole.DEPUTY, actor=office)


def test_add_member_refuses_a_second_leader(world: World, office: User, group_leader: User) -> None:
    """A group has one leader."""
    with pytest.raises(Conflict):
        actions.add_member(world.group, UserFactory.create(), Membership.GroupRole.LEADER, actor=office)

    assert world.group.memberships.filter(role=Membership.GroupRole.LEADER).get().user == group_leader


def test_add_member_refuses_a_person_serving_in_another_group_of_the_round(
    world: World, office: User, group_member: User
) -> None:
    """A person serves in one group of a round."""
    other = GroupFactory.create(round=world.round, number=4)

    with pytest.raises(Conflict):
        actions.add_member(other, group_member, Membership.GroupRole.MEMBER, actor=office)

    assert not other.memberships.exists()


def test_add_member_accepts_a_person_from_a_group_of_another_round(
    world: World, office: User, group_member: User
) -> None:
    """Serving in a group of another round does not keep a person out."""
    group = GroupFactory.create(round=planned_round(world), number=1)

    actions.add_member(group, group_member, Membership.GroupRole.MEMBER, actor=office)

    assert group.memberships.filter(user=group_member).exists()


@pytest.mark.parametrize("name", NON_PLANNERS)
def test_add_member_is_refused_to_non_planners(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Only the county's inspection office changes a group, not even its leader."""
    person = UserFactory.create()

    with pytest.raises(PermissionDenied):
        actions.add_member(world.group, person, Membership.GroupRole.MEMBER, actor=persona(request, name))

    assert not world.group.memberships.filter(user=person).exists()


def test_remove_member_takes_a_person_out_of_the_group(world: World, office: User, group_member: User) -> None:
    """A removed membership is gone and the log keeps who it was."""
    membership = Membership.objects.get(group=world.group, user=group_member)
    pk = membership.pk

    actions.remove_member(membership, actor=office)

    assert not Membership.objects.filter(pk=pk).exists()
    event = only_event("inspections.member_removed")
    assert event.actor == office
    assert (event.object_type, event.object_id) == ("inspections.membership", str(pk))
    assert event.unit == world.county
    assert event.before == {"group": "第三巡察组", "user": group_member.username, "role": "MEMBER"}
    assert event.after is None


@pytest.mark.parametrize("name", ["township_user", "village_user", "group_leader", "leader", "outsider"])
def test_remove_member_is_refused_to_non_planners(
    world: World, request: pytest.FixtureRequest, group_member: User, name: str
) -> None:
    """Only the county's inspection office removes a member, not even the group's leader."""
    membership = Membership.objects.get(group=world.group, user=group_member)

    with pytest.raises(PermissionDenied):
        actions.remove_member(membership, actor=persona(request, name))

    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not Event.objects.exists()


def test_remove_member_refuses_the_member_themselves(world: World, group_member: User) -> None:
    """A member cannot take themselves out of a group."""
    membership = Membership.objects.get(group=world.group, user=group_member)

    with pytest.raises(PermissionDenied):
        actions.remove_member(membership, actor=group_member)

    assert Membership.objects.filter(pk=membership.pk).exists()


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
    """The demo and commands assign with actor=None; the log shows the system."""
    round_ = planned_round(world)
    group = GroupFactory.create(round=round_, number=1)

    actions.assign_targets(
        round_,
        group,
        Assignment.Mode.DIRECT,
        world.village_a2,
        stationed_from=ROUND_FROM,
        stationed_until=ROUND_UNTIL,
        actor=None,
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
    """A command may cancel a planned assignment (actor=None)."""
    group = GroupFactory.create(round=planned_round(world), number=1)

    actions.cancel_assignment(assign(group, [world.village_a2]), actor=None)

    assert only_event("inspections.assignment_cancelled").actor is None


@pytest.mark.parametrize("name", NON_PLANNERS)
def test_cancel_assignment_is_refused_to_non_planners(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Only the county's inspection office cancels an assignment."""
    group = GroupFactory.create(round=planned_round(world), number=1)
    assignment = assign(group, [world.village_a2])

    with pytest.raises(PermissionDenied):
        actions.cancel_assignment(assignment, actor=persona(request, name))

    assert Assignment.objects.filter(pk=assignment.pk).exists()


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
