"""Fixtures of the dashboard tests: the scene (a county in the middle of its term, see ``scenes``), the region of
three counties around it, and the people who read a city's or the province's roll-up."""

from __future__ import annotations

import pytest

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.conftest import World
from xuncha.dashboard.tests.scenes import Region, Scene, build_region, build_scene


@pytest.fixture
def scene(world: World, office: User) -> Scene:
    return build_scene(world, office)


@pytest.fixture
def region(world: World, scene: Scene) -> Region:
    return build_region(world)


@pytest.fixture
def province_leader(region: Region) -> User:
    """A leader of the province (a grant on the province covers every county of it)."""
    user = UserFactory.create(username="province_leader")
    grant(user, Role.LEADER, region.province)
    return user


@pytest.fixture
def city_leader(region: Region) -> User:
    user = UserFactory.create(username="city_leader")
    grant(user, Role.LEADER, region.city)
    return user
