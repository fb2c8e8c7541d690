"""Who sees which terms, rounds, groups, assignments and recusals (``visible_to``), and the 404s outside scope.

The scene adds to the world: 第四巡察组 of the stationed round 4 inspecting 乙一村; a planned round 5 whose
第一巡察组 will inspect 甲二村; an empty term 16; and a stationed round of 兴安县 for the outsider's office.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.conftest import World
from xuncha.inspections import actions
from xuncha.inspections.models import Assignment, InspectionGroup, Membership, Recusal, Round, Term
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, TermFactory, assign, member
from xuncha.organisations.models import AdminUnit

Status = Round.Status

PERSONAS = [
    "office",
    "office_lead",
    "leader",
    "group_leader",
    "group_member",
    "township_user",
    "village_user",
    "discipline",
    "outsider",
    "nobody",
    "auditor",
    "sysadmin",
]
COUNTY_READERS = ["office", "office_lead", "leader"]


@dataclass
class Scene:
    objects: dict[str, Model]

    def names(self, found: Iterable[Model]) -> set[str]:
        by_key = {(type(obj), obj.pk): name for name, obj in self.objects.items()}
        return {by_key.get((type(obj), obj.pk), f"unexpected {obj!r}") for obj in found}

    def round(self, name: str) -> Round:
        obj = self.objects[name]
        assert isinstance(obj, Round)
        return obj

    def assignment(self, name: str) -> Assignment:
        obj = self.objects[name]
        assert isinstance(obj, Assignment)
        return obj

    def group(self, name: str) -> InspectionGroup:
        obj = self.objects[name]
        assert isinstance(obj, InspectionGroup)
        return obj


@pytest.fixture
def scene(world: World) -> Scene:
    group4 = GroupFactory.create(round=world.round, number=4)
    assignment4 = assign(
        group4, [world.village_b1], mode=Assignment.Mode.TOWNSHIP_WITH_VILLAGES, target=world.township_b
    )
    round5 = RoundFactory.create(term=world.term, number=5, start_date=date(2024, 3, 1), end_date=date(2024, 5, 31))
    group5 = GroupFactory.create(round=round5, number=1)
    assignment5 = assign(group5, [world.village_a2])
    term16 = TermFactory.create(county=world.county, number=16, start_date=date(2026, 10, 1))
    outsider_term = TermFactory.create(county=world.other_county, number=15)
    outsider_round = RoundFactory.create(term=outsider_term, number=1, status=Status.STATIONED)
    outsider_group = GroupFactory.create(round=outsider_round, number=1)
    outsider_assignment = assign(outsider_group, [world.other_village])
    return Scene(
        {
            "term15": world.term,
            "term16": term16,
            "outsider_term": outsider_term,
            "round4": world.round,
            "round5": round5,
            "outsider_round": outsider_round,
            "group3": world.group,
            "group4": group4,
            "group5": group5,
            "outsider_group": outsider_group,
            "assignment3": world.assignment,
            "assignment4": assignment4,
            "assignment5": assignment5,
            "outsider_assignment": outsider_assignment,
        }
    )


def persona(request: pytest.FixtureRequest, name: str) -> User:
    user: User = request.getfixturevalue(name)
    return user


def person_with(role: Role, unit: AdminUnit) -> User:
    user = UserFactory.create()
    grant(user, role, unit)
    return user


def station(round_: Round) -> None:
    actions.move_round(round_, Status.STATIONED, actor=SYSTEM)


# the matrix over personas

EXPECTED_ROUNDS: dict[str, set[str]] = {
    **dict.fromkeys(COUNTY_READERS, {"round4", "round5"}),
    "group_leader": {"round4"},
    "group_member": {"round4"},
    "township_user": {"round4"},
    "village_user": {"round4"},
    "discipline": {"round4"},
    "outsider": {"outsider_round"},
    "nobody": set(),
    "auditor": set(),
    "sysadmin": set(),
}
EXPECTED_GROUPS: dict[str, set[str]] = {
    **dict.fromkeys(COUNTY_READERS, {"group3", "group4", "group5"}),
    "group_leader": {"group3"},
    "group_member": {"group3"},
    "township_user": {"group3"},
    "village_user": {"group3"},
    "discipline": {"group3", "group4"},
    "outsider": {"outsider_group"},
    "nobody": set(),
    "auditor": set(),
    "sysadmin": set(),
}
EXPECTED_ASSIGNMENTS = {
    name: {group.replace("group", "assignment") for group in groups} for name, groups in EXPECTED_GROUPS.items()
}
EXPECTED_TERMS: dict[str, set[str]] = {
    **dict.fromkeys(COUNTY_READERS, {"term15", "term16"}),
    **dict.fromkeys(["group_leader", "group_member", "township_user", "village_user", "discipline"], {"term15"}),
    "outsider": {"outsider_term"},
    "nobody": set(),
    "auditor": set(),
    "sysadmin": set(),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_rounds_visible_to_each_persona(scene: Scene, request: pytest.FixtureRequest, name: str) -> None:
    """County readers see every round of their county, plans included; group members their group's rounds;
    townships, villages and discipline the rounds stationed in their subtree; the outsider only its own county."""
    assert scene.names(Round.objects.visible_to(persona(request, name))) == EXPECTED_ROUNDS[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_groups_visible_to_each_persona(scene: Scene, request: pytest.FixtureRequest, name: str) -> None:
    """A group is seen by county readers, by its own members, and by the units it is stationed in."""
    assert scene.names(InspectionGroup.objects.visible_to(persona(request, name))) == EXPECTED_GROUPS[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_assignments_visible_to_each_persona(scene: Scene, request: pytest.FixtureRequest, name: str) -> None:
    """An assignment is seen by county readers, by its group, and by the units it touches once stationed."""
    assert scene.names(Assignment.objects.visible_to(persona(request, name))) == EXPECTED_ASSIGNMENTS[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_terms_visible_to_each_persona(scene: Scene, request: pytest.FixtureRequest, name: str) -> None:
    """County readers see every term of their county; others only the terms of the rounds they see."""
    assert scene.names(Term.objects.visible_to(persona(request, name))) == EXPECTED_TERMS[name]


def test_stationing_reveals_the_round_to_its_township_but_not_to_other_villages(
    scene: Scene, township_user: User, village_user: User, discipline: User
) -> None:
    """Once round 5 is stationed in 甲二村, 甲镇 and discipline see it; the village 甲一村 still does not."""
    station(scene.round("round5"))

    assert scene.names(Round.objects.visible_to(township_user)) == {"round4", "round5"}
    assert scene.names(Assignment.objects.visible_to(township_user)) == {"assignment3", "assignment5"}
    assert scene.names(InspectionGroup.objects.visible_to(township_user)) == {"group3", "group5"}
    assert scene.names(Round.objects.visible_to(discipline)) == {"round4", "round5"}
    assert scene.names(Round.objects.visible_to(village_user)) == {"round4"}
    assert scene.names(Assignment.objects.visible_to(village_user)) == {"assignment3"}


@pytest.mark.parametrize("status", [Status.REPORTING, Status.FEEDBACK, Status.RECTIFYING, Status.CLOSED])
def test_a_round_stays_visible_to_its_village_after_stationing(scene: Scene, village_user: User, status: str) -> None:
    """Every status after PLANNED keeps the round and its assignment visible to the village inspected."""
    Round.objects.filter(pk=scene.round("round4").pk).update(status=status)

    assert scene.names(Round.objects.visible_to(village_user)) == {"round4"}
    assert scene.names(Assignment.objects.visible_to(village_user)) == {"assignment3"}


def test_a_village_sees_only_the_assignment_that_touches_it(scene: Scene, world: World) -> None:
    """乙一村 sees round 4 through 第四巡察组's assignment and nothing of 第三巡察组's work in 甲一村."""
    village_b1_user = person_with(Role.VILLAGE, world.village_b1)

    assert scene.names(Round.objects.visible_to(village_b1_user)) == {"round4"}
    assert scene.names(Assignment.objects.visible_to(village_b1_user)) == {"assignment4"}
    assert scene.names(InspectionGroup.objects.visible_to(village_b1_user)) == {"group4"}


def test_a_village_without_an_assignment_sees_nothing(scene: Scene, world: World) -> None:
    """甲社区, inspected by no round, sees no round, group or assignment."""
    community_user = person_with(Role.VILLAGE, world.community_a)

    assert not Round.objects.visible_to(community_user).exists()
    assert not Assignment.objects.visible_to(community_user).exists()
    assert not Term.objects.visible_to(community_user).exists()


def test_the_organisation_department_reads_like_discipline(scene: Scene, world: World) -> None:
    """The organisation department, a receiving body, sees the stationed rounds of its county and no plan."""
    org_dept = person_with(Role.ORG_DEPT, world.county)

    assert scene.names(Round.objects.visible_to(org_dept)) == {"round4"}
    assert scene.names(Assignment.objects.visible_to(org_dept)) == {"assignment3", "assignment4"}


def test_a_member_of_a_planned_group_sees_the_planned_round(scene: Scene, world: World) -> None:
    """Group members see their own round and assignment even while the round is only planned."""
    inspector = person_with(Role.GROUP_MEMBER, world.county)
    member(scene.group("group5"), inspector, Membership.GroupRole.MEMBER)

    assert scene.names(Round.objects.visible_to(inspector)) == {"round5"}
    assert scene.names(InspectionGroup.objects.visible_to(inspector)) == {"group5"}
    assert scene.names(Assignment.objects.visible_to(inspector)) == {"assignment5"}
    assert scene.names(Term.objects.visible_to(inspector)) == {"term15"}


def test_a_grant_without_descendants_covers_only_its_own_unit(scene: Scene, world: World) -> None:
    """A township grant limited to the township itself does not reach the villages where groups are stationed."""
    user = UserFactory.create()
    grant(user, Role.TOWNSHIP, world.township_a, descendants=False)

    assert not Round.objects.visible_to(user).exists()


def test_an_anonymous_visitor_sees_nothing(scene: Scene, world: World) -> None:
    """Without an account nothing of any county is visible."""
    Recusal.objects.create(user=UserFactory.create(), unit=world.village_a1, tie=Recusal.Tie.HOME)
    anonymous = AnonymousUser()

    assert not Term.objects.visible_to(anonymous).exists()
    assert not Round.objects.visible_to(anonymous).exists()
    assert not InspectionGroup.objects.visible_to(anonymous).exists()
    assert not Assignment.objects.visible_to(anonymous).exists()
    assert not Recusal.objects.visible_to(anonymous).exists()


def test_an_inactive_account_sees_nothing(scene: Scene, office: User) -> None:
    """A deactivated office account loses its scope at once."""
    office.is_active = False

    assert not Round.objects.visible_to(office).exists()
    assert not Term.objects.visible_to(office).exists()


# recusals


def test_recusals_visible_to_each_persona(
    world: World, office: User, office_lead: User, group_member: User, township_user: User, outsider: User
) -> None:
    """The office sees every tie to a unit of its county; everyone else sees only their own."""
    member_tie = Recusal.objects.create(user=group_member, unit=world.village_a2, tie=Recusal.Tie.HOME)
    stranger_tie = Recusal.objects.create(user=UserFactory.create(), unit=world.township_b, tie=Recusal.Tie.RELATIVE)
    outsider_tie = Recusal.objects.create(user=outsider, unit=world.other_village, tie=Recusal.Tie.HOME)
    township_tie = Recusal.objects.create(user=township_user, unit=world.other_village, tie=Recusal.Tie.HOME)

    assert set(Recusal.objects.visible_to(office)) == {member_tie, stranger_tie}
    assert set(Recusal.objects.visible_to(office_lead)) == {member_tie, stranger_tie}
    assert set(Recusal.objects.visible_to(group_member)) == {member_tie}
    assert set(Recusal.objects.visible_to(township_user)) == {township_tie}
    assert set(Recusal.objects.visible_to(outsider)) == {outsider_tie, township_tie}


@pytest.mark.parametrize("name", ["leader", "discipline", "village_user", "group_leader", "nobody", "auditor"])
def test_recusals_of_others_are_hidden(world: World, request: pytest.FixtureRequest, name: str) -> None:
    """Besides the office, nobody reads the ties of other people, not even a county leader or a group leader."""
    Recusal.objects.create(user=UserFactory.create(), unit=world.village_a1, tie=Recusal.Tie.HOME)

    assert not Recusal.objects.visible_to(persona(request, name)).exists()


# pages answer 404 outside scope


@pytest.mark.parametrize(
    ("name", "round_name", "status"),
    [
        ("office", "round5", 200),
        ("leader", "round5", 200),
        ("group_member", "round4", 200),
        ("township_user", "round4", 200),
        ("discipline", "round4", 200),
        ("township_user", "round5", 404),
        ("village_user", "round5", 404),
        ("discipline", "round5", 404),
        ("group_member", "round5", 404),
        ("outsider", "round4", 404),
        ("nobody", "round4", 404),
        ("auditor", "round4", 404),
        ("office", "outsider_round", 404),
    ],
)
def test_round_detail_answers_404_outside_scope(
    client: Client, scene: Scene, request: pytest.FixtureRequest, name: str, round_name: str, status: int
) -> None:
    """A round outside the user's scope is not found (404), never forbidden (403)."""
    client.force_login(persona(request, name))

    response = client.get(scene.round(round_name).get_absolute_url())

    assert response.status_code == status


