"""Recusals (回避): declaring and withdrawing ties, and the assignments and memberships a tie forbids.

A tie to a village or township bars its holder from every village of the same township and from the township.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied
from xuncha.inspections import actions
from xuncha.inspections.models import Assignment, InspectionGroup, Membership, Recusal, Round
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, member
from xuncha.organisations.models import AdminUnit

BLOCKING_TIES = [Recusal.Tie.HOME, Recusal.Tie.RELATIVE, Recusal.Tie.FORMER_POST]
ROUND_FROM = date(2023, 9, 1)
ROUND_UNTIL = date(2023, 11, 30)


def persona(request: pytest.FixtureRequest, name: str) -> User:
    user: User = request.getfixturevalue(name)
    return user


def tie(user: User, unit: AdminUnit, kind: str = Recusal.Tie.HOME, detail: str = "") -> Recusal:
    """A tie written directly (tests of ``declare_recusal`` go through the action)."""
    return Recusal.objects.create(user=user, unit=unit, tie=kind, detail=detail)


def planned_group(world: World, *people: User) -> InspectionGroup:
    """Group 1 of a planned round 5 of the world's term, with ``people`` as members (the first as leader)."""
    round_ = RoundFactory.create(term=world.term, number=5, start_date=ROUND_FROM, end_date=ROUND_UNTIL)
    group = GroupFactory.create(round=round_, number=1)
    for index, person in enumerate(people):
        member(group, person, Membership.GroupRole.LEADER if index == 0 else Membership.GroupRole.MEMBER)
    return group


def assign_to(
    group: InspectionGroup, mode: str, target: AdminUnit, villages: Sequence[AdminUnit] = (), topic: str = ""
) -> Assignment:
    return actions.assign_targets(
        group.round,
        group,
        mode,
        target,
        villages,
        topic=topic,
        stationed_from=ROUND_FROM,
        stationed_until=ROUND_UNTIL,
        actor=SYSTEM,
    )


def targets(world: World, where: str) -> tuple[str, AdminUnit, list[AdminUnit]]:
    """An assignment of 甲镇 (mode, target, villages): its village 甲一村, its village 甲二村, or the township."""
    if where == "the-tied-village":
        return Assignment.Mode.DIRECT, world.village_a1, []
    if where == "another-village-of-the-township":
        return Assignment.Mode.DIRECT, world.village_a2, []
    if where == "the-township":
        return Assignment.Mode.TOWNSHIP_WITH_VILLAGES, world.township_a, [world.community_a]
    return Assignment.Mode.SPECIAL, world.county, [world.village_b1, world.community_a]


PLACES = ["the-tied-village", "another-village-of-the-township", "the-township", "a-special-inspection-reaching-it"]


# assign_targets refuses a group with a tie in the township


@pytest.mark.parametrize("kind", BLOCKING_TIES)
@pytest.mark.parametrize("where", PLACES)
def test_assignment_is_refused_for_a_member_tied_to_the_township(world: World, kind: str, where: str) -> None:
    """A member's tie to 甲一村 bars the group from 甲一村, from any village of 甲镇 and from 甲镇 itself; the
    refusal names the member, the tie and the township, and nothing is written."""
    inspector = UserFactory.create(display_name="李四")
    group = planned_group(world, UserFactory.create(), inspector)
    tie(inspector, world.village_a1, kind, detail="其兄任村委会主任")
    mode, target, villages = targets(world, where)

    with pytest.raises(Conflict) as refused:
        assign_to(group, mode, target, villages, topic="产业发展")

    message = refused.value.message
    assert "李四" in message
    assert str(Recusal.Tie(kind).label) in message
    assert "其兄任村委会主任" in message
    assert "甲镇" in message
    assert "第一巡察组" in message
    assert not Assignment.objects.filter(round=group.round).exists()
    assert not Event.objects.exists()


@pytest.mark.parametrize("where", PLACES)
def test_assignment_is_refused_for_a_member_tied_to_the_township_itself(world: World, where: str) -> None:
    """A tie declared to the township 甲镇 bars the group from the township and from each of its villages."""
    inspector = UserFactory.create(display_name="王五")
    group = planned_group(world, inspector)
    tie(inspector, world.township_a, Recusal.Tie.FORMER_POST)
    mode, target, villages = targets(world, where)

    with pytest.raises(Conflict) as refused:
        assign_to(group, mode, target, villages, topic="产业发展")

    assert "王五" in refused.value.message
    assert "甲镇" in refused.value.message
    assert str(Recusal.Tie.FORMER_POST.label) in refused.value.message


