"""三员分立 on the platform's own pages and actions: accounts, credentials, lockouts and forced password changes."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from xuncha.accounts import actions
from xuncha.accounts.actors import RESIDENT, SYSTEM
from xuncha.accounts.models import Role, RoleGrant, User
from xuncha.accounts.tests.factories import TEST_PASSWORD, UserFactory
from xuncha.accounts.validators import CharacterClassesValidator
from xuncha.audit.models import Event
from xuncha.core.exceptions import Conflict, PermissionDenied
from xuncha.organisations.models import AdminUnit

if TYPE_CHECKING:
    from xuncha.conftest import World

NEW_PASSWORD = "Lq8-wintry-terrace-71"


@pytest.fixture
def security_admin(world: World) -> User:
    user = UserFactory.create(username="security_admin")
    actions.grant_role(user, Role.SECURITY_ADMIN, None, actor=SYSTEM)
    return User.objects.get(pk=user.pk)


def _sign_in(client: Client, username: str, password: str) -> bool:
    """Sign in through the login form (django-axes needs the request); whether it went through."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


def _events(verb: str) -> list[Event]:
    return list(Event.objects.filter(verb=verb).order_by("seq"))


# The rule of separation, on every path


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECURITY_ADMIN, Role.AUDITOR])
def test_an_administrator_never_also_holds_a_business_role(world: World, security_admin: User, role: Role) -> None:
    person = UserFactory.create(username="person")
    actions.grant_role(person, role, None, actor=security_admin)
    with pytest.raises(Conflict, match="case data"):
        actions.grant_role(person, Role.OFFICE, world.county, actor=security_admin)
    others = [other for other in (Role.SYSADMIN, Role.SECURITY_ADMIN, Role.AUDITOR) if other != role]
    for other in others:
        with pytest.raises(Conflict, match="separate people"):
            actions.grant_role(person, other, None, actor=security_admin)
    assert list(RoleGrant.objects.filter(user=person).values_list("role", flat=True)) == [role]


def test_the_security_administrator_grants_and_revokes_on_their_page(
    client: Client, world: World, security_admin: User
) -> None:
    person = UserFactory.create(username="person")
    client.force_login(security_admin)
    response = client.post(
        "/accounts/security/grant/",
        {"user": person.pk, "role": Role.VILLAGE, "unit_code": world.village_a1.code, "includes_descendants": "on"},
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=person)
    assert (grant.role, grant.unit, grant.granted_by) == (Role.VILLAGE, world.village_a1, security_admin)
    page = client.get("/accounts/security/").content.decode()
    assert "person" in page and world.village_a1.name in page
    client.post(f"/accounts/grants/{grant.pk}/revoke/")
    assert not RoleGrant.objects.filter(user=person).exists()
    assert [event.actor for event in _events("accounts.role_revoked")] == [security_admin]


def test_the_security_page_refuses_a_second_administrator_role_with_the_reason(
    client: Client, world: World, security_admin: User, auditor: User
) -> None:
    client.force_login(security_admin)
    response = client.post("/accounts/security/grant/", {"user": auditor.pk, "role": Role.SYSADMIN}, follow=True)
    assert "separate people" in response.content.decode()
    assert not RoleGrant.objects.filter(user=auditor, role=Role.SYSADMIN).exists()


@pytest.mark.parametrize(
    ("persona", "page"),
    [
        ("sysadmin", "/accounts/security/"),
        ("sysadmin", "/accounts/auditor/"),
        ("auditor", "/accounts/system/"),
        ("auditor", "/accounts/security/"),
        ("office", "/accounts/system/"),
        ("office", "/accounts/security/"),
        ("office", "/accounts/auditor/"),
    ],
)
def test_each_administrators_page_is_theirs_alone(
    client: Client, persona: str, page: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page).status_code == 404


def test_the_security_administrator_looks_up_units_to_grant_over_but_cannot_change_them(
    client: Client, world: World, security_admin: User
) -> None:
    """The unit lookup of the admin's role grant form opens for the security administrator, read only."""
    client.force_login(security_admin)
    page = client.get("/admin/accounts/rolegrant/add/").content.decode()
    assert "/admin/organisations/adminunit/?_to_field=id" in page
    assert client.get("/admin/organisations/adminunit/?_to_field=id").status_code == 200
    assert client.get("/admin/organisations/").status_code == 200
    change = f"/admin/organisations/adminunit/{world.village_a1.pk}/change/"
    assert client.get(change).status_code == 200
    client.post(change, {"name": "改名村", "short_name": "改名村"})
    assert AdminUnit.objects.get(pk=world.village_a1.pk).name == world.village_a1.name


