"""End to end in a real browser: the security administrator resets a cadre's credentials on their own page, and the
cadre, signing in with the temporary password, is made to choose a new one before anything else."""

from __future__ import annotations

import pytest

from xuncha.accounts.actions import grant_role
from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory
from xuncha.conftest import BrowserPage, World

NEW_PASSWORD = "Lq8-wintry-terrace-71"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reset_leads_the_owner_to_choose_a_new_password(
    browser_page: BrowserPage, world: World, office: User
) -> None:
    """Both pages render in the platform's layout without console errors or CSP violations."""
    security = UserFactory.create(username="security_admin")
    grant_role(security, Role.SECURITY_ADMIN, None, actor=SYSTEM)
    page = browser_page.page
    browser_page.login("security_admin")
    assert page.url.endswith("/accounts/security/")
    row = page.locator("[data-testid=grant-table] tr", has_text="office")
    row.get_by_role("button", name="Reset credentials").click()
    temporary = page.locator("[data-testid=temporary-password]").inner_text().strip()
    page.get_by_role("button", name="Sign out").click()

    browser_page.login("office", temporary)
    assert page.url.endswith("/accounts/password/")
    assert page.locator("[data-testid=password-change-required]").is_visible()
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert not page.url.endswith("/accounts/password/")
    office.refresh_from_db()
    assert office.check_password(NEW_PASSWORD) and not office.must_change_password
    assert browser_page.errors == []
