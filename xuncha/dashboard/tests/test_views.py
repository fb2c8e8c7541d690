"""The dashboard pages on the scene of ``scenes``: the figures, sentences and tables as rendered; the htmx partial;
the filters in the query string; the charts (their JSON specs, their tables and links); the lists behind the
figures; the roll-up of the province; and the number of queries each page costs, whatever the data.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.html import escape
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.core.context_processors import NavItem, navigation
from xuncha.dashboard.queries import Sources, build_scope, dashboard_figures
from xuncha.dashboard.tests.scenes import (
    Region,
    Scene,
    area_rows,
    chart_section,
    chart_specs,
    figure,
    has_figure,
    summary,
)
from xuncha.findings.models import Category, Problem, Suggestion
from xuncha.findings.tests.factories import SuggestionFactory
from xuncha.inspections.models import Round
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, assign
from xuncha.organisations.models import AdminUnit
from xuncha.organisations.tests import factories as units
from xuncha.rectification import actions as rectification_actions
from xuncha.rectification.models import LedgerItem, VisitCheck
from xuncha.rectification.tests.factories import confirmed_problem, ledger_item, township_person

Status = LedgerItem.Status
HX = {"HX-Request": "true"}


def dashboard(unit: AdminUnit) -> str:
    return reverse("dashboard:unit", args=[unit.code])


def problem_list(unit: AdminUnit) -> str:
    return reverse("dashboard:problem-list", args=[unit.code])


def suggestion_list(unit: AdminUnit) -> str:
    return reverse("dashboard:suggestion-list", args=[unit.code])


def html_of(
    client: Client,
    user: User,
    url: str,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    client.force_login(user)
    response = client.get(url, params or {}, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


def listed(client: Client, url: str, params: dict[str, Any] | None = None) -> list[Any]:
    """The rows of a list page (a drill-down list or the ledger), all on one page here."""
    response = client.get(url, params or {})
    assert response.status_code == 200, url
    page = response.context["page_obj"]
    assert page.paginator.num_pages == 1
    return list(page.object_list)


def count_behind(client: Client, link: str) -> int:
    response = client.get(link)
    assert response.status_code == 200, link
    count: int = response.context["page_obj"].paginator.count
    return count


def problem_of(item: LedgerItem) -> Problem:
    assert item.problem is not None
    return item.problem


def round_options(html: str) -> list[str]:
    match = re.search(r'<select id="filter-round".*?</select>', html, re.S)
    assert match is not None
    return re.findall(r'<option value="(\d*)"', match.group(0))


# The county at a glance --------------------------------------------------------------------------------------------


def test_the_county_page_shows_the_figures(client: Client, scene: Scene, office: User) -> None:
    html = html_of(client, office, dashboard(scene.world.county))

    shown = {
        name: figure(html, name)
        for name in [
            "villages",
            "communities",
            "key",
            "general",
            "inspected",
            "coverage-rate",
            "problems",
            "immediate",
            "clues",
            "completion-rate",
            "closed",
            "items",
            "overdue",
            "ongoing",
            "on-time-rate",
            "satisfaction",
            "suggestions",
        ]
    }
    assert shown == {
        "villages": "5",
        "communities": "1",
        "key": "1",
        "general": "4",
        "inspected": "4",
        "coverage-rate": "80.0%",
        "problems": "12",
        "immediate": "1",
        "clues": "2",
        "completion-rate": "37.5%",
        "closed": "3",
        "items": "8",
        "overdue": "3",
        "ongoing": "1",
        "on-time-rate": "66.7%",
        "satisfaction": "80.0%",
        "suggestions": "6",
    }


def test_the_county_page_states_the_figures_in_words(client: Client, scene: Scene, office: User) -> None:
    html = html_of(client, office, dashboard(scene.world.county))

    assert summary(html) == (
        "十五届县委: 5 villages and communities (1 key, 4 general); 4 inspected (80.0%). 12 problems found. "
        "2 problem clues transferred. Rectification 37.5% complete: 3 of 8 items closed, 3 overdue."
    )
    assert (
        "十五届县委第四轮巡察: 4 villages inspected, 1 of them key villages, 1 key villages inspected directly." in html
    )
    assert (
        "甲一村委会 raised the most: 3 suggestions on Industry development, 2 adopted and fixed immediately, "
        "1 adopted and followed up."
    ) in html
    assert "2 return visits done: 2 items verified, 0 reopened." in html
    assert "4 answers to 2 satisfaction surveys, 75.0% satisfied or fairly satisfied." in html
    assert "2 rectification results published for residents in 1 villages." in html


def test_the_county_page_has_a_row_per_township(client: Client, scene: Scene, office: User) -> None:
    """Each row: villages, key and general inspected of all, inspected, coverage, problems, items, closed,
    completion rate and overdue."""
    world = scene.world
    rows = area_rows(html_of(client, office, dashboard(world.county)))

    assert rows == {
        world.township_a.code: ["甲镇", "3", "1/1", "2/2", "3", "100.0%", "8", "5", "1", "20.0%", "2"],
        world.township_b.code: ["乙镇", "2", "0/0", "1/2", "1", "50.0%", "4", "3", "2", "66.7%", "1"],
    }


def test_the_county_page_lists_the_villages_not_yet_covered(client: Client, scene: Scene, office: User) -> None:
    html = html_of(client, office, dashboard(scene.world.county))
    match = re.search(r'data-testid="not-covered">(.*?)</details>', html, re.S)

    assert match is not None
    assert "1 village or community not yet inspected this term" in match.group(1)
    assert re.findall(r'href="/units/(\d+)/"', match.group(1)) == [scene.village_b2.code]


def test_the_county_page_lists_the_rounds(client: Client, scene: Scene, office: User) -> None:
    html = html_of(client, office, dashboard(scene.world.county))

    assert re.findall(r'<tr data-round="(\d+)">', html) == ["3", "4", "5"]
    assert round_options(html) == ["", str(scene.round3.pk), str(scene.round4.pk), str(scene.round5.pk)]


def test_the_page_lists_the_latest_visits_and_published_results(client: Client, scene: Scene, office: User) -> None:
    world = scene.world
    html = html_of(client, office, dashboard(world.county))

    visits = re.search(r'data-testid="recent-visits">(.*?)</ul>', html, re.S)
    disclosures = re.search(r'data-testid="recent-disclosures">(.*?)</ul>', html, re.S)
    assert visits is not None and disclosures is not None
    assert re.findall(r'data-village="(\d+)"', visits.group(1)) == [world.community_a.code, world.village_a2.code]
    assert "3 of 5 residents satisfied" in visits.group(1)
    assert re.findall(r'data-village="(\d+)"', disclosures.group(1)) == [world.village_a2.code] * 2
    assert reverse("public:disclosure", args=[world.village_a2.code]) in disclosures.group(1)


def test_the_page_keeps_to_the_content_security_policy(client: Client, scene: Scene, office: User) -> None:
    """No inline script runs and no inline style is set; the chart specs are JSON data, not scripts."""
    html = html_of(client, office, dashboard(scene.world.county))

    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    for attributes in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert "style=" not in html
    assert "<style" not in html


def test_the_dashboard_is_in_the_navigation(world: World, office: User, group_member: User) -> None:
    """The office sees a "Dashboard" entry, active on a dashboard page; a group member, who reads none, does not."""
    request = RequestFactory().get(dashboard(world.county))
    request.user = office
    entries = {item.url: item for item in cast(list[NavItem], navigation(request)["nav_items"])}
    assert entries[reverse("dashboard:index")].active

    request.user = group_member
    urls = [item.url for item in cast(list[NavItem], navigation(request)["nav_items"])]
    assert reverse("dashboard:index") not in urls


# htmx and filters --------------------------------------------------------------------------------------------------


def test_htmx_gets_the_body_alone(client: Client, scene: Scene, office: User) -> None:
    client.force_login(office)

    full = client.get(dashboard(scene.world.county))
    partial = client.get(dashboard(scene.world.county), headers=HX)

    assert [t.name for t in full.templates][0] == "dashboard/unit.html"
    assert [t.name for t in partial.templates][0] == "dashboard/partials/_body.html"
    assert "dashboard/unit.html" not in [t.name for t in partial.templates]
    full_html, partial_html = full.content.decode(), partial.content.decode()
    assert (
        "<html" in full_html and 'id="dashboard-body"' in full_html and 'data-testid="dashboard-filters"' in full_html
    )
    # The filters come with the body, so that another term brings its own rounds.
    assert "<html" not in partial_html and 'data-testid="dashboard-filters"' in partial_html
    assert figure(partial_html, "problems") == figure(full_html, "problems") == "12"
    assert "HX-Request" in full["Vary"] and "HX-Request" in partial["Vary"]


def test_a_history_restore_gets_the_whole_page(client: Client, scene: Scene, office: User) -> None:
    client.force_login(office)

    response = client.get(
        dashboard(scene.world.county),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert [t.name for t in response.templates][0] == "dashboard/unit.html"


def test_the_filter_form_swaps_the_body_with_htmx(client: Client, scene: Scene, office: User) -> None:
    html = html_of(client, office, dashboard(scene.world.county))
    form = re.search(r'<form[^>]*data-testid="dashboard-filters"[^>]*>', html, re.S)

    assert form is not None
    assert f'hx-get="{dashboard(scene.world.county)}"' in form.group(0)
    assert 'hx-target="#dashboard-body"' in form.group(0)
    assert 'hx-push-url="true"' in form.group(0)


@pytest.mark.parametrize("partial", [False, True])
def test_the_township_filter_narrows_every_figure(client: Client, scene: Scene, office: User, partial: bool) -> None:
    world = scene.world
    html = html_of(
        client, office, dashboard(world.county), {"township": world.township_b.code}, HX if partial else None
    )

    assert (figure(html, "villages"), figure(html, "inspected"), figure(html, "problems")) == ("2", "1", "4")
    assert (figure(html, "items"), figure(html, "closed"), figure(html, "overdue")) == ("3", "2", "1")
    assert (figure(html, "clues"), figure(html, "suggestions")) == ("0", "2")
    assert summary(html).startswith("十五届县委 · 乙镇: ")
    assert list(area_rows(html)) == [world.village_b1.code, scene.village_b2.code]


def test_the_round_filter_narrows_every_figure(client: Client, scene: Scene, office: User) -> None:
    html = html_of(client, office, dashboard(scene.world.county), {"round": scene.round3.pk})

    assert (figure(html, "inspected"), figure(html, "problems"), figure(html, "items")) == ("1", "1", "1")
    assert summary(html).startswith("十五届县委 · 十五届县委第三轮巡察: ")
    assert f'<option value="{scene.round3.pk}" selected>' in html
    # One round chosen: no chart of problems by round.
    assert "chart-problems-round-data" not in html


def test_the_term_filter_shows_the_previous_term(client: Client, scene: Scene, office: User) -> None:
    html = html_of(client, office, dashboard(scene.world.county), {"term": scene.previous_term.pk})

    assert summary(html).startswith("十四届县委: ")
    assert (figure(html, "inspected"), figure(html, "problems"), figure(html, "items")) == ("1", "1", "1")
    assert f'<option value="{scene.previous_term.pk}" selected>' in html
    assert round_options(html) == ["", str(scene.previous_round.pk)]


def test_unknown_or_foreign_filters_are_ignored(client: Client, scene: Scene, region: Region, office: User) -> None:
    """A township, round or term of another county, or nonsense, leaves the county's figures as they are."""
    other_township = region.xingan_key.parent
    assert other_township is not None
    for params in (
        {"township": other_township.code},
        {"round": region.xingan_round.pk},
        {"term": region.xingan_term.pk},
        {"term": "x", "round": "-1", "township": "abc"},
    ):
        html = html_of(client, office, dashboard(scene.world.county), params)
        assert (figure(html, "problems"), figure(html, "villages")) == ("12", "5"), params


