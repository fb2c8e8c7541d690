"""Accounts and role grants: ``create_user``, ``grant_role`` and ``revoke_role``."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import pytest
from pytest_django import Settings

from xuncha.accounts.actions import STAFF_PERMISSIONS, create_user, grant_role, revoke_role
from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Role, RoleGrant, User
from xuncha.accounts.permissions import has_role
from xuncha.accounts.scoping import roles_of
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.chain import verify_chain
from xuncha.audit.models import Event
from xuncha.core.exceptions import Conflict, PermissionDenied

if TYPE_CHECKING:
    from xuncha.conftest import World

STRONG_PASSWORD = "Lq8-wintry-terrace-71"


@pytest.fixture
def security_admin(world: World) -> User:
    user = UserFactory.create(username="security_admin")
    grant_role(user, Role.SECURITY_ADMIN, None, actor=SYSTEM)
    return user


@pytest.fixture
def staff_sysadmin(world: World) -> User:
    """A system administrator empowered through the action, as the demo and the admin do it."""
    user = UserFactory.create(username="staff_sysadmin")
    grant_role(user, Role.SYSADMIN, None, actor=SYSTEM)
    return user


def _permissions(user: User) -> set[str]:
    """The user's permissions as read afresh from the database (the object caches them)."""
    return User.objects.get(pk=user.pk).get_all_permissions()


# create_user


def test_project_hashes_passwords_with_argon2() -> None:
    """The project settings (not the fast test hasher) hash passwords with Argon2 first."""
    project_settings = importlib.import_module("xuncha.settings")
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
def test_create_user_stores_an_argon2_hash_under_the_project_hashers(settings: Settings) -> None:
    """With the project's hashers, a new account's password is stored as an Argon2 hash."""
    project_settings = importlib.import_module("xuncha.settings")
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = create_user("zhang", display_name="张三", password=STRONG_PASSWORD, actor=SYSTEM)
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password(STRONG_PASSWORD)


@pytest.mark.django_db
def test_create_user_hashes_the_password_and_records_an_event() -> None:
    """The password is stored hashed, never in clear, and the creation is audited."""
    user = create_user("zhang", display_name="张三", password=STRONG_PASSWORD, actor=SYSTEM, title="县财政局干部")
    user.refresh_from_db()
    assert STRONG_PASSWORD not in user.password
    assert user.check_password(STRONG_PASSWORD)
    assert user.has_usable_password()
    event = Event.objects.for_object(user).get()
    assert event.verb == "accounts.user_created"
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.after == {"username": "zhang", "display_name": "张三", "title": "县财政局干部"}
    assert "password" not in str(event.after)


@pytest.mark.django_db
def test_create_user_without_password_leaves_it_unusable() -> None:
    """``password=None`` gives an account that cannot sign in with any password."""
    user = create_user("inspector", display_name="李四", password=None, actor=SYSTEM)
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert not user.check_password("")


@pytest.mark.django_db
def test_create_user_refuses_a_taken_user_name() -> None:
    """A second account with the same user name is refused and nothing more is written."""
    create_user("zhang", display_name="张三", password=None, actor=SYSTEM)
    events = Event.objects.count()
    with pytest.raises(Conflict, match="zhang"):
        create_user("zhang", display_name="张三丰", password=None, actor=SYSTEM)
    assert User.objects.filter(username="zhang").count() == 1
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_create_user_refuses_a_weak_password() -> None:
    """Password validators apply unless the caller turns them off (the demo does)."""
    with pytest.raises(Conflict):
        create_user("zhang", display_name="张三", password="12345678", actor=SYSTEM)
    assert not User.objects.filter(username="zhang").exists()
    user = create_user("zhang", display_name="张三", password="12345678", actor=SYSTEM, validate=False)
    assert user.check_password("12345678")


def test_create_user_is_allowed_to_the_system_administrator(staff_sysadmin: User) -> None:
    """The system administrator creates accounts, and the event names them as the actor."""
    user = create_user("zhang", display_name="张三", password=None, actor=staff_sysadmin)
    assert Event.objects.for_object(user).get().actor == staff_sysadmin


@pytest.mark.parametrize("persona", ["office", "office_lead", "auditor", "nobody", "security_admin"])
def test_create_user_is_refused_to_anyone_but_the_system_administrator(
    persona: str, request: pytest.FixtureRequest
) -> None:
    """Only the system administrator (or the system itself) may create accounts."""
    actor: User = request.getfixturevalue(persona)
    events = Event.objects.count()
    with pytest.raises(PermissionDenied):
        create_user("zhang", display_name="张三", password=None, actor=actor)
    assert not User.objects.filter(username="zhang").exists()
    assert Event.objects.count() == events


# grant_role


