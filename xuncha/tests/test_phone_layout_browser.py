"""The staff pages on a phone (390×844 in chromium): no page of the village, township or group-member roles scrolls
sideways, the navigation stays folded until its button is pressed, and on an item the village's progress form
starts within the first screen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.accounts.tests.factories import TEST_PASSWORD
from xuncha.conftest import ARTIFACTS, World
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.tests.factories import ledger_item, set_round

PHONE = {"width": 390, "height": 844}
PAGES_PER_ROLE = 40
# Links that answer with a file, or end the session, or leave the staff pages.
SKIPPED_ENDINGS = (".docx", ".xlsx", ".zip", ".pdf", ".csv")
SKIPPED_PARTS = ("export=", "/logout", "/admin/", "/api/", "/download", "/static/", "/media/")
Status = LedgerItem.Status


@dataclass
class Phone:
    """A signed-in phone-sized page on the live server."""

    page: Any
    base_url: str
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        return self.page.goto(path if path.startswith("http") else self.base_url + path)

    def login(self, username: str) -> None:
        self.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", TEST_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def overflow(self) -> tuple[int, int]:
        """The document's scroll width against the viewport's."""
        widths = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        return int(widths[0]), int(widths[1])

    def culprit(self, width: int) -> str:
        """The outermost element reaching past the phone's right edge, to name in a failure. (A mobile browser
        widens its layout viewport to the content, so the phone's width is the measure, not innerWidth.)"""
        return str(
            self.page.evaluate(
                """(limit) => {
                  const wide = Array.from(document.querySelectorAll('body *')).filter(
                    (el) => el.getBoundingClientRect().right > limit);
                  const outer = wide.find((el) => !wide.includes(el.parentElement)) || wide[0];
                  return outer ? outer.tagName + '.' + outer.className + ' ' + Math.round(
                    outer.getBoundingClientRect().right) : '';
                }""",
                width + 1,
            )
        )

    def links(self) -> list[str]:
        """The same-site links of the page (navigation included, hidden or not)."""
        hrefs = self.page.evaluate("Array.from(document.querySelectorAll('a[href]:not([download])'), a => a.href)")
        return [str(href) for href in hrefs]


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Phone]:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    phone = Phone(page, live_server.url)
    page.on("pageerror", lambda error: phone.errors.append(str(error)))
    yield phone
    context.close()


@pytest.fixture
def items(world: World) -> dict[str, LedgerItem]:
    """甲一村's items of round 4, fed back: one overdue, one due soon, one on track being worked on, one returned by
    the township and one submitted; 甲二村 has one too (the township's matrix has two rows)."""
    round_ = set_round(world, "RECTIFYING")
    today = timezone.localdate()
    village = world.village_a1
    made = {
        "overdue": ledger_item(round_, village, deadline=today - timedelta(days=3)),
        "due": ledger_item(round_, village, status=Status.IN_PROGRESS, deadline=today + timedelta(days=5)),
        "green": ledger_item(round_, village, status=Status.IN_PROGRESS, deadline=today + timedelta(days=90)),
        "returned": ledger_item(round_, village, status=Status.RETURNED, deadline=today + timedelta(days=20)),
        "submitted": ledger_item(round_, village, status=Status.SUBMITTED, deadline=today + timedelta(days=30)),
        "other": ledger_item(round_, world.village_a2, deadline=today + timedelta(days=40)),
    }
    for item in made.values():
        item.measures = "召开村民代表大会，逐项公开村务和财务收支情况，建立台账并按季度更新。"
        item.responsible_leader = "村党组织书记"
        item.save(update_fields=["measures", "responsible_leader"])
    return made