def test_the_refusal_names_the_members_role_in_the_group(world: World) -> None:
    """The member is named with their role in the group, so that the office knows whom to replace."""
    leader = UserFactory.create(display_name="组长甲")
    group = planned_group(world, leader)
    tie(leader, world.village_a2, Recusal.Tie.RELATIVE)

    with pytest.raises(Conflict) as refused:
        assign_to(group, Assignment.Mode.DIRECT, world.village_a1)

    assert "组长甲" in refused.value.message
    assert str(Membership.GroupRole.LEADER.label) in refused.value.message


@pytest.mark.parametrize("kind", BLOCKING_TIES)
def test_a_tie_in_another_township_does_not_block(world: World, kind: str) -> None:
    """A tie to 乙一村 (乙镇) leaves 甲镇 open to the group."""
    inspector = UserFactory.create()
    group = planned_group(world, inspector)
    tie(inspector, world.village_b1, kind)

    assignment = assign_to(group, Assignment.Mode.DIRECT, world.village_a2)

    assert list(assignment.villages.all()) == [world.village_a2]


def test_a_tie_of_someone_outside_the_group_does_not_block(world: World) -> None:
    """Only the ties of the group's own members count."""
    group = planned_group(world, UserFactory.create())
    tie(UserFactory.create(), world.village_a2)

    assignment = assign_to(group, Assignment.Mode.DIRECT, world.village_a2)

    assert assignment.target == world.village_a2


def test_a_special_inspection_avoiding_the_township_is_accepted(world: World) -> None:
    """A special inspection of villages outside the tied township is allowed although its target is the county."""
    inspector = UserFactory.create()
    group = planned_group(world, inspector)
    tie(inspector, world.township_a)

    assignment = assign_to(group, Assignment.Mode.SPECIAL, world.county, [world.village_b1], topic="产业发展")

    assert list(assignment.villages.all()) == [world.village_b1]


# add_member refuses a person tied to a place the group is assigned to


@pytest.mark.parametrize("kind", BLOCKING_TIES)
@pytest.mark.parametrize("where", PLACES)
def test_adding_a_member_tied_to_an_assigned_township_is_refused(world: World, kind: str, where: str) -> None:
    """A person tied to 甲一村 cannot join a group already assigned in 甲镇; the refusal names them, the tie and
    the township, and they do not join."""
    group = planned_group(world, UserFactory.create())
    mode, target, villages = targets(world, where)
    assign_to(group, mode, target, villages, topic="产业发展")
    newcomer = UserFactory.create(display_name="赵六")
    tie(newcomer, world.village_a1, kind)

    with pytest.raises(Conflict) as refused:
        actions.add_member(group, newcomer, Membership.GroupRole.MEMBER, actor=SYSTEM)

    message = refused.value.message
    assert "赵六" in message
    assert str(Recusal.Tie(kind).label) in message
    assert "甲镇" in message
    assert not group.memberships.filter(user=newcomer).exists()
    assert not Event.objects.filter(verb="inspections.member_added").exists()


def test_adding_a_member_tied_to_another_township_is_accepted(world: World, office: User) -> None:
    """A tie in 乙镇 does not keep a person out of a group assigned in 甲镇."""
    newcomer = UserFactory.create()
    tie(newcomer, world.village_b1, Recusal.Tie.RELATIVE)

    actions.add_member(world.group, newcomer, Membership.GroupRole.MEMBER, actor=office)

    assert world.group.memberships.filter(user=newcomer).exists()


def test_adding_a_tied_member_to_a_group_without_assignments_is_accepted(world: World, office: User) -> None:
    """Before its first assignment a group has no place a tie could clash with."""
    group = planned_group(world)
    newcomer = UserFactory.create()
    tie(newcomer, world.village_a1)

    actions.add_member(group, newcomer, Membership.GroupRole.MEMBER, actor=office)

    assert group.memberships.filter(user=newcomer).exists()


