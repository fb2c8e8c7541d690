"""End to end in a real browser: the office opens the county dashboard, sees the charts drawn, and narrows it to
one township with the filter, which htmx applies without leaving the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from xuncha.accounts.models import User
from xuncha.conftest import ARTIFACTS, BrowserPage, World
from xuncha.rectification.tests.factories import publish, reported_round

CHART_IDS = ["chart-coverage", "chart-problems-category", "chart-problems-source", "chart-rectification-status"]


def _figure(browser_page: BrowserPage, name: str) -> str:
    return str(browser_page.page.locator(f"#dashboard-body [data-figure={name}]").first.inner_text()).strip()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_reads_the_dashboard_and_filters_it_by_township(
    browser_page: BrowserPage, world: World, office: User
) -> None:
    """The charts render on canvases (ECharts, served locally) without console errors or CSP violations; choosing
    a township changes the figures in place and the address, so that the view can be bookmarked."""
    reported = reported_round(world, per_village=3)
    for village in (world.village_a1, world.village_b1):
        publish(reported.round, village, office)
    page = browser_page.page
    page.emulate_media(reduced_motion="reduce")  # the charts then draw without animation
    browser_page.login("office")
    browser_page.goto(f"/dashboard/{world.county.code}/")

    for chart_id in CHART_IDS:
        page.wait_for_selector(f"#{chart_id} canvas")
    assert _figure(browser_page, "problems") == "12"
    assert _figure(browser_page, "villages") == "4"
    assert page.locator("#chart-problems-category canvas").bounding_box()["height"] > 100

    page.select_option("#filter-township", world.township_b.code)
    expect(page.locator("#dashboard-body [data-figure=problems]")).to_have_text("3")
    assert _figure(browser_page, "villages") == "1"
    assert f"township={world.township_b.code}" in page.url
    page.wait_for_selector("#chart-problems-category canvas")
    # The table view of a chart is the same figures, for screen readers and copy-paste.
    page.click("[data-testid=chart-problems-category] summary")
    assert page.locator("[data-testid=chart-problems-category] table tbody tr").count() >= 1

    ARTIFACTS.mkdir(exist_ok=True)
    path = browser_page.screenshot("dashboard-county-filtered")
    assert path.stat().st_size > 10_000
    assert browser_page.errors == []
