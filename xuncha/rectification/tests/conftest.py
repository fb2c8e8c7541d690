"""Fixtures shared by the rectification API and ledger item tests: a temporary MEDIA_ROOT, a reported round,
and the people of the neighbouring village and township."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.rectification.tests.factories import Reported, reported_round, township_person, village_person


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """MEDIA_ROOT in a fresh temporary folder, for the evidence files (``pytestmark`` of the modules that need it)."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def reported(world: World) -> Reported:
    """Round 4 in REPORTING: 甲一村, 甲二村, 甲社区 and 乙一村 with two confirmed problems each."""
    return reported_round(world)


@pytest.fixture
def township_b_user(world: World) -> User:
    return township_person(world.township_b, "township_b")


@pytest.fixture
def village_a2_user(world: World) -> User:
    return village_person(world.village_a2, "village_a2")


@pytest.fixture
def other_village_user(world: World) -> User:
    """The party organisation of 甲二村, a neighbour in the same township."""
    return village_person(world.village_a2, "village_a2")


@pytest.fixture
def other_township_user(world: World) -> User:
    """The party committee of 乙镇, another township."""
    return township_person(world.township_b, "township_b")
