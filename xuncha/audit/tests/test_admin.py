"""Writes made in the Django admin are audited; the audit tables themselves are read-only there."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from xuncha.accounts.actions import grant_role
from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Role, RoleGrant, User
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.actions import record_event
from xuncha.audit.chain import verify_chain
from xuncha.audit.models import Event
from xuncha.organisations.models import AdminUnit

if TYPE_CHECKING:
    from xuncha.conftest import World


@pytest.fixture
def admin_sysadmin(world: World) -> User:
    """The system administrator, made staff with the admin permissions by the grant action."""
    user = UserFactory.create(username="admin_sysadmin")
    grant_role(user, Role.SYSADMIN, None, actor=SYSTEM)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def admin_security(world: World) -> User:
    """The security administrator, made staff with the grant permissions by the grant action."""
    user = UserFactory.create(username="admin_security")
    grant_role(user, Role.SECURITY_ADMIN, None, actor=SYSTEM)
    return User.objects.get(pk=user.pk)


def _unit_form(unit: AdminUnit, **changes: str) -> dict[str, str]:
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "category": unit.category,
        "category_reason": unit.category_reason,
        "profile": "{}",
    }
    data.update(changes)
    return data


def _user_form(user: User, **changes: str) -> dict[str, str]:
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "title": user.title,
        "phone": user.phone,
        "email": user.email,
        "is_active": "on",
    }
    if user.is_staff:
        data["is_staff"] = "on"
    data.update(changes)
    return data


def test_editing_a_unit_in_the_admin_records_before_and_after(
    client: Client, world: World, admin_sysadmin: User
) -> None:
    """Changing a village's name and reason in the admin writes an ``admin.changed`` event with both states."""
    unit = world.village_a2
    client.force_login(admin_sysadmin)
    response = client.post(
        f"/admin/organisations/adminunit/{unit.pk}/change/",
        _unit_form(unit, short_name="甲二村新", category_reason="村集体经济收入较高"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit.refresh_from_db()
    assert unit.short_name == "甲二村新"
    event = Event.objects.for_object(unit).get()
    assert event.verb == "admin.changed"
    assert event.actor == admin_sysadmin
    assert event.before is not None
    assert event.after is not None
    assert (event.before["short_name"], event.after["short_name"]) == ("甲二村", "甲二村新")
    assert (event.before["category_reason"], event.after["category_reason"]) == ("", "村集体经济收入较高")
    assert event.after["code"] == unit.code
    assert verify_chain().ok


def test_an_unchanged_admin_save_is_still_recorded(client: Client, world: World, admin_sysadmin: User) -> None:
    """Saving the form without a change leaves an event whose before and after agree."""
    unit = world.village_a2
    client.force_login(admin_sysadmin)
    client.post(f"/admin/organisations/adminunit/{unit.pk}/change/", _unit_form(unit))
    event = Event.objects.for_object(unit).get()
    assert event.before == event.after


@pytest.mark.parametrize("persona", ["sysadmin", "office", "auditor"])
def test_unit_admin_is_closed_without_the_admin_permissions(
    client: Client, world: World, persona: str, request: pytest.FixtureRequest
) -> None:
    """Users without staff access never reach the change form, and nothing is recorded."""
    client.force_login(request.getfixturevalue(persona))
    unit = world.village_a2
    response = client.post(f"/admin/organisations/adminunit/{unit.pk}/change/", _unit_form(unit, short_name="改"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    unit.refresh_from_db()
    assert unit.short_name == "甲二村"
    assert not Event.objects.for_object(unit).exists()


def test_security_admin_cannot_edit_units(client: Client, world: World, admin_security: User) -> None:
    """The security administrator is staff, but master data is the system administrator's (三员分立)."""
    client.force_login(admin_security)
    unit = world.village_a2
    response = client.post(f"/admin/organisations/adminunit/{unit.pk}/change/", _unit_form(unit, short_name="改"))
    assert response.status_code == 403
    assert not Event.objects.for_object(unit).exists()


def test_editing_an_account_in_the_admin_is_recorded_without_the_password(
    client: Client, world: World, admin_sysadmin: User
) -> None:
    """An account edited in the admin leaves an ``admin.changed`` event that never holds the password hash."""
    person = UserFactory.create(username="person", display_name="张三")
    client.force_login(admin_sysadmin)
    response = client.post(f"/admin/accounts/user/{person.pk}/change/", _user_form(person, title="县审计局干部"))
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.for_object(person).get()
    assert event.verb == "admin.changed"
    assert event.after is not None
    assert event.after["title"] == "县审计局干部"
    assert "password" not in event.after
    assert person.password not in str(event.before) + str(event.after)


def test_editing_ones_own_staff_account_in_the_admin_is_recorded(
    client: Client, world: World, admin_sysadmin: User
) -> None:
    """The system administrator edits their own account (which holds permissions); the change is audited."""
    client.force_login(admin_sysadmin)
    response = client.post(
        f"/admin/accounts/user/{admin_sysadmin.pk}/change/", _user_form(admin_sysadmin, phone="0773-7512345")
    )
    assert response.status_code == 302
    after = Event.objects.for_object(admin_sysadmin).filter(verb="admin.changed").get().after
    assert after is not None
    assert after["phone"] == "0773-7512345"
    assert "password" not in after
    assert "user_permissions" not in after


def test_the_system_administrator_cannot_take_over_the_security_administrator(
    client: Client, world: World, admin_sysadmin: User, admin_security: User
) -> None:
    """三员分立: the system administrator may neither edit the security administrator nor reset their password."""
    client.force_login(admin_sysadmin)
    edit = client.post(
        f"/admin/accounts/user/{admin_security.pk}/change/", _user_form(admin_security, phone="0773-7512345")
    )
    password = client.post(
        f"/admin/accounts/user/{admin_security.pk}/password/",
        {"password1": "Lq8-wintry-terrace-71", "password2": "Lq8-wintry-terrace-71", "usable_password": "true"},
    )
    assert edit.status_code == 403
    assert password.status_code == 403
    assert not Event.objects.for_object(admin_security).filter(verb__in=["admin.changed", "accounts.password_set"])


def test_the_system_administrator_cannot_take_over_a_business_account(
    client: Client, world: World, admin_sysadmin: User, office: User
) -> None:
    """三员分立: the system administrator cannot set the password of an office user in the admin (refused with a page
    that says why), so cannot sign in as them and read what they read."""
    client.force_login(admin_sysadmin)
    new_password = "Lq8-wintry-terrace-71"
    response = client.post(
        f"/admin/accounts/user/{office.pk}/password/",
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    assert response.status_code == 403
    assert "No one sets another person" in response.content.decode()
    office.refresh_from_db()
    assert not office.check_password(new_password)
    response = Client().post("/accounts/login/", {"username": office.username, "password": new_password})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not Event.objects.for_object(office).filter(verb__startswith="accounts.password")


def test_the_change_form_offers_no_password_link_for_another_account(
    client: Client, world: World, admin_sysadmin: User, office: User
) -> None:
    client.force_login(admin_sysadmin)
    html = client.get(f"/admin/accounts/user/{office.pk}/change/").content.decode()
    assert "../password/" not in html
    assert 'name="password' not in html


def test_an_account_created_in_the_admin_has_no_password(client: Client, world: World, admin_sysadmin: User) -> None:
    """The system administrator creates accounts through ``create_user`` without a password (the security
    administrator issues one), so they never know it."""
    client.force_login(admin_sysadmin)
    response = client.post(
        "/admin/accounts/user/add/", {"username": "newcomer", "display_name": "新人", "title": "县财政局"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    newcomer = User.objects.get(username="newcomer")
    assert not newcomer.has_usable_password()
    event = Event.objects.for_object(newcomer).get()
    assert (event.verb, event.actor) == ("accounts.user_created", admin_sysadmin)


def test_the_admin_refuses_a_business_role_for_an_administrator_with_the_reason(
    client: Client, world: World, admin_security: User, auditor: User
) -> None:
    """A grant that would give an administrator a role over case data is refused on the form, with the reason."""
    client.force_login(admin_security)
    response = client.post(
        "/admin/accounts/rolegrant/add/",
        {"user": str(auditor.pk), "role": Role.OFFICE, "unit": str(world.county.pk), "includes_descendants": "on"},
    )
    assert response.status_code == 200
    assert "may not hold a role over case data" in str(response.context["adminform"].form.errors)
    assert list(RoleGrant.objects.filter(user=auditor).values_list("role", flat=True)) == [Role.AUDITOR]


def test_role_grant_admin_grants_through_the_action(client: Client, world: World, admin_security: User) -> None:
    """Adding a grant in the admin goes through ``grant_role``: the grant names its granter and is audited."""
    person = UserFactory.create(username="person")
    client.force_login(admin_security)
    response = client.post(
        "/admin/accounts/rolegrant/add/",
        {"user": str(person.pk), "role": Role.VILLAGE, "unit": str(world.village_a2.pk), "includes_descendants": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = RoleGrant.objects.get(user=person)
    assert (grant.role, grant.unit, grant.granted_by) == (Role.VILLAGE, world.village_a2, admin_security)
    event = Event.objects.for_object(grant).get()
    assert event.verb == "accounts.role_granted"
    assert event.actor == admin_security
    assert event.after == {"user": "person", "role": "VILLAGE", "unit": world.village_a2.code}
    assert not Event.objects.filter(verb__startswith="admin.").exists()


def test_role_grant_admin_makes_a_sysadmin_staff(client: Client, world: World, admin_security: User) -> None:
    """A SYSADMIN grant made in the admin gives the admin access, as the action does."""
    person = UserFactory.create(username="person")
    client.force_login(admin_security)
    client.post("/admin/accounts/rolegrant/add/", {"user": str(person.pk), "role": Role.SYSADMIN})
    person.refresh_from_db()
    assert person.is_staff
    assert person.has_perm("organisations.change_adminunit")


def test_role_grant_admin_refuses_a_unit_role_without_unit(client: Client, world: World, admin_security: User) -> None:
    """The form refuses what the action would refuse, and nothing is written."""
    person = UserFactory.create(username="person")
    client.force_login(admin_security)
    response = client.post("/admin/accounts/rolegrant/add/", {"user": str(person.pk), "role": Role.VILLAGE})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not RoleGrant.objects.filter(user=person).exists()
    assert not Event.objects.filter(verb="accounts.role_granted", after__user="person").exists()


def test_role_grant_admin_revokes_through_the_action(client: Client, world: World, admin_security: User) -> None:
    """Deleting a grant in the admin goes through ``revoke_role`` and is audited as a revocation."""
    grant = grant_role(UserFactory.create(username="person"), Role.VILLAGE, world.village_a2, actor=SYSTEM)
    client.force_login(admin_security)
    response = client.post(f"/admin/accounts/rolegrant/{grant.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    event = Event.objects.filter(verb="accounts.role_revoked").get()
    assert event.actor == admin_security
    assert event.before == {"user": "person", "role": "VILLAGE", "unit": world.village_a2.code}


def test_role_grants_cannot_be_changed_in_place(client: Client, world: World, admin_security: User) -> None:
    """A grant is withdrawn and made anew, never edited: the change form refuses a POST."""
    grant = grant_role(UserFactory.create(username="person"), Role.VILLAGE, world.village_a2, actor=SYSTEM)
    client.force_login(admin_security)
    response = client.post(
        f"/admin/accounts/rolegrant/{grant.pk}/change/",
        {"user": str(grant.user_id), "role": Role.VILLAGE, "unit": str(world.village_a1.pk)},
    )
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.unit == world.village_a2


def test_system_administrator_cannot_grant_roles_in_the_admin(
    client: Client, world: World, admin_sysadmin: User
) -> None:
    """Role grants belong to the security administrator (三员分立)."""
    person = UserFactory.create(username="person")
    client.force_login(admin_sysadmin)
    response = client.post("/admin/accounts/rolegrant/add/", {"user": str(person.pk), "role": Role.AUDITOR})
    assert response.status_code == 403
    assert not RoleGrant.objects.filter(user=person).exists()


@pytest.mark.parametrize(
    ("method", "suffix", "data"),
    [("post", "change/", {"verb": "forged"}), ("post", "delete/", {"post": "yes"})],
    ids=["change", "delete"],
)
def test_events_are_read_only_even_for_a_superuser(
    client: Client, db: None, method: str, suffix: str, data: dict[str, Any]
) -> None:
    """Not even a superuser can edit or delete an event through the admin."""
    superuser = UserFactory.create(username="root", is_superuser=True, is_staff=True)
    event = record_event("test.kept", superuser, actor=SYSTEM)
    client.force_login(superuser)
    response = getattr(client, method)(f"/admin/audit/event/{event.pk}/{suffix}", data)
    assert response.status_code == 403
    assert Event.objects.get(pk=event.pk).verb == "test.kept"
    assert client.post("/admin/audit/event/add/", {"verb": "forged"}).status_code == 403
