"""End to end in a real browser: the office plans a round and assigns a village."""

from __future__ import annotations

import pytest

from xuncha.accounts.models import User
from xuncha.conftest import BrowserPage, World
from xuncha.inspections.models import Assignment, Round


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_office_plans_a_round_and_assigns_a_village(browser_page: BrowserPage, world: World, office: User) -> None:
    """Signed in as the office, a user creates round 5, forms a group, assigns 乙一村 directly and sees it listed."""
    page = browser_page.page
    browser_page.login("office")
    browser_page.goto("/rounds/")

    form = page.locator("[data-testid=round-form]")
    form.locator("#round-term").select_option(str(world.term.pk))
    form.locator("#round-number").fill("5")
    form.locator("#round-title").fill("十五届县委第五轮巡察")
    form.locator("#round-start_date").fill("2024-03-01")
    form.locator("#round-end_date").fill("2024-05-31")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/rounds/*/")
    round_ = Round.objects.get(term=world.term, number=5)
    assert page.locator("[data-testid=round-status]").inner_text().strip() != ""

    group_form = page.locator("[data-testid=group-form]")
    group_form.locator("#id_number").fill("1")
    group_form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=group-1]")

    assignment_form = page.locator("[data-testid=assignment-form]")
    assignment_form.locator("#id_village").select_option(world.village_b1.code)
    assignment_form.locator("#id_stationed_from").fill("2024-03-10")
    assignment_form.locator("#id_stationed_until").fill("2024-04-10")
    assignment_form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=assignment-table] >> text=乙一村")

    assignment = Assignment.objects.get(round=round_)
    assert list(assignment.villages.values_list("code", flat=True)) == [world.village_b1.code]
    browser_page.screenshot("office-assigns-a-village")
    assert browser_page.errors == []
