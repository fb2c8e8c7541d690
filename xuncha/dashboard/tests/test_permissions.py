"""Who reads which dashboard, and what each reader's figures count: the office, its director and county leaders
read every figure of their counties (clues transferred and suggestions among them); a township committee reads its
township and villages, counting only what was fed back to them; a village organisation its own village; everyone
else gets 403 or 404. ``/dashboard/`` sends each reader to their widest unit.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.conftest import World
from xuncha.dashboard.lookups import reader_sources
from xuncha.dashboard.permissions import can_view_dashboard, reads_findings
from xuncha.dashboard.queries import build_scope, dashboard_figures
from xuncha.dashboard.tests.scenes import Region, Scene, figure, has_figure, summary
from xuncha.findings.tests.factories import persona
from xuncha.organisations.models import AdminUnit
from xuncha.rectification.tests.factories import township_person, village_person

COUNTY_READERS = ["office", "office_lead", "leader"]


def dashboard(unit: AdminUnit) -> str:
    return reverse("dashboard:unit", args=[unit.code])


def page(client: Client, user: User, unit: AdminUnit, **params: str) -> str:
    client.force_login(user)
    response = client.get(dashboard(unit), params)
    assert response.status_code == 200
    return response.content.decode()


def status(client: Client, user: User, url: str) -> int:
    client.force_login(user)
    return client.get(url).status_code


def unit_of(world: World, name: str) -> AdminUnit:
    unit: AdminUnit = getattr(world, name)
    return unit


# Pure permissions --------------------------------------------------------------------------------------------------

UNITS = ["county", "township_a", "village_a1", "community_a", "township_b", "village_b1", "other_county"]


@pytest.mark.parametrize(
    ("person", "allowed"),
    [
        ("office", {"county", "township_a", "village_a1", "community_a", "township_b", "village_b1"}),
        ("office_lead", {"county", "township_a", "village_a1", "community_a", "township_b", "village_b1"}),
        ("leader", {"county", "township_a", "village_a1", "community_a", "township_b", "village_b1"}),
        ("township_user", {"township_a", "village_a1", "community_a"}),
        ("village_user", {"village_a1"}),
        ("outsider", {"other_county"}),
        ("discipline", set()),
        ("group_leader", set()),
        ("group_member", set()),
        ("auditor", set()),
        ("nobody", set()),
    ],
)
def test_who_may_view_which_dashboard(
    request: pytest.FixtureRequest, world: World, person: str, allowed: set[str]
) -> None:
    user = persona(request, person)

    assert {name for name in UNITS if can_view_dashboard(user, unit_of(world, name))} == allowed


@pytest.mark.parametrize(
    ("person", "reads"),
    [
        ("office", True),
        ("office_lead", True),
        ("leader", True),
        ("township_user", False),
        ("village_user", False),
        ("discipline", False),
        ("group_leader", False),
    ],
)
def test_only_county_readers_read_the_findings(
    request: pytest.FixtureRequest, world: World, person: str, reads: bool
) -> None:
    user = persona(request, person)

    assert reads_findings(user, world.village_a1) is reads
    assert reads_findings(user, world.county) is reads


def test_nobody_signed_out_views_a_dashboard(world: World) -> None:
    assert not can_view_dashboard(None, world.county)
    assert not reads_findings(None, world.county)


def test_a_province_grant_covers_every_county_and_a_county_grant_not_the_province(
    region: Region, office: User, province_leader: User, city_leader: User
) -> None:
    for county in (region.xingning, region.xingan, office_county(office)):
        assert can_view_dashboard(province_leader, county)
    assert can_view_dashboard(city_leader, region.xingan)
    assert not can_view_dashboard(city_leader, region.xingning)
    assert not can_view_dashboard(city_leader, region.province)
    assert not can_view_dashboard(office, region.province)
    assert not can_view_dashboard(office, region.city)


def office_county(office: User) -> AdminUnit:
    unit = office.grants.get().unit
    assert unit is not None
    return unit


# Pages: who gets in ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", COUNTY_READERS)
def test_county_readers_open_the_county_and_every_unit_in_it(
    client: Client, request: pytest.FixtureRequest, world: World, person: str
) -> None:
    user = persona(request, person)
    for unit in (world.county, world.township_b, world.village_a1, world.community_a):
        assert status(client, user, dashboard(unit)) == 200, unit


def test_a_village_user_sees_only_its_own_village(client: Client, world: World, village_user: User) -> None:
    """The county, its township and the neighbouring village are not theirs to see: 404."""
    assert status(client, village_user, dashboard(world.village_a1)) == 200
    for unit in (world.county, world.township_a, world.village_a2, world.village_b1):
        assert status(client, village_user, dashboard(unit)) == 404, unit
    assert status(client, village_user, reverse("dashboard:problem-list", args=[world.county.code])) == 404


def test_a_township_user_sees_its_township_and_its_villages(client: Client, world: World, township_user: User) -> None:
    for unit in (world.township_a, world.village_a1, world.community_a):
        assert status(client, township_user, dashboard(unit)) == 200, unit
    for unit in (world.county, world.township_b, world.village_b1, world.other_village):
        assert status(client, township_user, dashboard(unit)) == 404, unit


@pytest.mark.parametrize(
    ("person", "unit_name", "code"),
    [
        ("outsider", "county", 404),
        ("outsider", "village_a1", 404),
        ("auditor", "county", 404),
        ("nobody", "county", 404),
        ("group_member", "county", 404),
        # The group sees the village it inspects, but reads no dashboard.
        ("group_member", "village_a1", 403),
        ("group_leader", "village_a1", 403),
        # The discipline commission receives clues; dashboards are not its reading.
        ("discipline", "county", 403),
    ],
)
def test_others_are_refused(
    client: Client, request: pytest.FixtureRequest, world: World, person: str, unit_name: str, code: int
) -> None:
    user = persona(request, person)

    assert status(client, user, dashboard(unit_of(world, unit_name))) == code


def test_an_outsider_opens_its_own_county(client: Client, world: World, outsider: User) -> None:
    assert status(client, outsider, dashboard(world.other_county)) == 200


def test_a_signed_out_visitor_is_sent_to_sign_in(client: Client, world: World) -> None:
    response = client.get(dashboard(world.county))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("code", ["45032", "abc", "4503280000001"])
def test_a_malformed_code_is_not_found(client: Client, office: User, code: str) -> None:
    client.force_login(office)

    assert client.get(reverse("dashboard:unit", args=[code])).status_code == 404


def test_a_county_is_reachable_by_its_short_code(client: Client, world: World, office: User) -> None:
    client.force_login(office)

    response = client.get(reverse("dashboard:unit", args=["450328"]))

    assert response.status_code == 200
    assert response.context["unit"] == world.county


def test_the_suggestion_list_is_refused_to_townships_and_villages(
    client: Client, world: World, township_user: User, village_user: User
) -> None:
    assert status(client, township_user, reverse("dashboard:suggestion-list", args=[world.township_a.code])) == 403
    assert status(client, village_user, reverse("dashboard:suggestion-list", args=[world.village_a1.code])) == 403


def test_a_city_office_cannot_open_the_province(
    client: Client, region: Region, office: User, province_leader: User, city_leader: User
) -> None:
    """The county office gets 404 for the province and the city; the province leader opens each county's
    dashboard; the city leader its city but not the province nor 兴宁区 of another city."""
    assert status(client, office, dashboard(region.province)) == 404
    assert status(client, office, dashboard(region.city)) == 404
    for unit in (region.province, region.city, region.xingan, region.xingning, office_county(office)):
        assert status(client, province_leader, dashboard(unit)) == 200, unit
    assert status(client, city_leader, dashboard(region.city)) == 200
    assert status(client, city_leader, dashboard(region.xingan)) == 200
    assert status(client, city_leader, dashboard(region.province)) == 404
    assert status(client, city_leader, dashboard(region.xingning)) == 404


# /dashboard/ -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "unit_name"),
    [
        ("office", "county"),
        ("office_lead", "county"),
        ("leader", "county"),
        ("township_user", "township_a"),
        ("village_user", "village_a1"),
        ("outsider", "other_county"),
    ],
)
def test_the_index_opens_the_readers_own_unit(
    client: Client, request: pytest.FixtureRequest, world: World, person: str, unit_name: str
) -> None:
    client.force_login(persona(request, person))

    response = client.get(reverse("dashboard:index"))

    assert response.status_code == 302
    assert response["Location"] == dashboard(unit_of(world, unit_name))


def test_the_index_opens_the_widest_of_several_grants(client: Client, world: World) -> None:
    """A township cadre who is also a county leader lands on the county; a province leader on the province."""
    user = UserFactory.create(username="two_hats")
    grant(user, Role.TOWNSHIP, world.township_a)
    grant(user, Role.VILLAGE, world.village_b1)
    grant(user, Role.LEADER, world.county)
    client.force_login(user)

    assert client.get(reverse("dashboard:index"))["Location"] == dashboard(world.county)


def test_the_index_opens_the_province_for_its_leader(client: Client, region: Region, province_leader: User) -> None:
    client.force_login(province_leader)

    assert client.get(reverse("dashboard:index"))["Location"] == dashboard(region.province)


@pytest.mark.parametrize("person", ["group_member", "group_leader", "auditor", "sysadmin", "discipline", "nobody"])
def test_the_index_refuses_those_without_a_dashboard(
    client: Client, request: pytest.FixtureRequest, world: World, person: str
) -> None:
    client.force_login(persona(request, person))

    assert client.get(reverse("dashboard:index")).status_code == 403


# What each reader's figures count ----------------------------------------------------------------------------------


def test_a_township_counts_only_what_was_fed_back_to_its_villages(scene: Scene, township_user: User) -> None:
    """甲镇 has eight standing problems, but only five were fed back (甲一村 two, 甲二村 two, 甲社区 one): drafts
    and confirmed papers not yet fed back stay with the office; its five items and two visits are all its own."""
    world = scene.world
    figures = dashboard_figures(build_scope(world.township_a), reader_sources(township_user, world.township_a))

    assert figures["problems"]["total"] == 5
    assert figures["problems"]["by_status"] == {"DRAFT": 0, "CONFIRMED": 0, "FED_BACK": 5}
    assert [(area["code"], area["problems"]) for area in figures["areas"]] == [
        (world.community_a.code, 1),
        (world.village_a1.code, 2),
        (world.village_a2.code, 2),
    ]
    assert (figures["rectification"]["ledger_items"], figures["rectification"]["overdue"]) == (5, 2)
    assert figures["return_visits"]["visits"] == 2
    assert figures["suggestions"] is None
    assert figures["clues"] is None


def test_the_township_page_shows_the_township_alone(client: Client, scene: Scene, township_user: User) -> None:
    html = page(client, township_user, scene.world.township_a)

    assert figure(html, "villages") == "3"
    assert figure(html, "inspected") == "3"
    assert figure(html, "problems") == "5"
    assert figure(html, "items") == "5"
    assert "乙一村" not in html and "乙镇" not in html


def test_a_village_counts_only_its_own_fed_back_problems(client: Client, scene: Scene, village_user: User) -> None:
    """甲一村's two problems were fed back, with their two items (both overdue)."""
    html = page(client, village_user, scene.world.village_a1)

    assert figure(html, "villages") == "1"
    assert figure(html, "problems") == "2"
    assert (figure(html, "items"), figure(html, "overdue")) == ("2", "2")
    assert 'data-testid="dashboard-areas"' not in html


