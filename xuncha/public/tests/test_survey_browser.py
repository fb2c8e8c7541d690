"""End to end on a 375×740 phone: a resident opens the village's results, follows the link to the survey, taps an
answer, writes a comment and sends it; the page thanks, and a second visit offers no form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xuncha.conftest import BrowserPage, World
from xuncha.public.models import Disclosure, SurveyAnswer
from xuncha.public.tests.conftest import PUBLIC_SUMMARY, done_item, survey_of

PHONE = {"width": 375, "height": 740}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_resident_answers_the_survey_on_a_phone(browser_page: BrowserPage, world: World) -> None:
    """The pages fit 375 px without sideways scrolling, each answer is a tap target at least 44 px high, the answer
    is stored once, and no CSP violation or script error shows in the console."""
    item = done_item(world.village_a1)
    Disclosure.objects.create(item=item, summary=PUBLIC_SUMMARY, result="已补办手续，租金已入账。")
    survey = survey_of(world.village_a1)
    page = browser_page.page
    page.set_viewport_size(PHONE)

    browser_page.goto(reverse("public:disclosure", args=[world.village_a1.code]))
    assert page.locator("[data-testid=qr] svg").count() == 1
    assert PUBLIC_SUMMARY in page.locator("[data-testid=results]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    browser_page.screenshot("public-disclosure-phone")
    page.locator("[data-testid=survey-link] a").click()
    page.wait_for_url(f"**/p/survey/{survey.public_key}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    ratings = page.locator(".xc-rating")
    assert ratings.count() == 3
    for index in range(3):
        box = ratings.nth(index).bounding_box()
        assert box is not None
        assert box["height"] >= 44
        assert box["width"] >= 300
    ratings.nth(1).click()  # on the label: the whole block is the tap target
    assert page.locator("input[value=FAIRLY_SATISFIED]").is_checked()
    page.locator("#id_comment").fill("路灯修好了，希望多开几次居民会。")
    browser_page.screenshot("public-survey-phone")
    page.locator("[data-testid=survey-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=answered]")
    assert page.locator("[data-testid=survey-form]").count() == 0

    page.reload()
    page.wait_for_selector("[data-testid=answered]")
    assert page.locator("[data-testid=survey-form]").count() == 0
    answer = SurveyAnswer.objects.get()
    assert answer.rating == SurveyAnswer.Rating.FAIRLY_SATISFIED
    assert answer.comment == "路灯修好了，希望多开几次居民会。"
    assert browser_page.errors == []