def test_forming_a_group_with_a_tied_leader_then_assigning_is_refused(world: World, office: User) -> None:
    """A leader named at formation counts like any member when the group is later assigned."""
    chief = UserFactory.create(display_name="组长乙")
    tie(chief, world.community_a, Recusal.Tie.HOME)
    round_ = RoundFactory.create(term=world.term, number=5, start_date=ROUND_FROM, end_date=ROUND_UNTIL)
    group = actions.form_group(round_, 1, leader=chief, actor=office)

    with pytest.raises(Conflict) as refused:
        assign_to(group, Assignment.Mode.DIRECT, world.village_a2)

    assert "组长乙" in refused.value.message


# declare_recusal


def test_a_person_declares_their_own_tie(world: World, group_member: User) -> None:
    """Anyone declares their own tie to a township or village; the log records the person, unit, tie and detail."""
    recusal = actions.declare_recusal(
        group_member, world.village_b1, Recusal.Tie.RELATIVE, detail="  其妻任村支书 ", actor=group_member
    )

    recusal.refresh_from_db()
    assert (recusal.user, recusal.unit, recusal.tie, recusal.detail) == (
        group_member,
        world.village_b1,
        Recusal.Tie.RELATIVE,
        "其妻任村支书",
    )
    event = Event.objects.get(verb="inspections.recusal_declared")
    assert event.actor == group_member
    assert (event.object_type, event.object_id) == ("inspections.recusal", str(recusal.pk))
    assert event.unit == world.village_b1
    assert event.before is None
    assert event.after == {
        "user": group_member.username,
        "unit": world.village_b1.code,
        "tie": "RELATIVE",
        "detail": "其妻任村支书",
    }


