"""End to end on a phone-sized screen: a resident writes anonymously, notes the receipt code and looks it up."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xuncha.conftest import BrowserPage, World
from xuncha.findings.models import Category, Petition
from xuncha.public.tests.conftest import stationed_around_today


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_resident_writes_from_a_phone_and_looks_up_the_receipt(browser_page: BrowserPage, world: World) -> None:
    """At 375×812 the notice and the form fit the screen; the message is received and its code looks up as
    the stage 'Received'; no CSP violation or script error shows in the console."""
    assignment = stationed_around_today(world.assignment)
    page = browser_page.page
    page.set_viewport_size({"width": 375, "height": 812})

    browser_page.goto(reverse("public:notice", args=[assignment.public_key]))
    assert page.locator("[data-testid=qr] svg").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator(".xc-notice-actions a.btn-primary").click()
    page.wait_for_url("**/write/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    form = page.locator("[data-testid=petition-form]")
    form.locator("#id_category").select_option(Category.BENEFIT.value)
    form.locator("#id_text").fill("低保评定不公开，村干部亲属优先享受。")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/sent/")
    code = page.locator("[data-testid=receipt-code]").inner_text().replace(" ", "")
    assert code == Petition.objects.get().receipt_code
    browser_page.screenshot("public-petition-phone")

    browser_page.goto(reverse("public:receipt-lookup"))
    page.locator("#id_code").fill(f"{code[:5].lower()}-{code[5:].lower()}")
    page.locator("[data-testid=lookup-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=lookup-status]")
    assert page.locator("[data-testid=lookup-status]").inner_text().strip() == "Received"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    petition = Petition.objects.get()
    assert petition.is_anonymous and petition.recorded_by is None
    assert browser_page.errors == []
