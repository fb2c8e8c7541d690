"""Two-factor sign-in: who needs it, enrolment, codes and recovery codes, throttling, the reset, and the pages that
hold a signed-in user back until the session is confirmed."""

from __future__ import annotations

import re
from base64 import b32decode
from binascii import unhexlify
from typing import TYPE_CHECKING

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from xuncha import accounts as accounts_package
from xuncha.accounts.actions import enrol_two_factor, reset_two_factor, verify_two_factor
from xuncha.accounts.apps import AccountsConfig
from xuncha.accounts.models import Role, User
from xuncha.accounts.permissions import can_reset_two_factor, needs_two_factor
from xuncha.accounts.tests.factories import TEST_PASSWORD, UserFactory, grant
from xuncha.accounts.two_factor import RECOVERY_CODE_COUNT, has_two_factor, new_totp_key
from xuncha.audit.models import Event
from xuncha.core.exceptions import Conflict, PermissionDenied
from xuncha.inspections.models import Membership
from xuncha.inspections.tests.factories import member

if TYPE_CHECKING:
    from xuncha.conftest import World

VERIFY_URL = "/accounts/two-factor/"
ENROL_URL = "/accounts/two-factor/enrol/"
SECRET = re.compile(r'data-testid="totp-secret">([A-Z2-7 ]+)<')