def test_links_carry_the_filters(client: Client, scene: Scene, office: User) -> None:
    world = scene.world
    html = html_of(
        client, office, dashboard(world.county), {"township": world.township_b.code, "round": scene.round4.pk}
    )

    match = re.search(r'data-figure="problems" href="([^"]+)"', html)
    assert match is not None
    link = match.group(1).replace("&amp;", "&")
    assert urlsplit(link).path == problem_list(world.county)
    assert parse_qs(urlsplit(link).query) == {
        "term": [str(world.term.pk)],
        "round": [str(scene.round4.pk)],
        "township": [world.township_b.code],
    }


# Charts ------------------------------------------------------------------------------------------------------------

COUNTY_CHARTS = [
    "chart-coverage",
    "chart-problems-category",
    "chart-problems-area",
    "chart-problems-source",
    "chart-problems-round",
    "chart-rectification-status",
    "chart-rectification-area",
    "chart-suggestions-outcome",
]


def series(spec: dict[str, Any], index: int = 0) -> list[float]:
    data: list[float] = spec["series"][index]["data"]
    return data


def test_every_chart_spec_parses_and_adds_up_to_the_figures(client: Client, scene: Scene, office: User) -> None:
    specs = chart_specs(html_of(client, office, dashboard(scene.world.county)))

    assert list(specs) == COUNTY_CHARTS
    assert (series(specs["chart-coverage"], 0), series(specs["chart-coverage"], 1)) == ([3, 1], [0, 1])
    assert specs["chart-coverage"]["labels"] == ["甲镇", "乙镇"]
    assert sum(series(specs["chart-problems-category"])) == 12
    assert len(specs["chart-problems-category"]["labels"]) == len(Category.values)
    assert series(specs["chart-problems-area"]) == [8, 4]
    assert sum(series(specs["chart-problems-source"])) == 12
    assert series(specs["chart-problems-round"]) == [1, 11]
    assert series(specs["chart-rectification-status"]) == [3, 1, 1, 3]
    assert specs["chart-rectification-area"]["percent"] is True
    assert series(specs["chart-rectification-area"]) == [20.0, 66.7]
    assert series(specs["chart-suggestions-outcome"]) == [2, 2, 1, 1]
    for chart_id, spec in specs.items():
        assert spec["kind"] in ("bar", "hbar", "pie"), chart_id
        assert len(spec["links"]) == len(spec["labels"]), chart_id
        for values in spec["series"]:
            assert len(values["data"]) == len(spec["labels"]), chart_id


