"""Pages of the tree: county overview, township, village, the village list, classification and scoping."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.inspections.models import Round
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, assign
from xuncha.organisations.models import AdminUnit, Category, VillageKind
from xuncha.organisations.tests import factories as units

pytestmark = pytest.mark.django_db

VILLAGE_LIST = reverse("organisations:village-list")


def detail(unit: AdminUnit | str) -> str:
    code = unit if isinstance(unit, str) else unit.code
    return reverse("organisations:unit-detail", args=[code])


def classify_url(unit: AdminUnit) -> str:
    return reverse("organisations:village-classify", args=[unit.code])


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def figure(html: str, name: str) -> str:
    """The number a county figure card shows."""
    match = re.search(rf'data-figure="{name}"[^>]*>([^<]*)<', html)
    assert match is not None, name
    return match.group(1)


def shown(message: str) -> str:
    """A message as the page shows it: translated into the site's language and escaped."""
    return escape(gettext(message))


def shown_count(html: str) -> int:
    match = re.search(r'data-testid="village-count">\D*(\d+)', html)
    assert match is not None
    return int(match.group(1))


def listed_codes(response: Any) -> list[str]:
    return [village.code for village in response.context["page_obj"]]


@pytest.fixture
def planned_round(world: World) -> Round:
    """A later round, still planned, that will inspect 甲二村."""
    round_ = RoundFactory.create(term=world.term, number=5, status=Round.Status.PLANNED)
    assign(GroupFactory.create(round=round_, number=1), [world.village_a2])
    return round_


def test_county_overview_shows_the_figures(client: Client, office: User, world: World) -> None:
    """The county page counts townships, villages, key and general villages, communities and inspected ones."""
    response = signed_in(client, office).get(detail(world.county))

    assert response.status_code == 200
    html = response.content.decode()
    figures = {name: figure(html, name) for name in ("townships", "villages", "key", "general", "communities")}
    assert figures == {"townships": "2", "villages": "4", "key": "1", "general": "3", "communities": "1"}
    assert figure(html, "inspected") == "1"
    coverage = response.context["coverage"]
    assert [(row.unit, row.total, row.inspected) for row in coverage.townships] == [
        (world.township_a, 3, 1),
        (world.township_b, 1, 0),
    ]
    assert "十五届县委" in html


def test_county_overview_is_reachable_by_its_short_code(client: Client, office: User, world: World) -> None:
    """/units/450328/ is the same page as /units/450328000000/."""
    response = signed_in(client, office).get(detail("450328"))

    assert response.status_code == 200
    assert response.context["unit"] == world.county
    assert figure(response.content.decode(), "villages") == "4"


def test_malformed_code_is_not_found(client: Client, office: User, world: World) -> None:
    """A code that is not 2, 4, 6, 9 or 12 digits is a 404, not an error."""
    assert signed_in(client, office).get(detail("45032")).status_code == 404
    assert client.get(detail("龙胜")).status_code == 404


def test_township_page_lists_only_its_villages(client: Client, office: User, world: World) -> None:
    """A township page lists its own villages and communities, not those of the next township."""
    response = signed_in(client, office).get(detail(world.township_a))

    assert response.status_code == 200
    assert [village.code for village in response.context["villages"]] == [
        world.community_a.code,
        world.village_a1.code,
        world.village_a2.code,
    ]
    html = response.content.decode()
    assert "甲二村" in html
    assert world.village_b1.code not in html
    assert response.context["coverage"].total == 3


def test_village_detail_shows_category_reason_and_inspection_history(
    client: Client, office: User, world: World
) -> None:
    """A village page shows its category, the reason for it and the rounds that inspected it."""
    AdminUnit.objects.filter(pk=world.village_a1.pk).update(category_reason="班子软弱涣散")

    response = signed_in(client, office).get(detail(world.village_a1))

    assert response.status_code == 200
    html = response.content.decode()
    assert shown("Key village") in html
    assert re.search(r'data-testid="category-reason">班子软弱涣散<', html)
    assert list(response.context["history"]) == [world.assignment]
    history = html.split('data-testid="inspection-history"')[1]
    assert "十五届县委第四轮巡察" in history
    assert "第三巡察组" in history
    assert response.context["can_classify"] is True


