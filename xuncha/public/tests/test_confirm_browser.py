"""End to end on a 390×844 phone (the closing note of issue 14): a resident opens the village's disclosure QR page,
follows an item being rectified, answers 未解决 with a photo; the office then sees the answer on the item and is
refused a plain close; the director closes it with an override reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.models import Event
from xuncha.conftest import TEST_PASSWORD, BrowserPage, World
from xuncha.public.actions import confirm_item
from xuncha.public.devices import item_device_key
from xuncha.public.models import ResidentConfirmation
from xuncha.public.tests.images import PNG
from xuncha.rectification.models import LedgerItem, VisitCheck
from xuncha.rectification.tests.factories import ledger_item
from xuncha.rectification.tests.test_four_eyes import check_on_a_visit

PHONE = {"width": 390, "height": 844}
Answer = ResidentConfirmation.Answer


def _login(page: Any, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_resident_says_not_fixed_and_the_office_is_refused_a_plain_close(
    browser: Any, browser_page: BrowserPage, world: World, office: User, office_lead: User, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    item = ledger_item(world.round, world.village_a2, status=LedgerItem.Status.REVIEWED)
    # Two neighbours said so already; the resident's answer makes three, which holds the item.
    for phone in range(2):
        confirm_item(
            item,
            answer=Answer.UNRESOLVED,
            comment="",
            device_key=item_device_key(item, f"neighbour-{phone}"),
            channel=ResidentConfirmation.Channel.DISCLOSURE,
        )

    resident = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = resident.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(browser_page.base_url + reverse("public:disclosure", args=[world.village_a2.code]))
    page.locator("[data-testid=open-item]").first.click()
    page.wait_for_url(f"**/p/villages/{world.village_a2.code}/items/{item.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("[data-testid=answer-unresolved]").click()
    page.locator("#id_comment").fill("路灯还是不亮，晚上出行不安全。")
    photo = tmp_path / "路灯.png"
    photo.write_bytes(PNG)
    page.locator("#id_photo").set_input_files(str(photo))
    page.locator("[data-testid=confirm-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=answered]")
    assert errors == []
    resident.close()

    mine = ResidentConfirmation.objects.exclude(
        device_key__in=[item_device_key(item, f"neighbour-{n}") for n in (0, 1)]
    )
    assert mine.get().photo is not None
    item.refresh_from_db()
    assert item.needs_return_visit  # the residents' objection asked for a return visit
    visitor = UserFactory.create(username="office_2", display_name="周敏")
    grant(visitor, Role.OFFICE, world.county)
    check_on_a_visit(item, VisitCheck.Verdict.VERIFIED, visitor)

    browser_page.login(office.username)
    browser_page.goto(item.get_absolute_url())
    office_page = browser_page.page
    panel = office_page.locator("[data-testid=confirmations]")
    assert "路灯还是不亮" in panel.inner_text()
    assert panel.locator("[data-testid=confirmation-photo]").count() == 1
    assert office_page.locator("[data-testid=objection]").count() == 1
    assert office_page.locator("[data-testid=close-form]").count() == 0
    refused = office_page.locator("[data-testid=refused-close]").inner_text()
    assert "3" in refused
    browser_page.screenshot("office-item-residents-object")

    director = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    lead_page = director.new_page()
    _login(lead_page, browser_page.base_url, office_lead.username)
    lead_page.goto(browser_page.base_url + item.get_absolute_url())
    lead_page.fill("#close_override_reason", "经现场核实，路灯已更换；群众所指为另一处路灯，另行交办。")
    lead_page.locator("[data-testid=close-form] button[type=submit]").click()
    lead_page.wait_for_load_state()
    director.close()

    item.refresh_from_db()
    assert item.status == LedgerItem.Status.CLOSED
    assert Event.objects.filter(verb="rectification.objection_overridden", actor=office_lead).exists()