def test_every_chart_has_a_table_with_a_link_per_row(client: Client, scene: Scene, office: User) -> None:
    html = html_of(client, office, dashboard(scene.world.county))
    specs = chart_specs(html)

    for chart_id, spec in specs.items():
        section = chart_section(html, chart_id)
        assert f'id="{chart_id}"' in section and 'role="img"' in section, chart_id
        body = re.search(r"<tbody>(.*?)</tbody>", section, re.S)
        assert body is not None, chart_id
        rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
        assert len(rows) == len(spec["labels"]), chart_id
        for row, label, link in zip(rows, spec["labels"], spec["links"], strict=True):
            if link is None:  # a figure no one list shows: the label stands alone
                assert f">{escape(label)}</th>" in row, (chart_id, label)
            else:
                assert f'<a href="{escape(link)}">{escape(label)}</a>' in row, (chart_id, label)


def test_the_township_page_charts_its_villages(client: Client, scene: Scene, township_user: User) -> None:
    """The rows are 甲镇's villages; no chart of suggestions for the township committee."""
    specs = chart_specs(html_of(client, township_user, dashboard(scene.world.township_a)))

    assert "chart-suggestions-outcome" not in specs
    assert specs["chart-problems-area"]["labels"] == ["甲社区居委会", "甲一村委会", "甲二村委会"]
    assert series(specs["chart-problems-area"]) == [1, 2, 2]
    assert sum(series(specs["chart-problems-category"])) == 5
    assert series(specs["chart-rectification-status"]) == [1, 1, 1, 2]