@pytest.mark.parametrize(
    ("name", "assignment_name", "status"),
    [
        ("leader", "assignment5", 200),
        ("group_member", "assignment3", 200),
        ("township_user", "assignment3", 200),
        ("discipline", "assignment4", 200),
        ("group_member", "assignment4", 404),
        ("township_user", "assignment4", 404),
        ("village_user", "assignment4", 404),
        ("township_user", "assignment5", 404),
        ("outsider", "assignment3", 404),
        ("nobody", "assignment3", 404),
    ],
)
def test_assignment_detail_answers_404_outside_scope(
    client: Client, scene: Scene, request: pytest.FixtureRequest, name: str, assignment_name: str, status: int
) -> None:
    """An assignment outside the user's scope is not found (404), never forbidden (403)."""
    client.force_login(persona(request, name))

    response = client.get(scene.assignment(assignment_name).get_absolute_url())

    assert response.status_code == status


def test_planning_posts_outside_scope_answer_404(client: Client, scene: Scene, world: World, outsider: User) -> None:
    """Another county's office gets 404 from every planning address of this county, and nothing changes."""
    client.force_login(outsider)
    round4 = scene.round("round4")
    round5 = scene.round("round5")
    group5 = scene.group("group5")
    posts = [
        (reverse("inspections:round-move", args=[round4.pk]), {"status": "REPORTING"}),
        (reverse("inspections:group-create", args=[round5.pk]), {"number": 2}),
        (reverse("inspections:assignment-create", args=[round5.pk]), {"mode": "DIRECT"}),
        (reverse("inspections:member-add", args=[group5.pk]), {"user": outsider.pk, "role": "MEMBER"}),
        (reverse("inspections:assignment-cancel", args=[scene.assignment("assignment5").pk]), {}),
    ]

    statuses = [client.post(url, data).status_code for url, data in posts]

    assert statuses == [404] * len(posts)
    assert client.get(reverse("inspections:assignment-create", args=[round5.pk])).status_code == 404
    round4.refresh_from_db()
    assert round4.status == Status.STATIONED
    assert Assignment.objects.filter(pk=scene.assignment("assignment5").pk).exists()
    assert not Membership.objects.filter(user=outsider).exists()


