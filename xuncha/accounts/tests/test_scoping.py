"""Scope helpers: grants read once per user object, path filters, and the units each persona sees."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import AnonymousUser

from xuncha.accounts.models import Role, User
from xuncha.accounts.scoping import forget_grants, grants_of, path_q, visible_units_q
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.inspections.models import Assignment
from xuncha.inspections.scoping import group_ids_of
from xuncha.inspections.tests.factories import assign
from xuncha.organisations.models import AdminUnit

if TYPE_CHECKING:
    from pytest_django import DjangoAssertNumQueries

    from xuncha.conftest import World


def _visible_codes(user: User | AnonymousUser) -> set[str]:
    return set(AdminUnit.objects.filter(visible_units_q(user)).values_list("code", flat=True))


def _codes(*units: AdminUnit) -> set[str]:
    return {unit.code for unit in units}


def test_grants_are_read_once_per_user_object(
    township_user: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The first read costs one query; later reads on the same object cost none."""
    user = User.objects.get(pk=township_user.pk)
    with django_assert_num_queries(1):
        first = grants_of(user)
        second = grants_of(user)
    assert first is second
    assert [(g.role, g.level) for g in first] == [(Role.TOWNSHIP, "TOWNSHIP")]


def test_grants_are_read_again_for_a_new_user_object(
    township_user: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The cache lives on the object (one request), not in the process."""
    grants_of(User.objects.get(pk=township_user.pk))
    other = User.objects.get(pk=township_user.pk)
    with django_assert_num_queries(1):
        grants_of(other)


def test_forget_grants_makes_the_next_read_query_again(
    world: World, township_user: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """After ``forget_grants`` a grant added meanwhile is seen."""
    assert len(grants_of(township_user)) == 1
    grant(township_user, Role.VILLAGE, world.village_b1)
    assert len(grants_of(township_user)) == 1
    forget_grants(township_user)
    with django_assert_num_queries(1):
        assert len(grants_of(township_user)) == 2


def test_group_ids_are_read_once_per_user_object(
    world: World, group_member: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Group memberships, like grants, cost one query per user object."""
    user = User.objects.get(pk=group_member.pk)
    with django_assert_num_queries(1):
        assert group_ids_of(user) == [world.group.pk]
        assert group_ids_of(user) == [world.group.pk]


def test_anonymous_and_inactive_users_have_no_grants(world: World, office: User) -> None:
    """Neither an anonymous visitor nor a deactivated account holds any grant."""
    assert grants_of(AnonymousUser()) == ()
    User.objects.filter(pk=office.pk).update(is_active=False)
    inactive = User.objects.get(pk=office.pk)
    assert grants_of(inactive) == ()
    assert _visible_codes(inactive) == set()


def test_path_q_covers_the_subtree_when_descendants_are_included(world: World) -> None:
    """A grant with ``includes_descendants`` covers its unit and everything below it."""
    user = UserFactory.create()
    grant(user, Role.TOWNSHIP, world.township_a)
    units = AdminUnit.objects.filter(path_q(user, [Role.TOWNSHIP], "path"))
    assert set(units.values_list("code", flat=True)) == _codes(
        world.township_a, world.village_a1, world.village_a2, world.community_a
    )


def test_path_q_covers_only_the_unit_without_descendants(world: World) -> None:
    """A grant with ``includes_descendants=False`` covers its own unit and none below it."""
    user = UserFactory.create()
    grant(user, Role.TOWNSHIP, world.township_a, descendants=False)
    units = AdminUnit.objects.filter(path_q(user, [Role.TOWNSHIP], "path"))
    assert set(units.values_list("code", flat=True)) == _codes(world.township_a)


def test_path_q_follows_a_related_path_field(world: World) -> None:
    """The path column may be reached through a relation (here an assignment's target)."""
    user = UserFactory.create()
    grant(user, Role.TOWNSHIP, world.township_b, descendants=False)
    other = assign(world.group, [world.village_b1])
    assignments = Assignment.objects.filter(path_q(user, [Role.TOWNSHIP], "target__path"))
    assert list(assignments) == []
    grant(user, Role.VILLAGE, world.village_b1)
    forget_grants(user)
    assignments = Assignment.objects.filter(path_q(user, [Role.TOWNSHIP, Role.VILLAGE], "target__path"))
    assert list(assignments) == [other]


def test_path_q_ignores_roles_not_asked_for(world: World, office: User) -> None:
    """Only grants of the named roles count."""
    assert not AdminUnit.objects.filter(path_q(office, [Role.VILLAGE], "path")).exists()


def test_path_q_does_not_confuse_sibling_codes(world: World) -> None:
    """A township's subtree stops at its own path: 甲镇 does not reach 乙镇's villages."""
    user = UserFactory.create()
    grant(user, Role.TOWNSHIP, world.township_a)
    codes = set(AdminUnit.objects.filter(path_q(user, [Role.TOWNSHIP], "path")).values_list("code", flat=True))
    assert world.village_b1.code not in codes
    assert world.township_b.code not in codes


@pytest.mark.parametrize("persona", ["office", "office_lead", "leader", "discipline"])
def test_county_roles_see_the_county_subtree(persona: str, world: World, request: pytest.FixtureRequest) -> None:
    """County-wide roles see the county, its townships and villages, and nothing of another county."""
    user: User = request.getfixturevalue(persona)
    assert _visible_codes(user) == _codes(
        world.county,
        world.township_a,
        world.township_b,
        world.village_a1,
        world.village_a2,
        world.community_a,
        world.village_b1,
    )


def test_township_user_sees_its_township_and_villages(world: World, township_user: User) -> None:
    """The township party committee sees its township and the villages below it."""
    assert _visible_codes(township_user) == _codes(
        world.township_a, world.village_a1, world.village_a2, world.community_a
    )


def test_village_user_sees_only_its_village(world: World, village_user: User) -> None:
    """The village party organisation sees its own village."""
    assert _visible_codes(village_user) == _codes(world.village_a1)


@pytest.mark.parametrize("persona", ["group_leader", "group_member"])
def test_group_members_see_their_assignments(persona: str, world: World, request: pytest.FixtureRequest) -> None:
    """Group members see the units their group is assigned, not the county their grant names."""
    user: User = request.getfixturevalue(persona)
    assert _visible_codes(user) == _codes(world.village_a1)


def test_group_members_see_a_township_target_and_its_villages(world: World, group_member: User) -> None:
    """A TOWNSHIP_WITH_VILLAGES assignment shows the township and the villages it brings."""
    assign(world.group, [world.village_b1], mode=Assignment.Mode.TOWNSHIP_WITH_VILLAGES, target=world.township_b)
    assert _visible_codes(User.objects.get(pk=group_member.pk)) == _codes(
        world.village_a1, world.township_b, world.village_b1
    )


def test_outsider_sees_only_the_other_county(world: World, outsider: User) -> None:
    """The office of another county sees its own subtree and nothing of Longsheng."""
    codes = _visible_codes(outsider)
    assert world.other_county.code in codes
    assert world.other_village.code in codes
    assert not codes & _codes(world.county, world.township_a, world.village_a1)


@pytest.mark.parametrize("persona", ["auditor", "sysadmin", "nobody"])
def test_administrators_and_role_less_users_see_no_units(
    persona: str, world: World, request: pytest.FixtureRequest
) -> None:
    """The administrators of 三员分立 and users without a role see no unit."""
    user: User = request.getfixturevalue(persona)
    assert _visible_codes(user) == set()


@pytest.mark.django_db
def test_anonymous_visitors_see_no_units(world: World) -> None:
    """A visitor who is not signed in sees nothing."""
    assert _visible_codes(AnonymousUser()) == set()


def test_visible_to_matches_visible_units_q(world: World, township_user: User) -> None:
    """``AdminUnit.objects.visible_to`` is built from the same filter."""
    codes = set(AdminUnit.objects.visible_to(township_user).values_list("code", flat=True))
    assert codes == _visible_codes(township_user)