def test_an_empty_chart_says_so_instead_of_drawing(client: Client, world: World, office: User) -> None:
    """The world alone has no problem and no item: the charts show their tables and no spec to draw."""
    html = html_of(client, office, dashboard(world.county))
    specs = chart_specs(html)

    assert "chart-problems-category" not in specs
    assert "Nothing to show yet." in chart_section(html, "chart-problems-category")
    assert figure(html, "problems") == "0"


# The lists behind the figures --------------------------------------------------------------------------------------


def test_each_problem_chart_links_to_exactly_its_problems(client: Client, scene: Scene, office: User) -> None:
    """Following a bar or slice of the problem charts lists as many problems as it shows."""
    specs = chart_specs(html_of(client, office, dashboard(scene.world.county)))

    for chart_id in ("chart-problems-category", "chart-problems-source", "chart-problems-round"):
        spec = specs[chart_id]
        for link, value in zip(spec["links"], series(spec), strict=True):
            assert count_behind(client, link) == value, (chart_id, link)


def test_the_problem_list_filters_by_category_and_source(client: Client, scene: Scene, office: User) -> None:
    client.force_login(office)
    finance = {scene.problems["a1_finance"], scene.problems["a2_draft"]}

    assert set(listed(client, problem_list(scene.world.county), {"category": "FINANCE"})) == finance
    assert listed(client, problem_list(scene.world.county), {"source": "TALK"}) == [scene.problems["a1_finance"]]
    assert listed(client, problem_list(scene.world.county), {"fix_type": "LONG_TERM"}) == [
        scene.problems["a2_draft"],
        problem_of(scene.items["a2_ongoing"]),
    ]