def _wanted(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    lowered = url.lower()
    return not lowered.split("?")[0].endswith(SKIPPED_ENDINGS) and not any(part in lowered for part in SKIPPED_PARTS)


def crawl(phone: Phone, width: int, limit: int = PAGES_PER_ROLE) -> dict[str, tuple[int, str]]:
    """From the home page, follow the same-site links breadth-first (GET only) and measure each page's scroll width
    (with the element that sticks out when it is wider than ``width``)."""
    origin = phone.base_url.rstrip("/")
    queue = [origin + "/"]
    seen: set[str] = set(queue)
    # Each path is measured with at most two of its queries (filters), so that the pages differ.
    per_path: dict[str, int] = {}
    widths: dict[str, tuple[int, str]] = {}
    while queue and len(widths) < limit:
        url = queue.pop(0)
        response = phone.goto(url)
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        path = phone.page.url.removeprefix(origin)
        scroll_width, _viewport = phone.overflow()
        widths[path] = (scroll_width, phone.culprit(width) if scroll_width > width else "")
        for link in phone.links():
            link = urldefrag(link)[0]
            path_only = urlsplit(link).path
            if link not in seen and _wanted(link, origin) and per_path.get(path_only, 0) < 2:
                seen.add(link)
                per_path[path_only] = per_path.get(path_only, 0) + 1
                queue.append(link)
    return widths


def _too_wide(widths: dict[str, tuple[int, str]], width: int) -> dict[str, tuple[int, str]]:
    return {path: measured for path, measured in widths.items() if measured[0] > width}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("role", "width"),
    [
        ("village_user", 390),
        ("township_user", 390),
        ("group_member", 390),
        ("village_user", 360),
        ("township_user", 360),
    ],
)
def test_no_page_of_the_role_scrolls_sideways_on_a_phone(
    phone: Phone, items: dict[str, LedgerItem], role: str, width: int, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(role)
    phone.page.set_viewport_size({"width": width, "height": PHONE["height"]})
    phone.login(user.username)
    widths = crawl(phone, width)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"phone-widths-{role}-{width}.json").write_text(json.dumps(widths, indent=1, ensure_ascii=False))
    assert len(widths) >= 5, widths
    too_wide = _too_wide(widths, width)
    assert too_wide == {}, f"pages wider than {width} px (width, element sticking out): {too_wide}"
    assert phone.errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_navigation_is_folded_until_its_button_is_pressed(phone: Phone, village_user: User) -> None:
    phone.login(village_user.username)
    menu = phone.page.locator("[data-testid=main-nav] a.nav-link").first
    assert menu.count() == 1
    assert not menu.is_visible()
    phone.goto(reverse("rectification:item-list"))
    title = phone.page.locator("main h1").first.bounding_box()
    assert title is not None and title["y"] < PHONE["height"] / 4, title
    assert not menu.is_visible()
    phone.page.click("[data-testid=nav-toggle]")
    menu.wait_for(state="visible")
    assert menu.is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_progress_form_is_on_the_first_screen_of_an_item(
    phone: Phone, items: dict[str, LedgerItem], village_user: User
) -> None:
    # The screenshots show the Chinese interface the villages use.
    phone.page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": phone.base_url}])
    phone.login(village_user.username)
    ARTIFACTS.mkdir(exist_ok=True)
    phone.page.screenshot(path=str(ARTIFACTS / "phone-village-home.png"))
    phone.goto(items["due"].get_absolute_url())
    form = phone.page.locator("[data-testid=progress-form]")
    box = form.bounding_box()
    assert box is not None and box["y"] < PHONE["height"], box
    assert form.is_visible()
    photo = form.locator("input[type=file]").first
    assert photo.get_attribute("accept") == "image/*"
    assert photo.get_attribute("capture") == "environment"
    phone.page.screenshot(path=str(ARTIFACTS / "phone-item.png"))
    assert phone.overflow()[0] <= PHONE["width"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_village_phone_home_counts_the_lights_and_leads_to_the_form(
    phone: Phone, items: dict[str, LedgerItem], village_user: User
) -> None:
    phone.login(village_user.username)
    home = phone.page.locator("[data-testid=phone-home]")
    assert home.is_visible()
    assert home.locator("[data-testid=phone-light-RED] .xc-light-count").inner_text() == "1"
    assert home.locator("[data-testid=phone-light-YELLOW] .xc-light-count").inner_text() == "1"
    assert home.locator("[data-testid=phone-returned] [data-item]").get_attribute("data-item") == str(
        items["returned"].pk
    )
    phone.page.click(f"[data-testid=phone-due] [data-item='{items['due'].pk}'] [data-testid=report-progress]")
    phone.page.wait_for_load_state()
    box = phone.page.locator("[data-testid=progress-form]").bounding_box()
    assert box is not None and box["y"] < PHONE["height"]
