"""The planning actions on inspection groups: forming a group with its leader, adding and removing members.

Each action is checked for the state it leaves, the audit event it writes, and its refusals for a wrong role or
a wrong state. Declaring and withdrawing ties (recusals) are covered in ``test_recusals``.
"""

from __future__ import annotations

import pytest

from xuncha.accounts.models import User
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.inspections import actions
from xuncha.inspections.models import InspectionGroup, Membership
from xuncha.inspections.tests.action_helpers import NON_PLANNERS, Status, only_event, persona, planned_round
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory

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
