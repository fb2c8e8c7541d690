"""API tokens: stored as digests, shown once, expiring, and revoked by signing out, a new password or a change of
roles, each issue and revocation an audit event that never holds the key."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from pytest_django import Settings
from rest_framework.test import APIClient

from xuncha.accounts import actions
from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import ApiToken, Role, User
from xuncha.accounts.tests.factories import TEST_PASSWORD
from xuncha.audit.models import Event
from xuncha.conftest import World

API = "/api/v1"
NEW_PASSWORD = "another long passphrase 42"


def obtain(username: str = "office") -> str:
    response = APIClient().post(f"{API}/auth/token/", {"username": username, "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def status_with(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return int(client.get(f"{API}/problems/").status_code)


def test_a_token_no_longer_works_after_its_user_signs_out_of_the_web(office: User, world: World) -> None:
    token = obtain()
    assert status_with(token) == 200
    web = Client()
    web.force_login(office)
    web.post("/accounts/logout/")
    assert status_with(token) == 401


def test_a_token_is_refused_after_a_password_change(office: User, world: World) -> None:
    token = obtain()
    web = Client()
    web.force_login(office)
    response = web.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert status_with(token) == 401


def test_a_token_is_refused_after_a_password_set_elsewhere(office: User, world: World) -> None:
    """A password set from the admin or ``changepassword`` revokes nothing, but the token's stamp no longer fits."""
    token = obtain()
    office.set_password(NEW_PASSWORD)
    office.save()
    assert status_with(token) == 401


def test_an_expired_token_is_refused(office: User, world: World, settings: Settings) -> None:
    settings.XUNCHA_TOKEN_HOURS = 2
    token = obtain()
    later = timezone.now() + timedelta(hours=2, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert status_with(token) == 401
    assert status_with(token) == 200


def test_only_the_digest_of_the_key_is_stored_and_the_events_never_hold_it(office: User, world: World) -> None:
    token = obtain()
    stored = ApiToken.objects.get(user=office)
    assert stored.digest == actions.token_digest(token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        assert token not in repr(cursor.fetchall())
    issued = Event.objects.get(verb="accounts.token_issued")
    assert issued.actor_id == office.pk
    assert token not in json.dumps([issued.before, issued.after, issued.note, issued.object_repr])


def test_a_role_grant_or_revocation_revokes_the_users_tokens(office: User, world: World) -> None:
    token = obtain()
    grant = actions.grant_role(office, Role.LEADER, world.county, actor=SYSTEM)
    assert status_with(token) == 401
    assert Event.objects.filter(verb="accounts.token_revoked", after__reason="role_granted").count() == 1
    token = obtain()
    actions.revoke_role(grant, actor=SYSTEM)
    assert status_with(token) == 401
    assert not ApiToken.objects.filter(user=office).exists()


def test_sign_out_records_a_revocation_without_the_key(office: User, world: World) -> None:
    token = obtain()
    web = Client()
    web.force_login(office)
    web.post("/accounts/logout/")
    revoked = Event.objects.get(verb="accounts.token_revoked")
    assert (revoked.actor_id, revoked.after) == (office.pk, {"reason": "signed_out"})
    assert token not in json.dumps([revoked.before, revoked.after])


def test_no_one_else_issues_or_revokes_a_users_token(office: User, village_user: User, world: World) -> None:
    from xuncha.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.issue_token(office, actor=village_user)
    with pytest.raises(PermissionDenied):
        actions.revoke_tokens(office, actor=village_user, reason="revoked")