def test_a_township_cannot_reach_a_planned_assignment(client: Client, scene: Scene, township_user: User) -> None:
    """A planned assignment in the township's own village is still out of its sight: cancelling it answers 404."""
    client.force_login(township_user)
    assignment = scene.assignment("assignment5")

    response = client.post(reverse("inspections:assignment-cancel", args=[assignment.pk]))

    assert response.status_code == 404
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_member_cannot_reach_another_groups_membership(
    client: Client, scene: Scene, world: World, group_member: User
) -> None:
    """A member of 第三巡察组 gets 404 for the members of 第四巡察组."""
    colleague = UserFactory.create()
    other = member(scene.group("group4"), colleague)
    client.force_login(group_member)

    assert client.post(reverse("inspections:member-remove", args=[other.pk])).status_code == 404
    assert client.post(reverse("inspections:member-add", args=[other.group.pk])).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


# what the pages list


def test_the_round_list_hides_plans_from_a_township(client: Client, scene: Scene, township_user: User) -> None:
    """The township's round list shows the stationed round and not the planned one."""
    client.force_login(township_user)

    response = client.get(reverse("inspections:round-list"))

    assert scene.names(response.context["rounds"]) == {"round4"}
    assert response.context["can_plan"] is False


def test_the_round_list_shows_a_township_only_the_groups_it_can_see(
    client: Client, scene: Scene, township_user: User
) -> None:
    """In the township's round list, round 4 names 第三巡察组 (in 甲一村) and not 第四巡察组 (in 乙镇)."""
    client.force_login(township_user)

    response = client.get(reverse("inspections:round-list"))

    html = response.content.decode()
    assert "第三巡察组" in html
    assert "第四巡察组" not in html


