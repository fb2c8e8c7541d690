"""The idle warning in a real browser under the strict CSP: the toast appears before the sign-out and its button
keeps the session (a request the server counts as activity)."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from xuncha.accounts.models import User
from xuncha.conftest import BrowserPage


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_idle_warning_shows_and_keeps_the_session(
    browser_page: BrowserPage, office: User, settings: Settings
) -> None:
    # The warning as long as the limit: it shows at once.
    settings.XUNCHA_IDLE_MINUTES = 5
    settings.XUNCHA_IDLE_WARNING_MINUTES = 5
    browser_page.login("office")
    browser_page.goto("/accounts/notifications/")
    toast = browser_page.page.locator("[data-testid=idle-warning]")
    toast.wait_for(state="visible")
    with browser_page.page.expect_response(lambda response: response.request.method == "HEAD") as keepalive:
        browser_page.page.click("[data-idle-keepalive]")
    assert keepalive.value.status == 200
    assert browser_page.errors == []
