"""Links that answered 404 to the readers they were shown to: the rectification report of a county or a city, and
the county crumb on the rounds and villages pages for readers below county level. Each page's links of that kind
are followed as the same reader and must open."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.inspections.models import Assignment
from xuncha.inspections.tests.factories import assign
from xuncha.organisations.tests import factories as units

if TYPE_CHECKING:
    from xuncha.conftest import World

REPORT_LINK = re.compile(r'href="(/documents/units/\d+/rectification\.docx[^"]*)"')
CRUMBS = re.compile(r'<nav aria-label="[^"]*" class="xc-breadcrumbs">(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def _followed(client: Client, links: list[str]) -> dict[str, int]:
    return {link: client.get(link.replace("&amp;", "&")).status_code for link in links}


def _report_links(client: Client, page: str) -> list[str]:
    response = client.get(page)
    assert response.status_code == 200
    return REPORT_LINK.findall(response.content.decode())


def _crumb_links(client: Client, page: str) -> list[str]:
    response = client.get(page)
    assert response.status_code == 200
    crumbs = CRUMBS.search(response.content.decode())
    assert crumbs is not None
    return HREF.findall(crumbs.group(1))


@pytest.fixture
def city_leader(world: World) -> User:
    user = UserFactory.create(username="city_leader")
    grant(user, Role.LEADER, units.city())
    return user


@pytest.fixture
def org_dept(world: World) -> User:
    user = UserFactory.create(username="orgdept")
    grant(user, Role.ORG_DEPT, world.county)
    return user


@pytest.mark.parametrize("persona", ["office", "office_lead", "leader", "discipline", "org_dept", "city_leader"])
def test_every_rectification_report_offered_on_the_county_page_opens(
    client: Client, world: World, persona: str, request: pytest.FixtureRequest
) -> None:
    """The county page offers no report that answers 404 (a county writes none: its townships and villages do)."""
    client.force_login(request.getfixturevalue(persona))
    links = _report_links(client, world.county.get_absolute_url())
    assert all(status == 200 for status in _followed(client, links).values()), _followed(client, links)


@pytest.mark.parametrize("persona", ["office", "office_lead", "leader", "township_user", "village_user", "city_leader"])
def test_every_rectification_report_offered_on_the_documents_page_opens(
    client: Client, world: World, persona: str, request: pytest.FixtureRequest
) -> None:
    """The documents page lists the reader's units; a report link appears only where a report exists."""
    client.force_login(request.getfixturevalue(persona))
    links = _report_links(client, "/documents/")
    assert all(status == 200 for status in _followed(client, links).values()), _followed(client, links)


def test_the_city_page_offers_no_dead_report(client: Client, world: World, city_leader: User) -> None:
    client.force_login(city_leader)
    links = _report_links(client, units.city().get_absolute_url())
    assert all(status == 200 for status in _followed(client, links).values()), _followed(client, links)


def test_townships_and_villages_keep_their_report(
    client: Client, world: World, township_user: User, village_user: User
) -> None:
    """The report stays offered where it exists: on the township's and the village's own pages."""
    for user, unit in ((township_user, world.township_a), (village_user, world.village_a1)):
        client.force_login(user)
        links = _report_links(client, unit.get_absolute_url())
        assert links == [f"/documents/units/{unit.code}/rectification.docx"]
        assert _followed(client, links) == {links[0]: 200}
    client.force_login(township_user)
    assert _report_links(client, "/documents/") == [f"/documents/units/{world.township_a.code}/rectification.docx"]


@pytest.mark.parametrize("page", ["/rounds/", "/units/villages/"])
@pytest.mark.parametrize(
    "persona", ["office", "leader", "township_user", "village_user", "group_leader", "group_member"]
)
def test_every_crumb_opens_for_the_reader(
    client: Client, world: World, page: str, persona: str, request: pytest.FixtureRequest
) -> None:
    """The county crumb of the rounds and villages pages links only for readers who may open the county's page;
    for the others it is plain text."""
    client.force_login(request.getfixturevalue(persona))
    links = _crumb_links(client, page)
    followed = _followed(client, links)
    assert all(status in (200, 302) for status in followed.values()), followed


def test_the_county_crumb_stays_a_link_for_the_office(client: Client, world: World, office: User) -> None:
    client.force_login(office)
    assert world.county.get_absolute_url() in _crumb_links(client, "/rounds/")
    assert world.county.get_absolute_url() in _crumb_links(client, "/units/villages/")


def test_the_county_crumb_is_text_for_a_group_member(client: Client, world: World, group_member: User) -> None:
    client.force_login(group_member)
    html = client.get("/rounds/").content.decode()
    crumbs = CRUMBS.search(html)
    assert crumbs is not None
    assert world.county.name in crumbs.group(1)
    assert world.county.get_absolute_url() not in crumbs.group(1)


def test_an_assignment_page_links_only_the_villages_the_reader_may_open(
    client: Client, world: World, township_user: User, office: User
) -> None:
    """A village reading its township-wide assignment sees its own village among those covered, not the others
    (their pages answer 404 to it); the township and the office see every village covered."""
    assignment = assign(
        world.group,
        [world.village_a2, world.community_a],
        mode=Assignment.Mode.TOWNSHIP_WITH_VILLAGES,
        target=world.township_a,
    )
    village_a2 = UserFactory.create(username="village_a2")
    grant(village_a2, Role.VILLAGE, world.village_a2)
    both = sorted([world.village_a2, world.community_a], key=lambda unit: unit.code)
    for user, expected in ((village_a2, [world.village_a2]), (township_user, both), (office, both)):
        client.force_login(user)
        response = client.get(assignment.get_absolute_url())
        assert response.status_code == 200
        assert list(response.context["covered_villages"]) == expected
        html = response.content.decode()
        unit_links = sorted(set(re.findall(r'href="(/units/\d{12}/)"', html)))
        followed = _followed(client, unit_links)
        assert all(status == 200 for status in followed.values()), followed