def test_the_problem_list_never_shows_a_discarded_problem(client: Client, scene: Scene, office: User) -> None:
    client.force_login(office)
    response = client.get(problem_list(scene.world.county))
    problems = list(response.context["page_obj"].object_list)

    assert len(problems) == 12
    assert scene.problems["b1_discarded"] not in problems
    assert Problem.Status.DISCARDED not in {problem.status for problem in problems}
    assert listed(client, problem_list(scene.world.county), {"source": "PETITION"}) == []
    assert scene.problems["b1_discarded"].serial not in response.content.decode()


def test_the_problem_list_filters_by_round_and_township(client: Client, scene: Scene, office: User) -> None:
    world = scene.world
    client.force_login(office)

    assert listed(client, problem_list(world.county), {"round": scene.round3.pk}) == [
        problem_of(scene.items["round3_closed"])
    ]
    township_b = listed(client, problem_list(world.county), {"township": world.township_b.code})
    assert len(township_b) == 4
    assert {problem.village for problem in township_b} == {world.village_b1}
    both = listed(client, problem_list(world.county), {"township": world.township_b.code, "round": scene.round4.pk})
    assert len(both) == 3
    assert listed(client, problem_list(world.county), {"term": scene.previous_term.pk}) == [
        problem_of(scene.items["previous_closed"])
    ]


def test_the_problem_list_shows_the_numbers_and_villages(client: Client, scene: Scene, office: User) -> None:
    html = html_of(client, office, problem_list(scene.world.county), {"category": "FINANCE"})

    assert scene.problems["a1_finance"].serial in html
    assert scene.problems["a2_draft"].serial in html
    assert "甲一村" in html and "甲二村" in html
    assert problem_of(scene.items["a2_closed"]).serial not in html


def test_a_township_lists_only_its_fed_back_problems(client: Client, scene: Scene, township_user: User) -> None:
    """No draft, no confirmed paper not yet fed back, nothing of 乙镇, even when asked for."""
    world = scene.world
    client.force_login(township_user)
    problems = listed(client, problem_list(world.township_a))

    assert len(problems) == 5
    assert {problem.status for problem in problems} == {Problem.Status.FED_BACK}
    assert scene.problems["a2_draft"] not in problems
    assert listed(client, problem_list(world.township_a), {"category": "FINANCE"}) == [scene.problems["a1_finance"]]
    asked_for_b1 = listed(client, problem_list(world.township_a), {"village": world.village_b1.code})
    assert world.village_b1 not in {problem.village for problem in asked_for_b1}
    assert client.get(problem_list(world.county)).status_code == 404
    assert client.get(problem_list(world.township_b)).status_code == 404


def test_the_problems_by_village_of_a_township_link_to_its_problems(
    client: Client, scene: Scene, township_user: User
) -> None:
    specs = chart_specs(html_of(client, township_user, dashboard(scene.world.township_a)))
    spec = specs["chart-problems-area"]

    for link, value in zip(spec["links"], series(spec), strict=True):
        assert count_behind(client, link) == value, link


def test_each_suggestion_slice_links_to_its_suggestions(client: Client, scene: Scene, office: User) -> None:
    spec = chart_specs(html_of(client, office, dashboard(scene.world.county)))["chart-suggestions-outcome"]

    for link, value in zip(spec["links"], series(spec), strict=True):
        assert count_behind(client, link) == value, link


def test_the_suggestion_list_filters_by_outcome_village_and_topic(client: Client, scene: Scene, office: User) -> None:
    world = scene.world
    client.force_login(office)
    outcome = Suggestion.Outcome

    immediate = listed(client, suggestion_list(world.county), {"outcome": outcome.IMMEDIATE})
    assert [(s.village, s.outcome) for s in immediate] == [(world.village_a1, "IMMEDIATE")] * 2
    assert [s.outcome for s in listed(client, suggestion_list(world.county), {"outcome": "UNDECIDED"})] == [""]
    top = listed(client, suggestion_list(world.county), {"village": world.village_b1.code, "topic": "INDUSTRY"})
    assert len(top) == 2
    assert (
        listed(client, suggestion_list(world.county), {"township": world.township_b.code, "outcome": "IMMEDIATE"}) == []
    )
    assert len(listed(client, suggestion_list(world.county), {"round": scene.round3.pk})) == 0


