"""A petition that arrives tells its group at once; a transferred clue tells the receiving body, and only that one
clue arrived (``findings.notices``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from xuncha.accounts.models import Notification, Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.conftest import World
from xuncha.findings import actions
from xuncha.findings.models import Category, Clue
from xuncha.findings.tests.factories import CLUE_SUBJECT, CLUE_SUMMARY, record_petition, register_clue
from xuncha.inspections.models import Assignment
from xuncha.inspections.tests.factories import GroupFactory, assign, member


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


@pytest.fixture
def other_group_member(world: World) -> User:
    """A member of 第四巡察组 of the same round, who must not hear of group 3's petitions."""
    group4 = GroupFactory.create(round=world.round, number=4)
    assign(group4, [world.village_b1])
    user = UserFactory.create(username="group4_member")
    grant(user, Role.GROUP_MEMBER, world.county)
    member(group4, user)
    return user


def test_a_recorded_petition_tells_the_rest_of_the_group(
    world: World, group_leader: User, group_member: User, other_group_member: User, office: User
) -> None:
    """The member who recorded it is not told; the leader is; another group and the office are not."""
    petition = record_petition(world.assignment, group_member)

    assert told("PETITION") == {"group3_leader"}
    notice = Notification.objects.get()
    assert notice.url == petition.get_absolute_url()
    assert "低保" not in notice.text


def test_a_public_petition_tells_the_whole_group(
    world: World, group_leader: User, group_member: User, other_group_member: User
) -> None:
    today = timezone.localdate()
    Assignment.objects.filter(pk=world.assignment.pk).update(
        stationed_from=today - timedelta(days=1), stationed_until=today + timedelta(days=1)
    )
    assignment = Assignment.objects.get(pk=world.assignment.pk)

    actions.submit_public_petition(assignment, category=Category.FINANCE, text="村里账目不公开。")

    assert told("PETITION") == {"group3_leader", "group3_member"}


def test_a_transferred_clue_tells_the_receiving_body_and_nothing_of_it(
    world: World, group_leader: User, office_lead: User, discipline: User, office: User
) -> None:
    """The discipline commission of the county is told that one clue arrived, with the link; not the organisation
    department, not another county's commission, not the director who transferred it. No subject, no summary."""
    org_dept = grant(UserFactory.create(username="org_dept"), Role.ORG_DEPT, world.county).user
    elsewhere = grant(UserFactory.create(username="outside_discipline"), Role.DISCIPLINE, world.other_county).user
    clue = register_clue(world.assignment, group_leader)
    assert not Notification.objects.exists()

    actions.transfer_clue(clue, transfer_number="龙巡移〔2023〕3号", actor=office_lead)

    assert told("CLUE_TRANSFERRED") == {"discipline"}
    notice = Notification.objects.get()
    assert notice.url == clue.get_absolute_url()
    for secret in (CLUE_SUBJECT, CLUE_SUMMARY, "龙巡移"):
        assert secret not in notice.text
        assert secret not in str(notice.params)
    assert {org_dept.pk, elsewhere.pk}.isdisjoint({notice.user_id})


def test_a_clue_for_the_organisation_department_tells_it(world: World, group_leader: User, office_lead: User) -> None:
    org_dept = grant(UserFactory.create(username="org_dept"), Role.ORG_DEPT, world.county).user
    clue = register_clue(world.assignment, group_leader, receiver=Clue.Receiver.ORG_DEPT)

    actions.transfer_clue(clue, transfer_number="龙巡移〔2023〕4号", actor=office_lead)

    assert told("CLUE_TRANSFERRED") == {org_dept.username}
