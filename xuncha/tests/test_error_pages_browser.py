"""The 404 page in chromium, with DEBUG off as in production: the app's frame in Chinese, no console error or CSP
violation, and its back link returns to the page the user came from (history, through the static app.js)."""

from __future__ import annotations

from typing import Any

import pytest

from xuncha.accounts.models import User
from xuncha.conftest import BrowserPage, World


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_404_page_in_the_browser(browser_page: BrowserPage, world: World, office: User, settings: Any) -> None:
    settings.DEBUG = False
    settings.LANGUAGE_CODE = "zh-hans"
    page = browser_page.page
    browser_page.login(office.username)
    browser_page.goto("/rounds/")
    response = page.goto(browser_page.base_url + "/rounds/999999/")
    assert response is not None and response.status == 404
    assert page.locator("[data-testid=error-page] h1").inner_text().strip() == "未找到该页面"
    assert page.locator(".xc-sidebar").count() == 1
    assert page.locator(".xc-breadcrumbs").inner_text().count("页面不存在") == 1
    browser_page.screenshot("error-404")
    page.locator("[data-testid=error-back]").click()
    page.wait_for_url("**/rounds/")
    # Chromium reports the page's own 404 status on the console; nothing else may be there (no CSP violation).
    own_status = "the server responded with a status of 404"
    assert [error for error in browser_page.errors if own_status not in error] == []