def test_the_sysadmin_cannot_grant_reset_or_unlock(client: Client, world: World, sysadmin: User, office: User) -> None:
    client.force_login(sysadmin)
    client.post("/accounts/security/grant/", {"user": office.pk, "role": Role.LEADER, "unit_code": world.county.code})
    client.post(f"/accounts/users/{office.pk}/reset/")
    assert not RoleGrant.objects.filter(user=office, role=Role.LEADER).exists()
    office.refresh_from_db()
    assert office.check_password(TEST_PASSWORD)
    assert not office.must_change_password


def test_the_sysadmin_creates_and_disables_accounts_on_their_page(
    client: Client, world: World, sysadmin: User, office: User
) -> None:
    client.force_login(sysadmin)
    page = client.get("/accounts/system/")
    assert page.status_code == 200
    assert "office" in page.content.decode()
    client.post("/accounts/system/create/", {"username": "newcomer", "display_name": "新人", "title": "县财政局"})
    newcomer = User.objects.get(username="newcomer")
    assert not newcomer.has_usable_password()
    client.post(f"/accounts/users/{office.pk}/disable/")
    office.refresh_from_db()
    assert not office.is_active
    event = _events("accounts.user_disabled")[0]
    assert (event.actor, event.before, event.after) == (
        sysadmin,
        {"is_active": True, "must_change_password": False},
        {"is_active": False, "must_change_password": False},
    )


def test_the_sysadmin_page_costs_the_same_for_more_accounts(
    client: Client, world: World, sysadmin: User, django_assert_max_num_queries: object
) -> None:
    client.force_login(sysadmin)
    client.get("/accounts/system/")
    for number in range(10):
        UserFactory.create(username=f"extra{number}")
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get("/accounts/system/").status_code == 200


def test_the_sysadmin_may_not_disable_another_administrator(world: World, sysadmin: User, auditor: User) -> None:
    with pytest.raises(PermissionDenied):
        actions.disable_user(auditor, actor=sysadmin)
    with pytest.raises(PermissionDenied):
        actions.disable_user(sysadmin, actor=sysadmin)


def test_only_system_creates_an_account_with_a_password(world: World, sysadmin: User) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_user("zhang", display_name="张三", password=NEW_PASSWORD, actor=sysadmin)
    assert not User.objects.filter(username="zhang").exists()


# Credential resets and the forced change


