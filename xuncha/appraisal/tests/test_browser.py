"""End to end on a 375×740 phone: a resident opens the questionnaire from its QR code's address, says who answers,
taps a grade per item and sends the form; the page thanks, a second visit offers no form; then the group reads the
tallies with their charts drawn under the strict CSP."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.appraisal.models import Appraisal, AppraisalAnswer, AppraisalForm
from xuncha.conftest import BrowserPage

PHONE = {"width": 375, "height": 740}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_resident_fills_the_questionnaire_on_a_phone(
    browser_page: BrowserPage, appraisal: Appraisal, group_member: User
) -> None:
    """The page fits 375 px without sideways scrolling, each grade is a tap target at least 44 px high, the form is
    stored once, and no CSP violation or script error shows in the console."""
    page = browser_page.page
    page.set_viewport_size(PHONE)
    browser_page.goto(reverse("appraisal:public", args=[appraisal.public_key]))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    items = page.locator("[data-testid=item]")
    assert items.count() == appraisal.items.count()
    grades = page.locator("[data-testid=item] .xc-grade")
    for index in range(grades.count()):
        box = grades.nth(index).bounding_box()
        assert box is not None
        assert box["height"] >= 44
    page.locator("[data-testid=respondent] .xc-grade").nth(1).click()  # 村民代表, on the label
    for index in range(items.count()):
        items.nth(index).locator(".xc-grade").nth(index % 2).click()
    browser_page.screenshot("appraisal-questionnaire-phone")
    page.locator("[data-testid=appraisal-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=answered]")
    page.reload()
    page.wait_for_selector("[data-testid=answered]")
    assert page.locator("[data-testid=appraisal-form]").count() == 0
    form = AppraisalForm.objects.get()
    assert (form.channel, form.respondent_kind) == ("PHONE", "REPRESENTATIVE")
    grades_given = dict(
        AppraisalAnswer.objects.filter(form=form).values_list("item__position", "rating").order_by("item__position")
    )
    assert grades_given == {
        position: ("GOOD" if (position - 1) % 2 == 0 else "FAIRLY_GOOD") for position in grades_given
    }
    assert browser_page.errors == []

    page.set_viewport_size({"width": 1366, "height": 900})
    browser_page.login(group_member.username)
    browser_page.goto(appraisal.get_absolute_url())
    page.wait_for_selector("#chart-appraisal-grades canvas")
    assert page.locator("[data-testid=forms-total]").inner_text() == "1"
    browser_page.screenshot("appraisal-tallies")
    assert browser_page.errors == []
