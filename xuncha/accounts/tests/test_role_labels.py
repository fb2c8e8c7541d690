"""A role's title follows the unit granted: a leader over a county is 县领导, over a city 市领导, over an autonomous
region 自治区领导 (over another province 省领导), in the header, on the security administrator's page and in the
admin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.utils import translation

from xuncha.accounts.actions import grant_role
from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Role, RoleGrant, User, role_label
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.organisations.tests import factories as units

if TYPE_CHECKING:
    from xuncha.conftest import World


@pytest.fixture(autouse=True)
def _chinese(settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def city_leader(world: World) -> User:
    user = UserFactory.create(username="city_leader")
    grant(user, Role.LEADER, units.city())
    return user


@pytest.fixture
def region_leader(world: World) -> User:
    user = UserFactory.create(username="region_leader")
    grant(user, Role.LEADER, units.province())
    return user


@pytest.fixture
def security_admin(world: World) -> User:
    user = UserFactory.create(username="security_admin")
    grant_role(user, Role.SECURITY_ADMIN, None, actor=SYSTEM)
    return User.objects.get(pk=user.pk)


def _header(client: Client, user: User) -> str:
    client.force_login(user)
    html = client.get("/accounts/notifications/").content.decode()
    start = html.index('data-testid="current-user"')
    return html[start : html.index("</span>", start)]


@pytest.mark.parametrize(
    ("level", "code", "title"),
    [
        ("COUNTY", "450328000000", "县领导"),
        ("CITY", "450300000000", "市领导"),
        ("PROVINCE", "450000000000", "自治区领导"),
        ("PROVINCE", "430000000000", "省领导"),
    ],
)
def test_a_leaders_title_follows_the_level(level: str, code: str, title: str) -> None:
    with translation.override("zh-hans"):
        assert str(role_label(Role.LEADER, level, code)) == title


def test_other_roles_keep_their_title() -> None:
    with translation.override("zh-hans"):
        assert str(role_label(Role.OFFICE, "CITY", "450300000000")) == str(Role.OFFICE.label)


def test_the_header_names_a_city_leader(client: Client, city_leader: User) -> None:
    header = _header(client, city_leader)
    assert "市领导" in header
    assert "县领导" not in header


def test_the_header_names_a_region_leader(client: Client, region_leader: User) -> None:
    header = _header(client, region_leader)
    assert "自治区领导" in header
    assert "县领导" not in header


def test_the_header_names_a_county_leader(client: Client, leader: User) -> None:
    assert "县领导" in _header(client, leader)


def test_the_security_page_names_the_grant_by_its_level(
    client: Client, security_admin: User, city_leader: User, leader: User
) -> None:
    client.force_login(security_admin)
    html = client.get("/accounts/security/").content.decode()
    assert "市领导 · 桂林市" in html
    assert "县领导 · 龙胜各族自治县" in html


def test_a_grant_reads_its_title(city_leader: User, leader: User) -> None:
    with translation.override("zh-hans"):
        titles = {grant.user.username: grant.role_title() for grant in RoleGrant.objects.select_related("unit")}
    assert titles == {"city_leader": "市领导", "leader": "县领导"}


def test_the_admin_list_names_the_grant_by_its_level(client: Client, security_admin: User, city_leader: User) -> None:
    client.force_login(security_admin)
    response = client.get("/admin/accounts/rolegrant/")
    assert response.status_code == 200
    assert "市领导" in response.content.decode()
