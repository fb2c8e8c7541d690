"""The chain covers every stored column of an event: whichever one a database writer edits, ``xuncha verify-audit``
names that event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import models

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.actions import record_event
from xuncha.audit.models import Event
from xuncha.organisations.models import AdminUnit
from xuncha.organisations.tests import factories as units

# Every column but the row's own key and the hash it is checked against.
FIELDS = {field.name: field for field in Event._meta.concrete_fields if field.name not in {"id", "hash"}}
HASHED = list(FIELDS)


@pytest.fixture
def edited(db: None) -> Event:
    """The middle one of three events, with every column filled in: an actor, a unit, values and a note."""
    actor = UserFactory.create(username="actor")
    county = units.county("450328", "龙胜各族自治县")
    record_event("test.created", county, actor=SYSTEM, after={"name": "甲"})
    event = record_event(
        "test.changed", county, actor=actor, unit=county, before={"name": "甲"}, after={"name": "乙"}, note="备注"
    )
    record_event("test.closed", county, actor=SYSTEM)
    return event


def _forged(event: Event, name: str) -> Any:
    """Another value for the column ``name`` of ``event``, of the column's type."""
    field = FIELDS[name]
    value = getattr(event, field.attname)
    if field.related_model is User:
        return UserFactory.create(username="scapegoat")
    if field.related_model is AdminUnit:
        return units.county("450325", "兴安县")
    if isinstance(field, models.JSONField):
        return {"forged": value}
    if isinstance(field, models.DateTimeField):
        return value - timedelta(seconds=1)
    if isinstance(field, models.IntegerField):
        return value + 1000
    return ("x" + value)[: field.max_length]


def test_the_unit_is_among_the_hashed_columns() -> None:
    """The unit an event concerns is one of the columns the chain must protect."""
    assert "unit" in HASHED


@pytest.mark.parametrize("name", HASHED)
def test_verify_audit_names_an_event_edited_in_any_column(edited: Event, name: str) -> None:
    """An UPDATE of any single column of a stored event makes ``verify-audit`` fail at that event."""
    call_command("verify-audit")
    forged = _forged(edited, name)

    Event.objects.filter(pk=edited.pk).update(**{name: forged})

    with pytest.raises(CommandError, match=f"Audit chain broken at event #{edited.seq}: "):
        call_command("verify-audit")
