"""The home page ``/`` sends each signed-in user to their own starting page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client

from xuncha.accounts.actions import grant_role
from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant

if TYPE_CHECKING:
    from xuncha.conftest import World


def _landing(client: Client, user: User) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize("persona", ["office", "office_lead", "leader"])
def test_office_and_leaders_land_on_the_county_dashboard(
    client: Client, world: World, persona: str, request: pytest.FixtureRequest
) -> None:
    """Office staff, the director and county leaders start from the county's figures at a glance."""
    assert _landing(client, request.getfixturevalue(persona)) == f"/dashboard/{world.county.code}/"


def test_the_discipline_commission_lands_on_the_county_page(client: Client, world: World, discipline: User) -> None:
    """The discipline commission, which reads no dashboard, starts at the county's page."""
    assert _landing(client, discipline) == f"/units/{world.county.code}/"


def test_township_user_lands_on_its_township(client: Client, world: World, township_user: User) -> None:
    """The township party committee starts at its township's page, which it may read."""
    location = _landing(client, township_user)
    assert location == f"/units/{world.township_a.code}/"
    assert client.get(location).status_code == 200


def test_village_user_lands_on_its_village(client: Client, world: World, village_user: User) -> None:
    """The village party organisation starts at its village's page, which it may read."""
    location = _landing(client, village_user)
    assert location == f"/units/{world.village_a1.code}/"
    assert client.get(location).status_code == 200


def test_office_lands_on_a_readable_dashboard(client: Client, world: World, office: User) -> None:
    """The county dashboard the office is sent to answers."""
    assert client.get(_landing(client, office)).status_code == 200


@pytest.mark.parametrize("persona", ["group_leader", "group_member"])
def test_group_members_land_on_the_rounds(
    client: Client, world: World, persona: str, request: pytest.FixtureRequest
) -> None:
    """Inspection group leaders and members start at the list of rounds."""
    assert _landing(client, request.getfixturevalue(persona)) == "/rounds/"


def test_a_unit_role_comes_before_a_group_membership(client: Client, world: World, group_member: User) -> None:
    """A group member who is also township staff starts at the township."""
    grant(group_member, Role.TOWNSHIP, world.township_b)
    assert _landing(client, group_member) == f"/units/{world.township_b.code}/"


def test_auditor_lands_on_the_auditors_page(client: Client, auditor: User) -> None:
    """The security auditor starts at their own page, which leads to the audit and access logs."""
    location = _landing(client, auditor)
    assert location == "/accounts/auditor/"
    assert client.get(location).status_code == 200


@pytest.mark.parametrize(
    ("role", "page"), [(Role.SYSADMIN, "/accounts/system/"), (Role.SECURITY_ADMIN, "/accounts/security/")]
)
def test_administrators_land_on_their_own_pages(client: Client, world: World, role: Role, page: str) -> None:
    """The system and security administrators start at their own pages in the platform's look, not the admin."""
    user = UserFactory.create(username="admin_person")
    grant_role(user, role, None, actor=SYSTEM)
    location = _landing(client, User.objects.get(pk=user.pk))
    assert location == page
    assert client.get(location).status_code == 200


def test_user_without_a_role_sees_the_no_role_page(client: Client, nobody: User) -> None:
    """An account with no grant gets a page that says to ask for a role, not an error."""
    client.force_login(nobody)
    response = client.get("/")
    assert response.status_code == 200
    assert "core/no_role.html" in [template.name for template in response.templates]


def test_group_role_without_a_membership_sees_the_no_role_page(client: Client, world: World) -> None:
    """A GROUP_MEMBER grant alone, without a group, leads nowhere yet."""
    user = UserFactory.create(username="unplaced")
    grant(user, Role.GROUP_MEMBER, world.county)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert "core/no_role.html" in [template.name for template in response.templates]


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client: Client) -> None:
    """Not signed in: the login page, coming back home afterwards."""
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