def test_grant_role_creates_the_grant_and_records_an_event(world: World, security_admin: User) -> None:
    """A grant is stored with the granting actor and audited with the user, role and unit."""
    user = UserFactory.create()
    grant = grant_role(user, Role.TOWNSHIP, world.township_a, actor=security_admin, includes_descendants=False)
    grant.refresh_from_db()
    assert (grant.user, grant.role, grant.unit, grant.includes_descendants) == (
        user,
        Role.TOWNSHIP,
        world.township_a,
        False,
    )
    assert grant.granted_by == security_admin
    event = Event.objects.for_object(grant).get()
    assert event.verb == "accounts.role_granted"
    assert event.actor == security_admin
    assert event.unit == world.township_a
    assert event.after == {"user": user.username, "role": "TOWNSHIP", "unit": world.township_a.code}


def test_grant_role_refreshes_the_cached_grants(world: World, security_admin: User) -> None:
    """A user object that read its grants before sees the new role at once."""
    user = UserFactory.create()
    assert roles_of(user) == frozenset()
    grant_role(user, Role.VILLAGE, world.village_a1, actor=security_admin)
    assert roles_of(user) == {Role.VILLAGE}


@pytest.mark.parametrize("role", [role for role in Role if role.needs_unit])
def test_grant_role_requires_a_unit_for_unit_roles(role: Role, world: World, security_admin: User) -> None:
    """Every role but the three administrators' is held over a unit."""
    user = UserFactory.create()
    with pytest.raises(Conflict):
        grant_role(user, role, None, actor=security_admin)
    assert not RoleGrant.objects.filter(user=user).exists()


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECURITY_ADMIN, Role.AUDITOR])
def test_grant_role_takes_no_unit_for_system_roles(role: Role, world: World, security_admin: User) -> None:
    """The administrators of 三员分立 are granted without a unit, and refused one."""
    user = UserFactory.create()
    with pytest.raises(Conflict):
        grant_role(user, role, world.county, actor=security_admin)
    grant = grant_role(user, role, None, actor=security_admin)
    assert grant.unit is None
    assert has_role(user, role)


def test_grant_role_refuses_a_duplicate(world: World, security_admin: User) -> None:
    """The same role over the same unit cannot be granted twice; the same role elsewhere can."""
    user = UserFactory.create()
    grant_role(user, Role.VILLAGE, world.village_a1, actor=security_admin)
    events = Event.objects.count()
    with pytest.raises(Conflict):
        grant_role(user, Role.VILLAGE, world.village_a1, actor=security_admin)
    assert Event.objects.count() == events
    grant_role(user, Role.VILLAGE, world.village_a2, actor=security_admin)
    assert RoleGrant.objects.filter(user=user, role=Role.VILLAGE).count() == 2


def test_grant_role_refuses_a_duplicate_system_role(world: World, security_admin: User) -> None:
    """A system role without a unit cannot be granted twice either."""
    user = UserFactory.create()
    grant_role(user, Role.AUDITOR, None, actor=security_admin)
    with pytest.raises(Conflict):
        grant_role(user, Role.AUDITOR, None, actor=security_admin)
    assert RoleGrant.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("persona", ["office", "office_lead", "auditor", "sysadmin", "staff_sysadmin", "nobody"])
def test_grant_role_is_refused_to_anyone_but_the_security_administrator(
    persona: str, world: World, request: pytest.FixtureRequest
) -> None:
    """Only the security administrator (or the system itself) may grant roles."""
    actor: User = request.getfixturevalue(persona)
    user = UserFactory.create()
    with pytest.raises(PermissionDenied):
        grant_role(user, Role.VILLAGE, world.village_a1, actor=actor)
    assert not RoleGrant.objects.filter(user=user).exists()


def test_grant_role_refuses_a_grant_to_the_security_administrator_themselves(
    world: World, security_admin: User
) -> None:
    """The security administrator cannot make themselves auditor (or anything else)."""
    with pytest.raises(PermissionDenied):
        grant_role(security_admin, Role.AUDITOR, None, actor=security_admin)


def test_granting_sysadmin_gives_staff_access_with_the_listed_permissions(world: World, security_admin: User) -> None:
    """The system administrator becomes staff with exactly the admin permissions of STAFF_PERMISSIONS."""
    user = UserFactory.create()
    assert not user.is_staff
    grant_role(user, Role.SYSADMIN, None, actor=security_admin)
    fresh = User.objects.get(pk=user.pk)
    assert fresh.is_staff
    assert not fresh.is_superuser
    assert _permissions(user) == set(STAFF_PERMISSIONS[Role.SYSADMIN])