def test_the_top_suggestion_rows_link_to_their_suggestions(client: Client, scene: Scene, office: User) -> None:
    html = html_of(client, office, dashboard(scene.world.county))
    table = re.search(r'data-testid="suggestion-villages">(.*?)</table>', html, re.S)

    assert table is not None
    links = re.findall(r'<a href="([^"]+)">(\d+)</a>', table.group(1))
    assert [int(total) for _link, total in links] == [3, 2, 1]
    for link, total in links:
        assert count_behind(client, link.replace("&amp;", "&")) == int(total)


def test_the_rectification_slices_link_to_the_ledger_behind_them(client: Client, scene: Scene, office: User) -> None:
    """Closed, ongoing and overdue: the ledger behind each slice holds as many items as the slice (the term's, not
    those of the previous term). Open on time (green and yellow lights) has no one list, so it has no link."""
    spec = chart_specs(html_of(client, office, dashboard(scene.world.county)))["chart-rectification-status"]

    assert spec["links"][2] is None
    for label, link, value in zip(spec["labels"], spec["links"], series(spec), strict=True):
        if link is not None:
            assert count_behind(client, link) == value, (label, link)


def test_the_area_rows_link_to_the_townships_villages(client: Client, scene: Scene, office: User) -> None:
    world = scene.world
    html = html_of(client, office, dashboard(world.county))

    for code, villages in ((world.township_a.code, 3), (world.township_b.code, 2)):
        match = re.search(rf'<tr data-area="{code}"><th[^>]*><a href="([^"]+)">', html)
        assert match is not None
        assert count_behind(client, match.group(1).replace("&amp;", "&")) == villages


# The province ------------------------------------------------------------------------------------------------------


def test_the_province_page_sums_its_counties_with_a_row_each(
    client: Client, region: Region, scene: Scene, province_leader: User
) -> None:
    html = html_of(client, province_leader, dashboard(region.province))

    assert summary(html).startswith("Current terms of 3 counties:")
    assert (figure(html, "villages"), figure(html, "inspected"), figure(html, "problems")) == ("8", "7", "17")
    assert (figure(html, "items"), figure(html, "closed"), figure(html, "clues")) == ("11", "5", "3")
    rows = area_rows(html)
    assert list(rows) == [region.xingning.code, region.xingan.code, scene.world.county.code]
    assert rows[region.xingan.code][:2] == ["兴安县", "2"]
    assert rows[scene.world.county.code][6] == "12"
    assert 'data-testid="dashboard-filters"' not in html
    assert 'data-testid="dashboard-rounds"' not in html


def test_the_province_rows_and_bars_open_each_countys_dashboard(
    client: Client, region: Region, scene: Scene, province_leader: User
) -> None:
    html = html_of(client, province_leader, dashboard(region.province))
    spec = chart_specs(html)["chart-problems-area"]

    assert spec["links"] == [dashboard(region.xingning), dashboard(region.xingan), dashboard(scene.world.county)]
    assert series(spec) == [1, 4, 12]
    for code in (region.xingning.code, region.xingan.code):
        assert f'<tr data-area="{code}"><th scope="row" class="fw-normal"><a href="/dashboard/{code}/">' in html
    county = html_of(client, province_leader, dashboard(scene.world.county))
    assert figure(county, "problems") == "12"
    assert figure(county, "clues") == "2"


def test_the_city_page_rolls_up_its_two_counties(
    client: Client, region: Region, scene: Scene, city_leader: User
) -> None:
    html = html_of(client, city_leader, dashboard(region.city))

    assert summary(html).startswith("Current terms of 2 counties:")
    assert list(area_rows(html)) == [region.xingan.code, scene.world.county.code]
    assert figure(html, "problems") == "16"


def test_the_province_problem_list_holds_the_rolled_up_problems(
    client: Client, region: Region, province_leader: User
) -> None:
    client.force_login(province_leader)

    assert count_behind(client, problem_list(region.province)) == 17


# Queries -----------------------------------------------------------------------------------------------------------

# Session, user, grants, memberships; the unit, its terms, rounds and townships; the figures: villages (areas,
# counts, inspected by area, not covered), problems (totals, by area, by round), items (totals, by area, by round),
# suggestions (totals, top villages), clues, visits (totals, verdicts, latest), survey, disclosures (totals, latest),
# rounds (two), outcomes (two: grouped sums, grouped rules), deliverables (on time, late, missing: one),
# residents' confirmations (one, grouped by item), extensions (two: items extended, requests); the page's
# ancestors and the notification bell. The htmx partial leaves out the last two. The full page of the reader's own
# unit also has the reader's to-do (``dashboard.todo``): 3 for the office, 2 for a township, 2 for a village, 1 for a
# leader.
COUNTY_PAGE = 41
COUNTY_PARTIAL = 36
# No townships to choose, no clues and no suggestions; one ancestor more.
TOWNSHIP_PAGE = 38
TOWNSHIP_PARTIAL = 34
# No area rows.
VILLAGE_PAGE = 35
VILLAGE_PARTIAL = 31
# No term, rounds or townships to choose, no figures by round, no rounds; the current terms of its counties.
PROVINCE_PAGE = 29
PROVINCE_PARTIAL = 27


