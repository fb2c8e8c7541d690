"""Two-factor sign-in in a real browser under the strict CSP: enrol an app from the page's secret, sign in with its
code and with a recovery code, and enrol again after the security administrator resets the device."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from pytest_django import Settings

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.accounts.two_factor import has_two_factor
from xuncha.conftest import BrowserPage


def _code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app holding ``secret`` (as the page shows it) displays now, or a step later."""
    key = b32decode(secret.replace(" ", ""))
    return f"{TOTP(key, drift=steps_ahead).token():06d}"


def _sign_out(browser_page: BrowserPage) -> None:
    browser_page.page.click("form[action$='/accounts/logout/'] button")
    browser_page.page.wait_for_url("**/accounts/login/")


def _enrol(browser_page: BrowserPage) -> tuple[str, list[str]]:
    """On the enrolment page: read the secret, confirm with its code; returns the secret and the recovery codes."""
    page = browser_page.page
    page.wait_for_url("**/accounts/two-factor/enrol/**")
    assert page.locator("[data-testid=totp-qr] svg.xc-qr").is_visible()
    secret = page.locator("[data-testid=totp-secret]").inner_text()
    browser_page.screenshot("two-factor-enrol")
    page.fill("#id_code", _code(secret))
    page.click("[data-testid=enrol-form] button[type=submit]")
    # The codes are on the page the form leads to: wait for it (reading at once may read the enrolment page).
    page.wait_for_selector("[data-testid=recovery-codes] li")
    codes = page.locator("[data-testid=recovery-codes] li").all_inner_texts()
    return secret, codes


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_enrol_sign_in_with_a_code_and_a_recovery_code_then_reset(
    browser_page: BrowserPage, settings: Settings, office_lead: User
) -> None:
    settings.XUNCHA_2FA = True
    security_admin = UserFactory.create(username="security_admin")
    grant(security_admin, Role.SECURITY_ADMIN)
    page = browser_page.page

    browser_page.login("office_lead")
    secret, codes = _enrol(browser_page)
    assert len(codes) == 10
    browser_page.screenshot("two-factor-recovery-codes")
    page.click("[data-testid=continue]")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert has_two_factor(office_lead)
    _sign_out(browser_page)

    browser_page.login("office_lead")
    page.wait_for_url("**/accounts/two-factor/**")
    page.fill("#id_code", "000000" if _code(secret, 1) != "000000" else "111111")
    page.click("[data-testid=two-factor-form] button[type=submit]")
    assert page.locator("[data-testid=code-error]").is_visible()
    # A wrong code throttles the device for a second before it takes the right one.
    page.wait_for_timeout(1500)
    page.fill("#id_code", _code(secret, 1))
    page.click("[data-testid=two-factor-form] button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    _sign_out(browser_page)

    browser_page.login("office_lead")
    page.wait_for_url("**/accounts/two-factor/**")
    page.fill("#id_code", codes[0])
    page.click("[data-testid=two-factor-form] button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    _sign_out(browser_page)

    browser_page.login("security_admin")
    _enrol(browser_page)
    browser_page.goto(f"/accounts/users/{office_lead.pk}/two-factor/reset/")
    assert " 9 " in page.locator("[data-testid=two-factor-status]").inner_text()  # one recovery code was used
    page.click("[data-testid=reset-two-factor]")
    page.wait_for_selector("#messages .alert")
    assert not has_two_factor(office_lead)
    _sign_out(browser_page)

    browser_page.login("office_lead")
    page.wait_for_url("**/accounts/two-factor/enrol/**")
    assert page.locator("[data-testid=totp-secret]").inner_text().replace(" ", "") != secret.replace(" ", "")
    assert browser_page.errors == []
