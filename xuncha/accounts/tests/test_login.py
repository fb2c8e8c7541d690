"""Signing in and out through the login form, with django-axes locking out repeated wrong passwords."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.test import Client
from pytest_django import Settings

from xuncha.accounts.tests.factories import TEST_PASSWORD, UserFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from xuncha.accounts.models import User

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"


def _sign_in(client: Client, username: str, password: str, **extra: str) -> Response:
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra}, REMOTE_ADDR="10.0.0.7")


def _signed_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.fixture
def project_language(settings: Settings) -> str:
    """The project's own default language (the shared test settings switch to English source strings)."""
    settings.LANGUAGE_CODE = importlib.import_module("xuncha.settings").LANGUAGE_CODE
    return str(settings.LANGUAGE_CODE)


@pytest.mark.django_db
def test_login_page_is_in_simplified_chinese_by_default(client: Client, project_language: str) -> None:
    """Under the project settings the page is served as zh-hans, with the user name and password fields."""
    assert project_language == "zh-hans"
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'type="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("accept_language", ["zh-CN,zh;q=0.9", "en-US,en;q=0.9"])
def test_login_page_stays_chinese_whatever_the_browser_asks(
    client: Client, project_language: str, accept_language: str
) -> None:
    """The browser's Accept-Language does not decide the language: an English-set-up machine still gets zh-hans."""
    response = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE=accept_language)
    assert '<html lang="zh-hans">' in response.content.decode()


@pytest.mark.django_db
def test_login_page_follows_the_language_the_user_chose(client: Client, project_language: str) -> None:
    """The language switcher's cookie selects English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(LOGIN_URL)
    assert '<html lang="en">' in response.content.decode()


def test_login_with_a_wrong_password_shows_an_error(client: Client, office: User) -> None:
    """A wrong password keeps the user on the form with an error and signs nobody in."""
    response = _sign_in(client, office.username, "not the password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'class="alert alert-danger"' in response.content.decode()
    assert _signed_in_as(client) is None


def test_login_with_the_right_password_signs_in(client: Client, office: User) -> None:
    """The right password signs the user in and sends them home."""
    response = _sign_in(client, office.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_as(client) == str(office.pk)


def test_login_follows_a_safe_next_url(client: Client, office: User) -> None:
    """After signing in the user lands on the page they asked for."""
    response = _sign_in(client, office.username, TEST_PASSWORD, next="/rounds/")
    assert response["Location"] == "/rounds/"


def test_login_ignores_an_outside_next_url(client: Client, office: User) -> None:
    """A ``next`` pointing to another site is ignored (no open redirect)."""
    response = _sign_in(client, office.username, TEST_PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/"


def test_login_refuses_an_inactive_account(client: Client, office: User) -> None:
    """A deactivated account cannot sign in, even with its password."""
    office.is_active = False
    office.save(update_fields=["is_active"])
    _sign_in(client, office.username, TEST_PASSWORD)
    assert _signed_in_as(client) is None


def test_five_wrong_passwords_lock_the_user_name_out(client: Client, office: User) -> None:
    """After AXES_FAILURE_LIMIT (5) failures the user name is locked, even for the right password (HTTP 429)."""
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt in range(4):
        response = _sign_in(client, office.username, "wrong")
        assert response.status_code == 200
    response = _sign_in(client, office.username, "wrong")
    assert response.status_code == 429
    response = _sign_in(client, office.username, TEST_PASSWORD)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [template.name for template in response.templates]
    assert _signed_in_as(client) is None


def test_lockout_does_not_touch_other_user_names(client: Client, office: User, leader: User) -> None:
    """The lock is on the account: a colleague at the same address still signs in."""
    for _attempt in range(5):
        _sign_in(client, office.username, "wrong")
    response = _sign_in(client, leader.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client) == str(leader.pk)


def test_a_success_before_the_limit_resets_the_failure_count(client: Client, office: User) -> None:
    """AXES_RESET_ON_SUCCESS: four failures, a success, then four more failures do not lock the account."""
    for _attempt in range(4):
        _sign_in(client, office.username, "wrong")
    _sign_in(client, office.username, TEST_PASSWORD)
    client.post(LOGOUT_URL)
    for _attempt in range(4):
        _sign_in(client, office.username, "wrong")
    response = _sign_in(client, office.username, TEST_PASSWORD)
    assert response.status_code == 302


def test_logout_by_post_signs_out(client: Client, office: User) -> None:
    """POST to the logout URL ends the session and returns to the login page."""
    _sign_in(client, office.username, TEST_PASSWORD)
    assert _signed_in_as(client) == str(office.pk)
    response = client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert _signed_in_as(client) is None


def test_logout_refuses_get(client: Client, office: User) -> None:
    """A GET (a link or an image tag on another page) cannot sign the user out."""
    client.force_login(office)
    response = client.get(LOGOUT_URL)
    assert response.status_code == 405
    assert _signed_in_as(client) == str(office.pk)


def test_signed_in_user_visiting_login_is_sent_home(client: Client, office: User) -> None:
    """The login page redirects a user who is already signed in."""
    client.force_login(office)
    response = client.get(LOGIN_URL)
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_password_is_checked_against_a_factory_made_account(client: Client) -> None:
    """An account made by the factory signs in with the shared test password (the personas rely on it)."""
    user = UserFactory.create(username="plain")
    response = _sign_in(client, user.username, TEST_PASSWORD)
    assert response.status_code == 302