def code_for(key: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for ``key`` now, or ``steps_ahead`` periods of 30 s later (the server
    takes one step either side, and never a step already used)."""
    return f"{TOTP(unhexlify(key), drift=steps_ahead).token():06d}"


@pytest.fixture
def two_factor_on(settings: Settings) -> None:
    settings.XUNCHA_2FA = True


@pytest.fixture
def security_admin(world: World) -> User:
    user = UserFactory.create(username="security_admin")
    grant(user, Role.SECURITY_ADMIN)
    return user


def _enrolled(user: User) -> tuple[str, list[str]]:
    key = new_totp_key()
    enrolment = enrol_two_factor(user, key=key, code=code_for(key), actor=user)
    assert enrolment is not None
    return key, enrolment.recovery_codes


def _sign_in(client: Client, username: str, next_url: str = "") -> str:
    """Sign in with the password; returns where the login page sends the browser."""
    data = {"username": username, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post("/accounts/login/", data, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302
    return str(response["Location"])


# Who needs a second factor


@pytest.mark.django_db
def test_the_roles_that_read_clues_close_items_or_administer_need_a_second_factor(
    two_factor_on: None,
    office: User,
    office_lead: User,
    discipline: User,
    auditor: User,
    sysadmin: User,
    leader: User,
    township_user: User,
    village_user: User,
    group_member: User,
    nobody: User,
) -> None:
    for user in [office, office_lead, discipline, auditor, sysadmin]:
        assert needs_two_factor(user), user
    for user in [leader, township_user, village_user, group_member, nobody]:
        assert not needs_two_factor(user), user


@pytest.mark.django_db
def test_a_group_leader_needs_it_by_membership_alone(two_factor_on: None, world: World) -> None:
    """Leading a group is enough: no grant of the group leader's role is needed."""
    user = UserFactory.create(username="leads_by_membership")
    assert not needs_two_factor(user)
    member(world.group, user, Membership.GroupRole.LEADER)
    assert needs_two_factor(User.objects.get(pk=user.pk))


@pytest.mark.django_db
def test_nobody_needs_it_while_switched_off_and_the_roles_are_a_setting(
    settings: Settings, office: User, leader: User
) -> None:
    assert not needs_two_factor(office)
    settings.XUNCHA_2FA = True
    settings.XUNCHA_2FA_ROLES = ["LEADER"]
    assert needs_two_factor(leader)
    assert not needs_two_factor(office)


def test_an_unknown_role_in_the_setting_is_refused(settings: Settings) -> None:
    settings.XUNCHA_2FA_ROLES = ["OFFICE", "JANITOR"]
    with pytest.raises(ImproperlyConfigured, match="JANITOR"):
        AccountsConfig("xuncha.accounts", accounts_package).ready()


# Actions


@pytest.mark.django_db
def test_enrolment_confirms_the_app_and_makes_ten_single_use_recovery_codes(two_factor_on: None, office: User) -> None:
    key, codes = _enrolled(office)
    assert has_two_factor(office)
    device = TOTPDevice.objects.get(user=office)
    assert (device.key, device.confirmed) == (key, True)
    assert len(codes) == RECOVERY_CODE_COUNT == len(set(codes))
    assert sorted(StaticToken.objects.filter(device__user=office).values_list("token", flat=True)) == sorted(codes)
    event = Event.objects.get(verb="accounts.two_factor_enrolled")
    assert (event.actor_id, event.object_id, event.after) == (office.pk, str(office.pk), {"recovery_codes": 10})
    assert key not in str(event.after) and not any(code in str(event.after) for code in codes)


@pytest.mark.django_db
def test_a_wrong_enrolment_code_enrols_nothing_and_is_recorded(two_factor_on: None, office: User) -> None:
    key = new_totp_key()
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    assert enrol_two_factor(office, key=key, code=wrong, actor=office) is None
    assert not has_two_factor(office)
    assert Event.objects.get().verb == "accounts.two_factor_failed"


@pytest.mark.django_db
def test_enrolment_is_the_owners_and_happens_once(two_factor_on: None, office: User, office_lead: User) -> None:
    key = new_totp_key()
    with pytest.raises(PermissionDenied):
        enrol_two_factor(office, key=key, code=code_for(key), actor=office_lead)
    _enrolled(office)
    with pytest.raises(Conflict):
        enrol_two_factor(office, key=key, code=code_for(key, 1), actor=office)


@pytest.mark.django_db
def test_a_code_is_taken_once_and_a_recovery_code_once(two_factor_on: None, office: User) -> None:
    key, codes = _enrolled(office)
    code = code_for(key, 1)
    check = verify_two_factor(office, code=code, actor=office)
    assert check.device is not None and isinstance(check.device, TOTPDevice)
    assert verify_two_factor(office, code=code, actor=office).device is None  # replayed

    check = verify_two_factor(office, code=codes[0].upper(), actor=office)
    assert isinstance(check.device, StaticDevice)
    assert StaticToken.objects.filter(device__user=office).count() == RECOVERY_CODE_COUNT - 1
    assert verify_two_factor(office, code=codes[0], actor=office).device is None

    verbs = list(Event.objects.order_by("seq").values_list("verb", "after"))
    assert verbs[1:] == [
        ("accounts.two_factor_verified", {"method": "app"}),
        ("accounts.two_factor_failed", {"method": "app", "reason": "wrong_code", "failures_in_a_row": 1}),
        ("accounts.two_factor_verified", {"method": "recovery_code", "recovery_codes_left": 9}),
        ("accounts.two_factor_failed", {"method": "recovery_code", "reason": "wrong_code", "failures_in_a_row": 1}),
    ]


@pytest.mark.django_db
def test_wrong_codes_in_a_row_throttle_even_the_right_one(
    two_factor_on: None, settings: Settings, office: User
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a slow test machine must not outwait the throttle
    key, _codes = _enrolled(office)
    wrong = f"{(int(code_for(key, 1)) + 1) % 1_000_000:06d}"
    assert verify_two_factor(office, code=wrong, actor=office).throttled is False
    check = verify_two_factor(office, code=code_for(key, 1), actor=office)
    assert (check.device, check.throttled) == (None, True)
    assert Event.objects.filter(verb="accounts.two_factor_failed", after__reason="throttled").count() == 1


@pytest.mark.django_db
def test_only_the_security_administrator_resets_and_not_their_own(
    two_factor_on: None, office: User, office_lead: User, security_admin: User
) -> None:
    _enrolled(office)
    for actor in [office, office_lead]:
        with pytest.raises(PermissionDenied):
            reset_two_factor(office, actor=actor)
    assert not can_reset_two_factor(security_admin, security_admin)
    reset_two_factor(office, actor=security_admin)
    assert not TOTPDevice.objects.filter(user=office).exists()
    assert not StaticDevice.objects.filter(user=office).exists()
    event = Event.objects.get(verb="accounts.two_factor_reset")
    assert (event.actor_id, event.object_id, event.before) == (
        security_admin.pk,
        str(office.pk),
        {"apps": 1, "recovery_codes": 10},
    )
    with pytest.raises(Conflict):
        reset_two_factor(office, actor=security_admin)


# Pages


@pytest.mark.django_db
def test_without_a_device_the_user_is_sent_to_enrolment_and_may_do_nothing_else(
    two_factor_on: None, client: Client, office: User
) -> None:
    _sign_in(client, "office")
    response = client.get("/rounds/")
    assert response.status_code == 302 and response["Location"].startswith(ENROL_URL)
    assert client.get("/api/v1/rounds/").status_code == 403
    assert client.get(VERIFY_URL)["Location"].startswith(ENROL_URL)

    page = client.get(ENROL_URL)
    body = page.content.decode()
    assert '<svg class="xc-qr"' in body and "style=" not in body.split('<svg class="xc-qr"')[1].split("</svg>")[0]
    match = SECRET.search(body)
    assert match is not None
    key = b32decode(match.group(1).replace(" ", "")).hex()
    response = client.post(ENROL_URL, {"code": code_for(key), "next": "/rounds/"})
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(codes) == RECOVERY_CODE_COUNT
    assert client.get("/rounds/").status_code == 200
    # Shown once: the enrolment page now only points to the code page.
    assert client.get(ENROL_URL)["Location"].startswith(VERIFY_URL)


@pytest.mark.django_db
def test_with_a_device_the_sign_in_asks_for_the_code_then_goes_on(
    two_factor_on: None, client: Client, office: User
) -> None:
    key, codes = _enrolled(office)
    _sign_in(client, "office", next_url="/rounds/")
    response = client.get("/rounds/")
    assert response["Location"] == VERIFY_URL + "?next=%2Frounds%2F"
    assert client.get("/static/xuncha/app.css").status_code != 302  # static files are let through
    htmx = client.post("/rounds/", HTTP_HX_REQUEST="true")
    assert (htmx.status_code, htmx["HX-Redirect"]) == (204, VERIFY_URL)

    refused = client.post(VERIFY_URL, {"code": "000000", "next": "/rounds/"})
    assert refused.status_code == 200 and b"code-error" in refused.content
    TOTPDevice.objects.filter(user=office).update(throttling_failure_count=0, throttling_failure_timestamp=None)

    response = client.post(VERIFY_URL, {"code": code_for(key, 1), "next": "/rounds/"})
    assert response.status_code == 302 and response["Location"] == "/rounds/"
    assert client.get("/rounds/").status_code == 200

    client.post("/accounts/logout/")
    _sign_in(client, "office")
    response = client.post(VERIFY_URL, {"code": codes[3], "next": "https://elsewhere.example/"})
    assert response["Location"] == "/"
    assert client.get("/rounds/").status_code == 200


@pytest.mark.django_db
def test_a_reset_sends_a_signed_in_user_back_to_enrolment(
    two_factor_on: None, client: Client, office: User, security_admin: User
) -> None:
    key, _codes = _enrolled(office)
    _sign_in(client, "office")
    client.post(VERIFY_URL, {"code": code_for(key, 1)})
    assert client.get("/rounds/").status_code == 200

    admin_client = Client()
    _sign_in(admin_client, "security_admin")
    # The security administrator, too, confirms the sign-in before resetting anything.
    assert admin_client.get(f"/accounts/users/{office.pk}/two-factor/reset/")["Location"].startswith(ENROL_URL)
    admin_key, _admin_codes = _enrolled(security_admin)
    admin_client.post(VERIFY_URL, {"code": code_for(admin_key, 1)})
    page = admin_client.get(f"/accounts/users/{office.pk}/two-factor/reset/")
    assert page.status_code == 200 and b"reset-two-factor" in page.content
    response = admin_client.post(f"/accounts/users/{office.pk}/two-factor/reset/", {"next": "/audit/"})
    assert response["Location"] == "/audit/"
    assert not has_two_factor(office)

    assert client.get("/rounds/")["Location"].startswith(ENROL_URL)


@pytest.mark.django_db
def test_the_reset_page_is_the_security_administrators(
    two_factor_on: None, client: Client, office: User, sysadmin: User
) -> None:
    """Refused to anyone else, even another administrator (the page is behind the code like every page)."""
    sysadmin_key, _codes = _enrolled(sysadmin)
    _sign_in(client, "sysadmin")
    client.post(VERIFY_URL, {"code": code_for(sysadmin_key, 1)})
    assert client.get(f"/accounts/users/{office.pk}/two-factor/reset/").status_code == 403
    assert client.post(f"/accounts/users/{office.pk}/two-factor/reset/").status_code == 403


@pytest.mark.django_db
def test_users_who_need_no_second_factor_sign_in_with_the_password(
    client: Client, settings: Settings, office: User, village_user: User
) -> None:
    _sign_in(client, "office")
    assert client.get("/rounds/").status_code == 200  # switched off
    settings.XUNCHA_2FA = True
    client.post("/accounts/logout/")
    _sign_in(client, "village_a1")
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/units/450328100201/"
    assert client.get(ENROL_URL)["Location"] == "/"


# The API's token sign-in asks the same second factor as the web


@pytest.mark.django_db
def test_a_token_for_a_two_factor_role_needs_its_code(two_factor_on: None, office: User) -> None:
    """A password alone yields no API token for a user who signs in with a second factor; with a right code it
    does, and a wrong one is refused like a wrong password."""
    from rest_framework.test import APIClient

    key, _codes = _enrolled(office)
    url = "/api/v1/auth/token/"
    credentials = {"username": office.username, "password": TEST_PASSWORD}

    without = APIClient().post(url, credentials, format="json")
    right = APIClient().post(url, {**credentials, "code": code_for(key, steps_ahead=1)}, format="json")
    wrong = APIClient().post(url, {**credentials, "code": "000000"}, format="json")

    assert (without.status_code, wrong.status_code) == (400, 400)
    assert "code" in without.json() and "code" in wrong.json()
    assert right.status_code == 200 and right.json()["token"]


@pytest.mark.django_db
def test_no_token_before_enrolment_or_while_a_password_must_be_changed(two_factor_on: None, office: User) -> None:
    from rest_framework.test import APIClient

    url = "/api/v1/auth/token/"
    credentials = {"username": office.username, "password": TEST_PASSWORD}
    assert APIClient().post(url, credentials, format="json").status_code == 400  # not enrolled yet

    office.must_change_password = True
    office.save(update_fields=["must_change_password"])
    refused = APIClient().post(url, credentials, format="json")
    assert refused.status_code == 400 and "password" in refused.json()


def _token_status(token: str) -> int:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return int(client.get("/api/v1/problems/").status_code)


@pytest.mark.django_db
def test_a_two_factor_reset_ends_the_tokens_the_lost_device_confirmed(
    two_factor_on: None, office: User, security_admin: User
) -> None:
    """Whoever holds the lost phone (and the password) may hold a token it confirmed: the reset ends it."""
    from rest_framework.test import APIClient

    key, _codes = _enrolled(office)
    credentials = {"username": office.username, "password": TEST_PASSWORD, "code": code_for(key, steps_ahead=1)}
    token = APIClient().post("/api/v1/auth/token/", credentials, format="json").json()["token"]
    assert _token_status(token) == 200

    reset_two_factor(office, actor=security_admin)

    assert _token_status(token) == 401
    assert Event.objects.filter(verb="accounts.token_revoked", after__reason="two_factor_reset").exists()


@pytest.mark.django_db
def test_a_token_issued_on_a_password_alone_stops_when_a_second_factor_is_needed(
    settings: Settings, office: User
) -> None:
    """A token from before two-factor was switched on (or before its user came to lead a group) carries no second
    factor: once the user needs one, the token is refused."""
    from rest_framework.test import APIClient

    credentials = {"username": office.username, "password": TEST_PASSWORD}
    token = APIClient().post("/api/v1/auth/token/", credentials, format="json").json()["token"]
    assert _token_status(token) == 200

    settings.XUNCHA_2FA = True

    assert _token_status(token) == 401


@pytest.mark.django_db
def test_a_token_stops_while_its_user_must_change_the_password(office: User) -> None:
    from rest_framework.test import APIClient

    credentials = {"username": office.username, "password": TEST_PASSWORD}
    token = APIClient().post("/api/v1/auth/token/", credentials, format="json").json()["token"]
    office.must_change_password = True
    office.save(update_fields=["must_change_password"])

    assert _token_status(token) == 401