def more_data(scene: Scene, count: int) -> None:
    """``count`` more of everything the dashboard counts: villages, problems (two each: a confirmed one and the
    fed-back one behind an item), items, suggestions, visits."""
    world = scene.world
    for number in range(count):
        village = units.village(world.township_b, f"新{number}村委会", number=300 + number)
        assign(GroupFactory.create(round=scene.round4, number=10 + number), [village])
        confirmed_problem(scene.round4, village, category=Category.PROJECT)
        item = ledger_item(scene.round4, village, status=Status.SUBMITTED)
        SuggestionFactory.create(assignment=scene.reported.assignments[world.village_a1.pk], outcome="")
        planned = rectification_actions.plan_visit(village, planned_on=date(2024, 4, 1), items=[item], actor=SYSTEM)
        rectification_actions.record_visit(
            planned,
            visited_on=date(2024, 4, 1),
            verdicts={item.pk: (VisitCheck.Verdict.VERIFIED, "整改到位。", None)},
            people_asked=3,
            people_satisfied=3,
            actor=SYSTEM,
        )


def assert_pinned(
    client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    url: str,
    queries: int,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    with django_assert_num_queries(queries):
        response = client.get(url, params or {}, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("headers", "queries"), [({}, COUNTY_PAGE), (HX, COUNTY_PARTIAL)])
def test_the_county_page_costs_the_same_with_more_data(
    client: Client,
    scene: Scene,
    office: User,
    django_assert_num_queries: DjangoAssertNumQueries,
    headers: dict[str, str],
    queries: int,
) -> None:
    """The same number of queries with 8 items as with 28, 5 villages as 25, 6 suggestions as 26."""
    client.force_login(office)
    url = dashboard(scene.world.county)
    client.get(url)

    small = assert_pinned(client, django_assert_num_queries, url, queries, headers=headers)
    more_data(scene, 20)
    large = assert_pinned(client, django_assert_num_queries, url, queries, headers=headers)

    assert (figure(small, "items"), figure(large, "items")) == ("8", "28")
    assert (figure(small, "villages"), figure(large, "villages")) == ("5", "25")
    assert (figure(small, "suggestions"), figure(large, "suggestions")) == ("6", "26")


def test_the_county_page_costs_the_same_filtered(
    client: Client, scene: Scene, office: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client.force_login(office)
    params: dict[str, Any] = {"round": scene.round4.pk, "township": scene.world.township_b.code}
    client.get(dashboard(scene.world.county), params)

    assert_pinned(client, django_assert_num_queries, dashboard(scene.world.county), COUNTY_PAGE, params)
    assert_pinned(client, django_assert_num_queries, dashboard(scene.world.county), COUNTY_PARTIAL, params, HX)


def test_the_county_page_costs_the_same_with_more_rounds(
    client: Client, scene: Scene, office: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The term's rounds are offered in the filter and listed in a table: six more rounds cost no more queries."""
    client.force_login(office)
    url = dashboard(scene.world.county)
    client.get(url)

    assert_pinned(client, django_assert_num_queries, url, COUNTY_PAGE)
    more_rounds(scene, 6)
    html = assert_pinned(client, django_assert_num_queries, url, COUNTY_PAGE)

    assert len(round_options(html)) == 1 + 9


@pytest.mark.parametrize(("headers", "queries"), [({}, TOWNSHIP_PAGE), (HX, TOWNSHIP_PARTIAL)])
def test_the_township_page_costs_the_same_with_more_data(
    client: Client,
    scene: Scene,
    django_assert_num_queries: DjangoAssertNumQueries,
    headers: dict[str, str],
    queries: int,
) -> None:
    client.force_login(township_person(scene.world.township_b, "township_b"))
    url = dashboard(scene.world.township_b)
    client.get(url)

    small = assert_pinned(client, django_assert_num_queries, url, queries, headers=headers)
    more_data(scene, 20)
    large = assert_pinned(client, django_assert_num_queries, url, queries, headers=headers)

    assert (figure(small, "items"), figure(large, "items")) == ("3", "23")


@pytest.mark.parametrize(("headers", "queries"), [({}, VILLAGE_PAGE), (HX, VILLAGE_PARTIAL)])
def test_the_village_page_costs_the_same_with_more_items(
    client: Client,
    scene: Scene,
    village_user: User,
    django_assert_num_queries: DjangoAssertNumQueries,
    headers: dict[str, str],
    queries: int,
) -> None:
    world = scene.world
    client.force_login(village_user)
    url = dashboard(world.village_a1)
    client.get(url)

    small = assert_pinned(client, django_assert_num_queries, url, queries, headers=headers)
    for _ in range(18):
        ledger_item(scene.round4, world.village_a1, status=Status.CLOSED)
    large = assert_pinned(client, django_assert_num_queries, url, queries, headers=headers)

    assert (figure(small, "items"), figure(large, "items")) == ("2", "20")


@pytest.mark.parametrize(("headers", "queries"), [({}, PROVINCE_PAGE), (HX, PROVINCE_PARTIAL)])
def test_the_province_page_costs_the_same_with_more_counties(
    client: Client,
    region: Region,
    province_leader: User,
    django_assert_num_queries: DjangoAssertNumQueries,
    headers: dict[str, str],
    queries: int,
) -> None:
    """Three counties or six: the same queries (a county's row is a group of the same aggregate)."""
    client.force_login(province_leader)
    url = dashboard(region.province)
    client.get(url)

    small = assert_pinned(client, django_assert_num_queries, url, queries, headers=headers)
    for code in ("450103", "450105", "450107"):
        county = units.county(code, f"测试{code}区")
        village = units.village(units.township(county, number=100), number=201)
        round_ = RoundFactory.create(term__county=county, status=Round.Status.RECTIFYING)
        assign(GroupFactory.create(round=round_, number=1), [village])
        ledger_item(round_, village, status=Status.CLOSED)
    large = assert_pinned(client, django_assert_num_queries, url, queries, headers=headers)

    assert (len(area_rows(small)), len(area_rows(large))) == (3, 6)
    assert (figure(small, "items"), figure(large, "items")) == ("11", "14")


# Drill-down lists: the session, user, grants and memberships, the unit, its terms, rounds and townships; the count,
# the page of rows (with their village and round), the filter form's rounds and villages, the bell.
PROBLEM_LIST = 13
# No rounds in the filter form.
SUGGESTION_LIST = 12


def more_rounds(scene: Scene, count: int) -> None:
    for number in range(6, 6 + count):
        RoundFactory.create(term=scene.world.term, number=number, status=Round.Status.STATIONED)


def test_the_problem_list_costs_the_same_with_more_problems_and_rounds(
    client: Client, scene: Scene, office: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """12 problems or 52, three rounds of the term or nine: the same queries."""
    client.force_login(office)
    url = problem_list(scene.world.county)
    client.get(url)

    assert_pinned(client, django_assert_num_queries, url, PROBLEM_LIST)
    assert count_behind(client, url) == 12
    more_data(scene, 20)
    more_rounds(scene, 6)
    assert_pinned(client, django_assert_num_queries, url, PROBLEM_LIST)
    assert count_behind(client, url) == 52


def test_the_suggestion_list_costs_the_same_with_more_suggestions(
    client: Client, scene: Scene, office: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """One undecided suggestion or 21, each shown with its round: the same queries."""
    client.force_login(office)
    url = suggestion_list(scene.world.county)
    params = {"outcome": "UNDECIDED"}
    client.get(url, params)

    assert_pinned(client, django_assert_num_queries, url, SUGGESTION_LIST, params)
    more_data(scene, 20)
    more_rounds(scene, 6)
    assert_pinned(client, django_assert_num_queries, url, SUGGESTION_LIST, params)
    assert count_behind(client, f"{url}?outcome=UNDECIDED") == 21


def test_figures_and_page_agree(client: Client, scene: Scene, office: User) -> None:
    """The page shows what ``dashboard_figures`` computes for the office's sources."""
    world = scene.world
    html = html_of(client, office, dashboard(world.county))
    figures = dashboard_figures(build_scope(world.county), Sources.everything())

    assert figure(html, "problems") == str(figures["problems"]["total"])
    assert figure(html, "items") == str(figures["rectification"]["ledger_items"])
    assert figure(html, "clues") == str(figures["clues"]["transferred"])
    assert has_figure(html, "suggestions")