def test_village_detail_without_history_says_so(client: Client, office: User, world: World) -> None:
    """A village that no round covered says it has not been inspected yet."""
    response = signed_in(client, office).get(detail(world.village_a2))

    assert list(response.context["history"]) == []
    assert shown("Not inspected yet.") in response.content.decode()
    assert shown("General village") in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["community_a", "village_a1", "village_a2", "village_b1"]),
        ({"township": "450328100000"}, ["community_a", "village_a1", "village_a2"]),
        ({"township": "450328101000"}, ["village_b1"]),
        ({"category": "KEY"}, ["village_a1"]),
        ({"category": "GENERAL"}, ["community_a", "village_a2", "village_b1"]),
        ({"kind": "COMMUNITY"}, ["community_a"]),
        ({"kind": "VILLAGE", "township": "450328100000"}, ["village_a1", "village_a2"]),
        ({"inspected": "yes"}, ["village_a1"]),
        ({"inspected": "no"}, ["community_a", "village_a2", "village_b1"]),
        ({"inspected": "planned"}, ["village_a2"]),
        ({"q": "甲二"}, ["village_a2"]),
        ({"q": "社区"}, ["community_a"]),
        ({"q": "450328101"}, ["village_b1"]),
        ({"q": "兴安"}, []),
    ],
)
def test_village_list_filters(
    client: Client,
    office: User,
    world: World,
    planned_round: Round,
    params: dict[str, str],
    expected: list[str],
) -> None:
    """The village list filters by township, category, kind, coverage this term and a name or code search."""
    response = signed_in(client, office).get(VILLAGE_LIST, params)

    assert response.status_code == 200
    assert listed_codes(response) == [getattr(world, name).code for name in expected]
    assert shown_count(response.content.decode()) == len(expected)


def test_village_list_answers_htmx_with_the_table_only(client: Client, office: User, world: World) -> None:
    """An htmx request (HX-Request: true) gets the table partial, not the whole page."""
    signed_in(client, office)

    partial = client.get(VILLAGE_LIST, {"category": "KEY"}, headers={"HX-Request": "true"})
    page = client.get(VILLAGE_LIST, {"category": "KEY"})

    partial_html, page_html = partial.content.decode(), page.content.decode()
    assert partial.status_code == 200
    assert "<html" not in partial_html
    assert 'data-testid="village-filters"' not in partial_html
    assert "<table" in partial_html
    assert world.village_a1.code in partial_html
    assert world.village_a2.code not in partial_html
    assert "<html" in page_html
    assert 'data-testid="village-filters"' in page_html


def test_village_list_answers_a_history_restore_with_the_whole_page(client: Client, office: User, world: World) -> None:
    """htmx restoring a pushed URL from the server (HX-History-Restore-Request) gets the whole page."""
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}

    response = signed_in(client, office).get(VILLAGE_LIST, {"category": "KEY"}, headers=headers)

    assert "<html" in response.content.decode()


def test_village_list_varies_on_the_htmx_header(client: Client, office: User, world: World) -> None:
    """Both answers of the village list declare that they depend on the HX-Request header."""
    signed_in(client, office)

    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(VILLAGE_LIST, headers=headers)
        assert "HX-Request" in response.get("Vary", ""), headers


def test_office_classification_post_updates_and_audits(client: Client, office: User, world: World) -> None:
    """The office's form POST classifies the village, records the event and goes back to the village."""
    response = signed_in(client, office).post(
        classify_url(world.village_a2), {"category": "WATCH", "reason": "信访问题较多"}
    )

    assert response.status_code == 302
    assert response["Location"] == detail(world.village_a2)
    world.village_a2.refresh_from_db()
    assert (world.village_a2.category, world.village_a2.category_reason) == (Category.WATCH, "信访问题较多")
    event = Event.objects.get(verb="organisations.village_classified")
    assert (event.actor, event.object_id) == (office, str(world.village_a2.pk))


def test_classification_post_without_a_reason_shows_the_refusal(client: Client, office: User, world: World) -> None:
    """A key village without a reason is refused with a message; the village keeps its category."""
    response = signed_in(client, office).post(
        classify_url(world.village_a2), {"category": "KEY", "reason": ""}, follow=True
    )

    assert shown("A key or watch-list village needs a reason.") in response.content.decode()
    world.village_a2.refresh_from_db()
    assert world.village_a2.category == Category.GENERAL
    assert not Event.objects.filter(verb="organisations.village_classified").exists()


def test_classification_post_by_a_village_user_is_refused(client: Client, village_user: User, world: World) -> None:
    """A village cadre cannot classify their own village: the page says so and nothing changes."""
    response = signed_in(client, village_user).post(
        classify_url(world.village_a1), {"category": "GENERAL", "reason": ""}, follow=True
    )

    assert shown("You may not classify this village.") in response.content.decode()
    world.village_a1.refresh_from_db()
    assert world.village_a1.category == Category.KEY
    assert not Event.objects.filter(verb="organisations.village_classified").exists()
    assert response.context["can_classify"] is False
    assert 'name="category"' not in response.content.decode()


def test_classification_post_by_an_outsider_is_not_found(client: Client, outsider: User, world: World) -> None:
    """Another county's office cannot even see the village it tries to classify."""
    response = signed_in(client, outsider).post(classify_url(world.village_a2), {"category": "KEY", "reason": "x"})

    assert response.status_code == 404
    world.village_a2.refresh_from_db()
    assert world.village_a2.category == Category.GENERAL


