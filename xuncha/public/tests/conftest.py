"""Fixtures of the residents' pages: an assignment stationed today, with one village or with several."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from xuncha.conftest import World
from xuncha.inspections.models import Assignment
from xuncha.inspections.tests.factories import GroupFactory, assign


def stationed_around_today(assignment: Assignment, *, days: int = 10) -> Assignment:
    """Move the stationing dates around today, so that "today" needs no clock freezing."""
    today = timezone.localdate()
    assignment.stationed_from = today - timedelta(days=days)
    assignment.stationed_until = today + timedelta(days=days)
    assignment.save(update_fields=["stationed_from", "stationed_until"])
    return assignment


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


@pytest.fixture
def stationed(world: World) -> Assignment:
    """第三巡察组 on 甲一村, stationed from ten days ago to ten days ahead."""
    return stationed_around_today(world.assignment)


@pytest.fixture
def township_assignment(world: World) -> Assignment:
    """第五巡察组 on 甲镇 with 甲二村 and 甲社区 (巡乡带村), stationed around today."""
    group = GroupFactory.create(round=world.round, number=5)
    assignment = assign(
        group,
        [world.village_a2, world.community_a],
        mode=Assignment.Mode.TOWNSHIP_WITH_VILLAGES,
        target=world.township_a,
    )
    return stationed_around_today(assignment)