def test_the_round_list_of_an_outsider_shows_its_own_county(
    client: Client, scene: Scene, world: World, outsider: User
) -> None:
    """The outsider's list is of 兴安县, and asking for 龙胜 by code does not switch to it."""
    client.force_login(outsider)

    response = client.get(reverse("inspections:round-list"), {"county": "450328"})

    assert response.context["county"] == world.other_county
    assert scene.names(response.context["rounds"]) == {"outsider_round"}


def test_the_round_page_shows_a_member_only_their_own_group(client: Client, scene: Scene, group_member: User) -> None:
    """On round 4 a member of 第三巡察组 sees their group and assignment, not 第四巡察组's."""
    client.force_login(group_member)

    response = client.get(scene.round("round4").get_absolute_url())

    assert scene.names(response.context["groups"]) == {"group3"}
    assert scene.names(response.context["assignments"]) == {"assignment3"}
    assert "乙一村" not in response.content.decode()


def test_the_round_page_shows_a_township_only_its_assignments(
    client: Client, scene: Scene, township_user: User
) -> None:
    """On round 4, 甲镇 sees the work in 甲一村 and not the work in 乙镇."""
    client.force_login(township_user)

    response = client.get(scene.round("round4").get_absolute_url())

    assert scene.names(response.context["assignments"]) == {"assignment3"}
    assert scene.names(response.context["groups"]) == {"group3"}
    assert response.context["figures"] is None
