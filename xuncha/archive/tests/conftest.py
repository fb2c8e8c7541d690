"""A closed round with something of everything in its file: a working paper with a photo, a petition with its
reporter, a sealed clue, the village fed back."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.findings import actions as findings_actions
from xuncha.findings.tests import factories as findings
from xuncha.inspections.models import Round
from xuncha.rectification.tests.factories import publish, set_round


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def closed(world: World, office: User, group_leader: User) -> World:
    """Round 4, CLOSED: 甲一村 with a confirmed paper and a photo, a petition naming its reporter, a clue, fed back."""
    set_round(world, Round.Status.STATIONED)
    problem = findings.record_problem(world.assignment, group_leader)
    photo = findings.png_bytes()
    findings_actions.attach_evidence(problem, io.BytesIO(photo), "现场照片.png", len(photo), actor=group_leader)
    findings.record_petition(world.assignment, group_leader)
    findings.register_clue(world.assignment, group_leader)
    findings_actions.confirm_problem(problem, actor=group_leader)
    set_round(world, Round.Status.REPORTING)
    publish(world.round, world.village_a1, office)
    set_round(world, Round.Status.CLOSED)
    return world