@pytest.mark.parametrize("name", ["township_user", "village_user", "leader", "outsider"])
def test_anyone_may_declare_their_own_tie(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Declaring one's own tie needs no planning role, and may name a township."""
    person = persona(request, name)

    actions.declare_recusal(person, world.township_b, Recusal.Tie.HOME, actor=person)

    assert Recusal.objects.filter(user=person, unit=world.township_b).exists()


@pytest.mark.parametrize("name", ["office", "office_lead"])
def test_the_office_declares_a_tie_for_someone_else(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """The county's office records a tie on a person's behalf, and the log shows the office as actor."""
    actor = persona(request, name)
    person = UserFactory.create()

    actions.declare_recusal(person, world.village_a2, Recusal.Tie.FORMER_POST, actor=actor)

    assert Recusal.objects.filter(user=person, unit=world.village_a2, tie=Recusal.Tie.FORMER_POST).exists()
    assert Event.objects.get(verb="inspections.recusal_declared").actor == actor


def test_the_system_declares_a_tie_for_someone(world: World) -> None:
    """A command (actor=SYSTEM) may record a tie."""
    person = UserFactory.create()

    actions.declare_recusal(person, world.village_a2, Recusal.Tie.HOME, actor=SYSTEM)

    assert Event.objects.get(verb="inspections.recusal_declared").actor_label == "system"


@pytest.mark.parametrize(
    "name", ["group_member", "group_leader", "township_user", "village_user", "leader", "discipline", "outsider"]
)
def test_declaring_someone_elses_tie_is_refused(
    world: World, request: pytest.FixtureRequest, office: User, name: str
) -> None:
    """Besides the county's office, nobody declares a tie for another person (not even their group leader)."""
    with pytest.raises(PermissionDenied):
        actions.declare_recusal(office, world.village_a1, Recusal.Tie.HOME, actor=persona(request, name))

    assert not Recusal.objects.exists()
    assert not Event.objects.exists()


def test_the_office_records_ties_only_to_units_of_its_county(world: World, office: User) -> None:
    """The office of 龙胜 may not record someone's tie to a village of 兴安县."""
    with pytest.raises(PermissionDenied):
        actions.declare_recusal(UserFactory.create(), world.other_village, Recusal.Tie.HOME, actor=office)

    assert not Recusal.objects.exists()


@pytest.mark.parametrize("name", ["office", "group_member"])
def test_a_tie_to_a_county_is_refused(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """A tie is declared to a township or a village; a whole county is refused, by the office as by the person."""
    actor = persona(request, name)

    with pytest.raises(Conflict):
        actions.declare_recusal(actor, world.county, Recusal.Tie.HOME, actor=actor)

    assert not Recusal.objects.exists()


def test_a_duplicate_tie_is_refused(world: World, group_member: User) -> None:
    """The same tie of a person to a unit is declared once; another kind of tie to it is accepted."""
    actions.declare_recusal(group_member, world.village_a2, Recusal.Tie.HOME, actor=group_member)

    with pytest.raises(Conflict):
        actions.declare_recusal(group_member, world.village_a2, Recusal.Tie.HOME, actor=group_member)
    actions.declare_recusal(group_member, world.village_a2, Recusal.Tie.RELATIVE, actor=group_member)

    assert Recusal.objects.filter(user=group_member).count() == 2


# withdraw_recusal


@pytest.mark.parametrize("name", ["office", "office_lead"])
def test_the_office_withdraws_a_tie(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """The county's office lifts a tie; the log keeps the tie and the note."""
    actor = persona(request, name)
    person = UserFactory.create()
    recusal = tie(person, world.village_a2, Recusal.Tie.RELATIVE, detail="其弟任会计")
    pk = recusal.pk

    actions.withdraw_recusal(recusal, actor=actor, note="亲属已离任")

    assert not Recusal.objects.filter(pk=pk).exists()
    event = Event.objects.get(verb="inspections.recusal_withdrawn")
    assert event.actor == actor
    assert (event.object_type, event.object_id) == ("inspections.recusal", str(pk))
    assert event.unit == world.village_a2
    assert event.before == {
        "user": person.username,
        "unit": world.village_a2.code,
        "tie": "RELATIVE",
        "detail": "其弟任会计",
    }
    assert event.after is None
    assert event.note == "亲属已离任"


def test_the_system_withdraws_a_tie(world: World) -> None:
    """A command (actor=SYSTEM) may lift a tie."""
    recusal = tie(UserFactory.create(), world.village_a2)

    actions.withdraw_recusal(recusal, actor=SYSTEM)

    assert not Recusal.objects.exists()


def test_a_person_cannot_withdraw_their_own_tie(world: World, group_member: User) -> None:
    """A tie, once declared, is not quietly cleared by its holder."""
    recusal = actions.declare_recusal(group_member, world.village_a2, Recusal.Tie.HOME, actor=group_member)

    with pytest.raises(PermissionDenied):
        actions.withdraw_recusal(recusal, actor=group_member)

    assert Recusal.objects.filter(pk=recusal.pk).exists()
    assert not Event.objects.filter(verb="inspections.recusal_withdrawn").exists()


@pytest.mark.parametrize("name", ["group_leader", "township_user", "village_user", "leader", "discipline", "outsider"])
def test_withdrawing_a_tie_is_refused_to_everyone_but_the_office(
    world: World, request: pytest.FixtureRequest, name: str
) -> None:
    """Not the township, the village, a county leader, a group leader nor another county's office lifts a tie."""
    recusal = tie(UserFactory.create(), world.village_a1)

    with pytest.raises(PermissionDenied):
        actions.withdraw_recusal(recusal, actor=persona(request, name))

    assert Recusal.objects.filter(pk=recusal.pk).exists()


def test_a_withdrawn_tie_no_longer_blocks(world: World, office: User) -> None:
    """Once the office lifts a tie, the group may be assigned to that township."""
    inspector = UserFactory.create()
    group = planned_group(world, inspector)
    recusal = tie(inspector, world.village_a2)
    with pytest.raises(Conflict):
        assign_to(group, Assignment.Mode.DIRECT, world.village_a2)

    actions.withdraw_recusal(recusal, actor=office)

    assert assign_to(group, Assignment.Mode.DIRECT, world.village_a2).target == world.village_a2


def test_a_stationed_group_is_refused_a_further_village_in_a_tied_township(world: World, group_member: User) -> None:
    """In a stationed round too, a member's tie keeps the group from another village of the same township."""
    tie(group_member, world.community_a)
    assert world.round.status == Round.Status.STATIONED

    with pytest.raises(Conflict) as refused:
        assign_to(world.group, Assignment.Mode.DIRECT, world.village_a2)

    assert str(group_member) in refused.value.message
    assert "甲镇" in refused.value.message
    assert list(world.group.assignments.all()) == [world.assignment]


def test_the_stationed_groups_assignment_blocks_a_tied_newcomer(world: World, office: User) -> None:
    """A person tied to 甲二村 cannot join 第三巡察组, which inspects 甲一村 of the same township."""
    newcomer = UserFactory.create()
    tie(newcomer, world.village_a2, Recusal.Tie.FORMER_POST)

    with pytest.raises(Conflict):
        actions.add_member(world.group, newcomer, Membership.GroupRole.MEMBER, actor=office)

    assert not world.group.memberships.filter(user=newcomer).exists()