def test_a_villages_drafts_stay_out_of_its_count(client: Client, scene: Scene, world: World) -> None:
    """甲二村 has a draft, a confirmed paper and two fed-back ones: its organisation counts two."""
    html = page(client, village_person(world.village_a2, "village_a2"), world.village_a2)

    assert figure(html, "problems") == "2"


@pytest.mark.parametrize("person", COUNTY_READERS)
def test_county_readers_see_clues_transferred_and_suggestions(
    client: Client, request: pytest.FixtureRequest, scene: Scene, person: str
) -> None:
    html = page(client, persona(request, person), scene.world.county)

    assert figure(html, "clues") == "2"
    assert "2 problem clues transferred." in summary(html)
    assert figure(html, "suggestions") == "6"
    assert figure(html, "problems") == "12"
    assert 'data-testid="report-docx"' in html


@pytest.mark.parametrize(("person", "unit_name"), [("township_user", "township_a"), ("village_user", "village_a1")])
def test_townships_and_villages_see_no_clue_and_no_suggestion(
    client: Client, request: pytest.FixtureRequest, scene: Scene, person: str, unit_name: str
) -> None:
    """Not even a count of clues, and no suggestions: neither the figure, nor the sentence, nor the chart."""
    html = page(client, persona(request, person), unit_of(scene.world, unit_name))

    assert not has_figure(html, "clues")
    assert "clues transferred" not in html
    assert "clue" not in summary(html).lower()
    assert not has_figure(html, "suggestions")
    assert "chart-suggestions-outcome" not in html
    assert 'data-testid="suggestion-villages"' not in html
    assert reverse("dashboard:suggestion-list", args=[unit_of(scene.world, unit_name).code]) not in html
    assert 'data-testid="report-docx"' not in html


def test_the_province_leader_reads_clues_of_every_county(client: Client, region: Region, province_leader: User) -> None:
    html = page(client, province_leader, region.province)

    assert figure(html, "clues") == "3"
    assert figure(html, "suggestions") == "7"


def test_a_township_never_sees_a_planned_round(client: Client, scene: Scene, world: World) -> None:
    """Round 5 is still a plan (it will inspect 乙二村): 乙镇's committee sees rounds only once stationed, so the
    dashboard neither offers it as a filter nor lists it among the rounds of the term."""
    html = page(client, township_person(world.township_b, "township_b"), world.township_b)

    offered = re.search(r'<select id="filter-round".*?</select>', html, re.S)
    assert offered is not None
    assert f'<option value="{scene.round5.pk}"' not in offered.group(0)
    assert f'<option value="{scene.round4.pk}"' in offered.group(0)
    assert "第五轮" not in html
    assert 'data-round="5"' not in html
    assert 'data-round="3"' in html