def test_classification_needs_post(client: Client, office: User, world: World) -> None:
    """The classification URL only accepts POST."""
    assert signed_in(client, office).get(classify_url(world.village_a2)).status_code == 405


def test_village_user_sees_only_their_village(client: Client, village_user: User, world: World) -> None:
    """A village cadre's list holds their village alone and every other unit is a 404."""
    signed_in(client, village_user)

    response = client.get(VILLAGE_LIST)

    assert listed_codes(response) == [world.village_a1.code]
    assert client.get(detail(world.village_a1)).status_code == 200
    for unit in (world.village_a2, world.community_a, world.village_b1, world.township_a, world.county):
        assert client.get(detail(unit)).status_code == 404, unit


def test_township_user_sees_their_townships_villages(client: Client, township_user: User, world: World) -> None:
    """A township cadre sees the villages of their township, not those of the next one, nor the county page."""
    signed_in(client, township_user)

    response = client.get(VILLAGE_LIST)

    assert listed_codes(response) == [world.community_a.code, world.village_a1.code, world.village_a2.code]
    assert client.get(detail(world.township_a)).status_code == 200
    assert client.get(detail(world.village_a2)).status_code == 200
    assert client.get(detail(world.village_b1)).status_code == 404
    assert client.get(detail(world.township_b)).status_code == 404
    assert client.get(detail(world.county)).status_code == 404


def test_outsider_sees_none_of_the_county(client: Client, outsider: User, world: World) -> None:
    """Another county's office gets 404 for every Longsheng unit; its village list stays on its own county."""
    signed_in(client, outsider)

    for unit in (world.county, world.township_a, world.village_a1, world.village_b1):
        assert client.get(detail(unit)).status_code == 404, unit
    response = client.get(VILLAGE_LIST, {"county": world.county.code})

    assert response.context["county"] == world.other_county
    assert listed_codes(response) == [world.other_village.code]
    assert world.village_a1.code not in response.content.decode()


def test_user_without_a_role_gets_the_no_role_page(client: Client, nobody: User, world: World) -> None:
    """An account without a role sees the "no role" page instead of any unit."""
    signed_in(client, nobody)

    for url in (VILLAGE_LIST, reverse("organisations:unit-list")):
        response = client.get(url)
        assert response.status_code == 200
        assert shown("Your account has no role yet") in response.content.decode()
    assert client.get(detail(world.village_a1)).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client: Client, world: World) -> None:
    """Every page of the tree needs a signed-in user."""
    for url in (VILLAGE_LIST, detail(world.county), reverse("organisations:unit-list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_unit_list_sends_a_one_county_office_to_its_county(client: Client, office: User, world: World) -> None:
    """The tree's entry page redirects a user who covers one county to that county."""
    response = signed_in(client, office).get(reverse("organisations:unit-list"))

    assert response.status_code == 302
    assert response["Location"] == detail(world.county)


def more_villages(world: World, count: int) -> None:
    """``count`` villages spread over both townships, some key and some unclassified, and one more community."""
    for number in range(300, 300 + count):
        township = world.township_a if number % 2 else world.township_b
        units.village(township, f"新{number}村委会", number=number, category=Category.KEY if number % 3 else "")
    units.village(world.township_b, "新社区居委会", number=2, kind=VillageKind.COMMUNITY)


VILLAGE_LIST_QUERIES = 11
# Session, user, grants, memberships, county, terms, term, coverage (2), findings (5), the departments, …, the
# notification bell; on the office's own county, its to-do (3).
COUNTY_OVERVIEW_QUERIES = 20


def test_village_list_query_count_does_not_grow_with_villages(
    client: Client,
    office: User,
    world: World,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """The village list costs the same number of queries with 4 villages as with 35."""
    signed_in(client, office)
    client.get(VILLAGE_LIST)

    with django_assert_num_queries(VILLAGE_LIST_QUERIES):
        small = client.get(VILLAGE_LIST)
    more_villages(world, 30)
    with django_assert_num_queries(VILLAGE_LIST_QUERIES):
        large = client.get(VILLAGE_LIST)

    assert len(listed_codes(small)) == 4
    assert len(listed_codes(large)) == 35


def test_county_overview_query_count_does_not_grow_with_villages(
    client: Client,
    office: User,
    world: World,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """The county overview costs the same number of queries with 4 villages as with 35."""
    signed_in(client, office)
    client.get(detail(world.county))

    with django_assert_num_queries(COUNTY_OVERVIEW_QUERIES):
        small = client.get(detail(world.county))
    more_villages(world, 30)
    with django_assert_num_queries(COUNTY_OVERVIEW_QUERIES):
        large = client.get(detail(world.county))

    assert figure(small.content.decode(), "villages") == "4"
    assert figure(large.content.decode(), "villages") == "35"