def test_a_reset_issues_a_temporary_password_and_forces_a_change(
    client: Client, world: World, security_admin: User, office: User
) -> None:
    client.force_login(security_admin)
    response = client.post(f"/accounts/users/{office.pk}/reset/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    temporary = response.context["temporary"]
    office.refresh_from_db()
    assert office.must_change_password and office.check_password(temporary)
    event = _events("accounts.credentials_reset")[0]
    assert event.actor == security_admin
    assert event.after == {"is_active": True, "must_change_password": True, "changed": ["password"]}
    assert temporary not in str(event.after) and office.password not in str(event.after)

    person = Client()
    assert _sign_in(person, office.username, temporary)
    response = person.get("/rounds/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"
    assert "password-change-required" in person.get("/accounts/password/").content.decode()
    response = person.post(
        "/accounts/password/",
        {"old_password": temporary, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    office.refresh_from_db()
    assert not office.must_change_password and office.check_password(NEW_PASSWORD)
    assert person.get("/").status_code == 302
    assert person.get("/")["Location"] != "/accounts/password/"
    changed = _events("accounts.password_changed")[0]
    assert (changed.actor, changed.after) == (
        office,
        {"is_active": True, "must_change_password": False, "changed": ["password"]},
    )


def test_the_security_administrator_cannot_reset_their_own_credentials(world: World, security_admin: User) -> None:
    with pytest.raises(PermissionDenied):
        actions.reset_credentials(security_admin, actor=security_admin)


def test_no_one_chooses_another_persons_password(world: World, security_admin: User, office: User) -> None:
    for actor in (security_admin, SYSTEM, RESIDENT):
        if actor is SYSTEM:
            continue
        with pytest.raises(PermissionDenied):
            actions.change_password(office, NEW_PASSWORD, actor=actor)


def test_an_administrators_expired_password_forces_a_change_at_sign_in(
    client: Client, world: World, settings: Settings, sysadmin: User, office: User
) -> None:
    settings.XUNCHA_ADMIN_PASSWORD_DAYS = 90
    old = timezone.now() - timedelta(days=91)
    User.objects.filter(pk__in=[sysadmin.pk, office.pk]).update(password_changed_at=old)
    assert _sign_in(client, sysadmin.username, TEST_PASSWORD)
    assert client.get("/accounts/system/")["Location"] == "/accounts/password/"
    sysadmin.refresh_from_db()
    assert sysadmin.must_change_password
    # A business user's password does not expire.
    other = Client()
    assert _sign_in(other, office.username, TEST_PASSWORD)
    office.refresh_from_db()
    assert not office.must_change_password


# Lockouts


def test_the_security_administrator_unlocks_a_locked_account(
    client: Client, world: World, security_admin: User, office: User
) -> None:
    for _attempt in range(5):
        Client().post("/accounts/login/", {"username": office.username, "password": "wrong"})
    assert (
        Client().post("/accounts/login/", {"username": office.username, "password": TEST_PASSWORD}).status_code == 429
    )
    client.force_login(security_admin)
    page = client.get("/accounts/security/")
    assert [account.pk for account in page.context["locked"]] == [office.pk]
    client.post(f"/accounts/users/{office.pk}/unlock/")
    assert (
        Client().post("/accounts/login/", {"username": office.username, "password": TEST_PASSWORD}).status_code == 302
    )
    event = _events("accounts.account_unlocked")[0]
    assert (event.actor, event.object_id) == (security_admin, str(office.pk))


# Audit of sign-ins


def test_sign_in_failure_lockout_and_sign_out_are_audited_without_the_password(world: World, office: User) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": office.username, "password": "wrong-secret"}, REMOTE_ADDR="10.0.0.8")
    client.post("/accounts/login/", {"username": "no-such-user", "password": "wrong-secret"})
    for _attempt in range(4):
        client.post("/accounts/login/", {"username": office.username, "password": "wrong-secret"})
    failed = _events("accounts.sign_in_failed")
    assert failed[0].after == {"username": office.username, "ip_address": "10.0.0.8"}
    assert failed[0].object_id == str(office.pk)
    assert failed[1].after is not None and failed[1].after["username"] == "no-such-user"
    locked = _events("accounts.locked_out")[0].after
    assert locked is not None and locked["username"] == office.username
    assert "wrong-secret" not in str(list(Event.objects.values_list("before", "after", "note")))

    other = Client()
    other.post("/accounts/login/", {"username": "leader_x", "password": "x"})
    user = UserFactory.create(username="walker")
    other.post("/accounts/login/", {"username": "walker", "password": TEST_PASSWORD})
    other.post("/accounts/logout/")
    assert [event.actor for event in _events("accounts.signed_in")] == [user]
    assert [event.actor for event in _events("accounts.signed_out")] == [user]


# Password rules


@pytest.mark.parametrize(
    ("password", "ok"),
    [("alllowercaseletters", False), ("lowercase1234", False), ("Lower1234case", True), ("lower-1234", True)],
)
def test_passwords_mix_three_kinds_of_character(password: str, ok: bool) -> None:
    validator = CharacterClassesValidator(min_classes=3)
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password)


def test_the_project_validators_refuse_a_single_class_password() -> None:
    import importlib

    from django.contrib.auth.password_validation import get_password_validators, validate_password

    project = importlib.import_module("xuncha.settings")
    validators = get_password_validators(project.AUTH_PASSWORD_VALIDATORS)
    with pytest.raises(ValidationError):
        validate_password("correcthorsebatterystaple", password_validators=validators)
    validate_password(NEW_PASSWORD, password_validators=validators)


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECURITY_ADMIN, Role.AUDITOR])
def test_an_inspector_in_a_group_is_not_made_an_administrator(
    world: World, security_admin: User, group_member: User, role: Role
) -> None:
    """Group membership is a role over case data too: revoking the grant does not make an inspector still in a group
    fit to be one of the three administrators."""
    RoleGrant.objects.filter(user=group_member).delete()

    with pytest.raises(Conflict):
        actions.grant_role(group_member, role, None, actor=security_admin)
    assert not RoleGrant.objects.filter(user=group_member, role=role).exists()


def test_an_administrator_serves_in_no_inspection_group(world: World, security_admin: User, office: User) -> None:
    from xuncha.inspections import actions as inspections_actions

    auditor = UserFactory.create(username="auditor_two")
    actions.grant_role(auditor, Role.AUDITOR, None, actor=security_admin)

    with pytest.raises(Conflict, match="administrator"):
        inspections_actions.add_member(world.group, auditor, "MEMBER", actor=office)
