"""Persona fixtures shared by every app's tests.

The world: 龙胜县 (450328) with two townships, 甲镇 (villages 甲一村 key, 甲二村, 甲社区) and 乙镇 (乙一村), and
a second county, 兴安县 (450325), with one township and village for outsiders. Round 4 of the term is stationed:
第三巡察组 inspects 甲一村 directly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import TEST_PASSWORD, UserFactory, grant
from xuncha.inspections.models import Assignment, InspectionGroup, Membership, Round, Term
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, TermFactory, assign, member
from xuncha.organisations.models import AdminUnit, Category, VillageKind
from xuncha.organisations.tests import factories as units
from xuncha.rectification.models import VillageResponsibility

# Settings of every test (and of data that fixtures of a wider scope build for several tests).
FAST_TEST_SETTINGS: dict[str, Any] = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    # Tests assert on the English source strings; tests of the Chinese interface switch the language themselves.
    "LANGUAGE_CODE": "en",
}


@pytest.fixture(autouse=True)
def _fast_test_settings(settings: pytest.FixtureRequest) -> None:
    for name, value in FAST_TEST_SETTINGS.items():
        setattr(settings, name, value)


@dataclass
class World:
    county: AdminUnit
    township_a: AdminUnit
    township_b: AdminUnit
    village_a1: AdminUnit
    village_a2: AdminUnit
    community_a: AdminUnit
    village_b1: AdminUnit
    other_county: AdminUnit
    other_village: AdminUnit
    term: Term
    round: Round
    group: InspectionGroup
    assignment: Assignment


@pytest.fixture
def world(db: None) -> World:
    county = units.county("450328", "龙胜各族自治县")
    township_a = units.township(county, "甲镇", number=100)
    township_b = units.township(county, "乙镇", number=101)
    village_a1 = units.village(township_a, "甲一村委会", number=201, category=Category.KEY)
    village_a2 = units.village(township_a, "甲二村委会", number=202)
    community_a = units.village(township_a, "甲社区居委会", number=1, kind=VillageKind.COMMUNITY)
    village_b1 = units.village(township_b, "乙一村委会", number=201)
    other_county = units.county("450325", "兴安县")
    other_township = units.township(other_county, "丙镇", number=100)
    other_village = units.village(other_township, "丙一村委会", number=201)
    term = TermFactory.create(county=county, number=15, name="十五届县委")
    round_ = RoundFactory.create(term=term, number=4, status=Round.Status.STATIONED)
    group = GroupFactory.create(round=round_, number=3)
    assignment = assign(group, [village_a1])
    # Every village names its 第一责任人 and 督促责任人, which feedback requires (tests of the refusal remove them).
    VillageResponsibility.objects.bulk_create(
        VillageResponsibility(
            village=village,
            first_name="李明",
            first_post="村党支部书记",
            overseer_name="吴海",
            overseer_post=f"{village.parent.short_name or village.parent.name}党委副书记",
        )
        for village in (village_a1, village_a2, community_a, village_b1, other_village)
        if village.parent is not None
    )
    return World(
        county,
        township_a,
        township_b,
        village_a1,
        village_a2,
        community_a,
        village_b1,
        other_county,
        other_village,
        term,
        round_,
        group,
        assignment,
    )


def _person(username: str, role: Role | None, unit: AdminUnit | None) -> User:
    user = UserFactory.create(username=username)
    if role is not None:
        grant(user, role, unit)
    return user


@pytest.fixture
def office(world: World) -> User:
    return _person("office", Role.OFFICE, world.county)


@pytest.fixture
def office_lead(world: World) -> User:
    return _person("office_lead", Role.OFFICE_LEAD, world.county)


@pytest.fixture
def leader(world: World) -> User:
    return _person("leader", Role.LEADER, world.county)


@pytest.fixture
def discipline(world: World) -> User:
    return _person("discipline", Role.DISCIPLINE, world.county)


@pytest.fixture
def township_user(world: World) -> User:
    return _person("township_a", Role.TOWNSHIP, world.township_a)


@pytest.fixture
def village_user(world: World) -> User:
    return _person("village_a1", Role.VILLAGE, world.village_a1)


@pytest.fixture
def group_leader(world: World) -> User:
    user = _person("group3_leader", Role.GROUP_LEADER, world.county)
    member(world.group, user, Membership.GroupRole.LEADER)
    return user


@pytest.fixture
def group_member(world: World) -> User:
    user = _person("group3_member", Role.GROUP_MEMBER, world.county)
    member(world.group, user)
    return user


@pytest.fixture
def outsider(world: World) -> User:
    """The inspection office of another county."""
    return _person("outsider", Role.OFFICE, world.other_county)


@pytest.fixture
def auditor(world: World) -> User:
    return _person("auditor", Role.AUDITOR, None)


@pytest.fixture
def sysadmin(world: World) -> User:
    return _person("sysadmin", Role.SYSADMIN, None)


@pytest.fixture
def nobody(world: World) -> User:
    """An account without any role."""
    return _person("nobody", None, None)


# Browser tests drive Debian's chromium through Playwright; without it they skip with the reason below
# (and fail under XUNCHA_STRICT_SKIPS=1, which .ci/run sets after installing chromium).
CHROMIUM = os.environ.get("XUNCHA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser test: Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser test: the playwright package is not installed (make test installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class BrowserPage:
    """A Playwright page on the live server that remembers console errors (CSP violations among them)."""

    page: Any
    base_url: str
    errors: list[str]

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def login(self, username: str, password: str = TEST_PASSWORD) -> None:
        self.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def browser_page(browser: Any, live_server: Any) -> Iterator[BrowserPage]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield BrowserPage(page, live_server.url, errors)
    context.close()