def test_granting_security_admin_gives_the_grant_permissions(world: World) -> None:
    """The security administrator's staff access covers role grants and reading accounts."""
    user = UserFactory.create()
    grant_role(user, Role.SECURITY_ADMIN, None, actor=SYSTEM)
    assert User.objects.get(pk=user.pk).is_staff
    assert _permissions(user) == set(STAFF_PERMISSIONS[Role.SECURITY_ADMIN])


@pytest.mark.parametrize(("role", "unit"), [(Role.OFFICE, "county"), (Role.AUDITOR, None)])
def test_granting_a_unit_role_or_the_auditor_gives_no_staff_access(
    role: Role, unit: str | None, world: World, security_admin: User
) -> None:
    """Office staff and the auditor never reach the Django admin."""
    user = UserFactory.create()
    grant_role(user, role, world.county if unit else None, actor=security_admin)
    fresh = User.objects.get(pk=user.pk)
    assert not fresh.is_staff
    assert _permissions(user) == set()


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECURITY_ADMIN])
def test_staff_permissions_name_existing_permissions(role: Role, db: None) -> None:
    """Every permission listed in STAFF_PERMISSIONS exists, so that none is silently dropped."""
    user = UserFactory.create()
    grant_role(user, role, None, actor=SYSTEM)
    assert _permissions(user) == set(STAFF_PERMISSIONS[role])


@pytest.mark.parametrize(("first", "second"), [(Role.SYSADMIN, Role.SECURITY_ADMIN), (Role.AUDITOR, Role.SYSADMIN)])
def test_the_three_administrators_are_separate_people(first: Role, second: Role, db: None) -> None:
    """三员分立: a holder of one system role is refused a second one."""
    user = UserFactory.create()
    grant_role(user, first, None, actor=SYSTEM)
    with pytest.raises(Conflict):
        grant_role(user, second, None, actor=SYSTEM)
    assert roles_of(user) == {first}


def test_a_system_administrator_holds_no_role_over_case_data(world: World) -> None:
    """The system administrator cannot also be given the office's role, nor an office user a system role."""
    admin = UserFactory.create()
    grant_role(admin, Role.SYSADMIN, None, actor=SYSTEM)
    with pytest.raises(Conflict):
        grant_role(admin, Role.OFFICE, world.county, actor=SYSTEM)
    officer = UserFactory.create()
    grant_role(officer, Role.OFFICE, world.county, actor=SYSTEM)
    with pytest.raises(Conflict):
        grant_role(officer, Role.AUDITOR, None, actor=SYSTEM)


# revoke_role


def test_revoke_role_deletes_the_grant_and_records_what_it_was(world: World, security_admin: User) -> None:
    """The grant disappears; the event keeps the user, role and unit it had."""
    user = UserFactory.create()
    grant = grant_role(user, Role.VILLAGE, world.village_a1, actor=security_admin)
    pk = grant.pk
    assert roles_of(user) == {Role.VILLAGE}
    revoke_role(grant, actor=security_admin)
    assert not RoleGrant.objects.filter(pk=pk).exists()
    assert roles_of(user) == frozenset()
    event = Event.objects.filter(verb="accounts.role_revoked").get()
    assert event.object_id == str(pk)
    assert event.actor == security_admin
    assert event.unit == world.village_a1
    assert event.before == {"user": user.username, "role": "VILLAGE", "unit": world.village_a1.code}
    assert verify_chain().ok


def test_revoking_sysadmin_takes_staff_access_away(world: World, security_admin: User) -> None:
    """Without the role the former system administrator is no longer staff and holds no permission."""
    user = UserFactory.create()
    grant = grant_role(user, Role.SYSADMIN, None, actor=security_admin)
    revoke_role(grant, actor=security_admin)
    fresh = User.objects.get(pk=user.pk)
    assert not fresh.is_staff
    assert _permissions(user) == set()


def test_revoking_a_system_role_keeps_a_superusers_staff_status(world: World) -> None:
    """Staff access follows the roles, except for a superuser made with createsuperuser, who stays staff."""
    user = UserFactory.create(is_superuser=True, is_staff=True)
    grant = grant_role(user, Role.SYSADMIN, None, actor=SYSTEM)
    revoke_role(grant, actor=SYSTEM)
    fresh = User.objects.get(pk=user.pk)
    assert fresh.is_staff
    assert not fresh.user_permissions.exists()


@pytest.mark.parametrize("persona", ["office", "sysadmin", "auditor"])
def test_revoke_role_is_refused_to_anyone_but_the_security_administrator(
    persona: str, world: World, request: pytest.FixtureRequest
) -> None:
    """Only the security administrator (or the system) may withdraw a grant."""
    actor: User = request.getfixturevalue(persona)
    grant = grant_role(UserFactory.create(), Role.VILLAGE, world.village_a1, actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        revoke_role(grant, actor=actor)
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert not Event.objects.filter(verb="accounts.role_revoked").exists()
