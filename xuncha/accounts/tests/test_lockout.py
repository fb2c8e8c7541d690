"""The sign-in lockout behind a reverse proxy: per account, per client address, and who the client is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client, RequestFactory
from pytest_django import Settings

from xuncha.accounts.tests.factories import TEST_PASSWORD
from xuncha.core.http import client_ip

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from xuncha.accounts.models import User

LOGIN_URL = "/accounts/login/"
PROXY = "10.1.0.2"


@pytest.fixture
def behind_proxy(settings: Settings) -> None:
    settings.XUNCHA_TRUSTED_PROXIES = [PROXY, "10.2.0.0/16"]


def _sign_in(username: str, password: str, *, remote: str = PROXY, forwarded: str | None = None) -> Response:
    extra: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(LOGIN_URL, {"username": username, "password": password}, **extra)


def _ip(remote: str, forwarded: str | None = None) -> str | None:
    extra: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


# client_ip


def test_client_ip_is_the_peer_without_trusted_proxies(settings: Settings) -> None:
    """With no proxy configured, X-Forwarded-For is ignored whatever it says."""
    settings.XUNCHA_TRUSTED_PROXIES = []
    assert _ip("203.0.113.5", "198.51.100.1") == "203.0.113.5"


def test_client_ip_behind_a_trusted_proxy_is_the_forwarded_client(behind_proxy: None) -> None:
    """From a trusted proxy, the client is the right-most address that is not a trusted proxy."""
    assert _ip(PROXY, "198.51.100.1") == "198.51.100.1"
    assert _ip(PROXY, "192.0.2.66, 198.51.100.1, 10.2.3.4") == "198.51.100.1"
    assert _ip("10.2.9.9", "198.51.100.7") == "198.51.100.7"


def test_client_ip_ignores_a_forged_header_from_an_untrusted_client(behind_proxy: None) -> None:
    """A client that connects directly cannot choose its address by sending X-Forwarded-For."""
    assert _ip("203.0.113.5", "198.51.100.1") == "203.0.113.5"


def test_client_ip_keeps_the_proxy_when_the_header_is_missing_or_garbage(behind_proxy: None) -> None:
    assert _ip(PROXY) == PROXY
    assert _ip(PROXY, "not-an-address") == PROXY
    assert _ip(PROXY, "10.2.0.1") == PROXY


def test_trusted_proxies_must_be_addresses() -> None:
    from xuncha.core.http import trusted_networks

    with pytest.raises(ValueError, match="does not appear"):
        trusted_networks(["proxy.example"])


# lockout


@pytest.mark.django_db
def test_proxy_lockout_keeps_to_the_account(behind_proxy: None, office: User, leader: User) -> None:
    """Behind the proxy, five wrong passwords for one account from one resident lock that account only: a colleague
    signs in through the same proxy, from the same forwarded address or another."""
    for _attempt in range(5):
        _sign_in(office.username, "wrong", forwarded="198.51.100.1")
    assert _sign_in(leader.username, TEST_PASSWORD, forwarded="198.51.100.2").status_code == 302
    assert _sign_in(leader.username, TEST_PASSWORD, forwarded="198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_the_account_lock_holds_from_every_address(office: User) -> None:
    """The lock is on the account: five wrong passwords from one address lock it from another address too."""
    for _attempt in range(5):
        _sign_in(office.username, "wrong", remote="203.0.113.5")
    response = _sign_in(office.username, TEST_PASSWORD, remote="203.0.113.6")
    assert response.status_code == 429


@pytest.mark.django_db
def test_an_address_trying_many_accounts_is_locked_on_its_own(
    behind_proxy: None, settings: Settings, office: User, leader: User
) -> None:
    """Failures for different user names from one forwarded address lock that address, not the residents behind
    the same proxy at other addresses."""
    settings.XUNCHA_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for number in range(6):
        _sign_in(f"guess{number}", "wrong", forwarded="198.51.100.1")
    assert _sign_in(office.username, TEST_PASSWORD, forwarded="198.51.100.1").status_code == 429
    assert _sign_in(office.username, TEST_PASSWORD, forwarded="198.51.100.2").status_code == 302


@pytest.mark.django_db
def test_a_forged_forwarded_header_does_not_escape_the_address_limit(
    behind_proxy: None, settings: Settings, office: User
) -> None:
    """A client connecting directly that sends a new X-Forwarded-For with each try is still one address."""
    settings.XUNCHA_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for number in range(6):
        _sign_in(f"guess{number}", "wrong", remote="203.0.113.5", forwarded=f"198.51.100.{number}")
    response = _sign_in(office.username, TEST_PASSWORD, remote="203.0.113.5", forwarded="198.51.100.99")
    assert response.status_code == 429
