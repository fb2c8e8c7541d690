"""Shared by the planning-action tests: who may plan, the personas refused, rounds set up for a test and the
one audit event an action writes.
"""

from __future__ import annotations

from datetime import date

import pytest

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.inspections.models import Round
from xuncha.inspections.tests.factories import RoundFactory

Status = Round.Status

# Personas who may read some of the county but never plan in it; ``outsider`` is the office of another county.
NON_PLANNERS = ["township_user", "village_user", "group_member", "group_leader", "leader", "discipline", "outsider"]
ROUND_FROM = date(2023, 9, 1)
ROUND_UNTIL = date(2023, 11, 30)


def persona(request: pytest.FixtureRequest, name: str) -> User:
    user: User = request.getfixturevalue(name)
    return user


def planned_round(world: World, number: int = 5) -> Round:
    """A planned round of the world's term, with the same dates as round 4."""
    return RoundFactory.create(term=world.term, number=number, start_date=ROUND_FROM, end_date=ROUND_UNTIL)


def only_event(verb: str) -> Event:
    return Event.objects.get(verb=verb)
