"""A round fed back to 甲一村 (with its township 甲镇) on 2023-12-04, through the actions: its three deliverables
are open; and the media folder in a temporary place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.deliverables.models import Deliverable
from xuncha.rectification.models import Feedback
from xuncha.rectification.tests.factories import publish, reported_round


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def feedback(world: World, office: User) -> Feedback:
    reported = reported_round(world)
    return publish(reported.round, world.village_a1, office)


def of(feedback: Feedback, kind: str) -> Deliverable:
    return Deliverable.objects.get(feedback=feedback, kind=kind)


@pytest.fixture
def plan(feedback: Feedback) -> Deliverable:
    return of(feedback, Deliverable.Kind.PLAN)


@pytest.fixture
def report(feedback: Feedback) -> Deliverable:
    return of(feedback, Deliverable.Kind.REPORT)
