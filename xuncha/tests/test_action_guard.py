"""Every action of every app refuses a caller without the permission and a caller that passed no actor at all.

The actions are found by walking the apps' ``actions`` modules, not listed by hand, so a new action is covered the
day it is written. Each is called with stand-ins for its arguments: an action checks who acts before it reads or
writes anything (STYLE rule 2), so a refusal must come before any stand-in is used as data.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any
from unittest import mock

import pytest
from django.apps import apps

from xuncha.accounts.actors import RESIDENT, SYSTEM, SystemActor, require
from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.core.exceptions import PermissionDenied


def _action_modules() -> Iterator[ModuleType]:
    for config in apps.get_app_configs():
        if not config.name.startswith("xuncha."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.actions")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.actions":
                raise
            continue
        yield module
        if hasattr(module, "__path__"):  # a package of action modules, one per stage
            for info in pkgutil.iter_modules(module.__path__):
                yield importlib.import_module(f"{module.__name__}.{info.name}")


def _actions() -> list[tuple[str, Callable[..., Any]]]:
    found = {}
    for module in _action_modules():
        if module.__name__ == "xuncha.audit.actions":
            continue  # the audit trail itself, tested below
        for name, function in inspect.getmembers(module, inspect.isfunction):
            qualified = f"{function.__module__}.{name}"
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            if "actor" in inspect.signature(function).parameters:
                found[qualified] = function
    return sorted(found.items())


ACTIONS = _actions()


class StandIn(mock.MagicMock):
    """Any argument: every attribute is another stand-in, but keys are ids no row has and a few choice fields hold
    a valid value, so that a permission function can be asked about it as about a real object."""

    VALUES: dict[str, Any] = {"receiver": "DISCIPLINE", "recipient": "TOWNSHIP"}

    def __getattr__(self, name: str) -> Any:
        if name == "pk" or name.endswith("_id"):
            return 0
        if name in self.VALUES:
            return self.VALUES[name]
        return super().__getattr__(name)

    def _get_child_mock(self, **kwargs: Any) -> StandIn:
        return StandIn(**kwargs)


def _call(function: Callable[..., Any], actor: Any) -> Any:
    """Call with a stand-in for every argument without a default."""
    arguments: dict[str, Any] = {}
    positional: list[Any] = []
    for name, parameter in inspect.signature(function).parameters.items():
        if name == "actor":
            arguments[name] = actor
        elif parameter.default is inspect.Parameter.empty:
            stand_in = StandIn(name=name)
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
                arguments[name] = stand_in
            else:
                positional.append(stand_in)
    return function(*positional, **arguments)


def test_the_walk_finds_the_actions_of_every_app() -> None:
    """A guard over nothing would pass: the walk must see the use cases of each app that has them."""
    names = {name for name, _function in ACTIONS}
    for expected in [
        "xuncha.accounts.actions.grant_role",
        "xuncha.organisations.actions.import_divisions",
        "xuncha.inspections.actions.move_round",
        "xuncha.findings.actions.clues.register_clue",
        "xuncha.findings.actions.clues.read_clue",
        "xuncha.rectification.actions.ledger.close_item",
        "xuncha.rectification.actions.feedback.publish_feedback",
        "xuncha.rectification.actions.visits.record_visit",
        "xuncha.public.actions.publish_disclosure",
    ]:
        assert expected in names
    assert len(ACTIONS) >= 60


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "function"), ACTIONS, ids=[name for name, _function in ACTIONS])
def test_every_action_refuses_no_actor(name: str, function: Callable[..., Any]) -> None:
    with pytest.raises(PermissionDenied):
        _call(function, None)
    assert not Event.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "function"), ACTIONS, ids=[name for name, _function in ACTIONS])
def test_every_action_refuses_a_user_without_the_permission(name: str, function: Callable[..., Any]) -> None:
    """A signed-in account with no role and no group membership may do nothing; nor may a resident."""
    nobody = User.objects.create_user("nobody", password=None)
    with pytest.raises(PermissionDenied):
        _call(function, nobody)
    with pytest.raises(PermissionDenied):
        _call(function, RESIDENT)
    assert not Event.objects.exists()


def test_require_lets_only_the_system_through_without_the_permission() -> None:
    """``SYSTEM`` passes; a user passes only with the permission; no actor, a resident or another non-user never."""
    user = User(username="someone")
    require(SYSTEM, False, "no")
    require(user, True, "no")
    actors: list[Any] = [None, RESIDENT, SystemActor("another"), user]
    for actor in actors:
        with pytest.raises(PermissionDenied, match="no"):
            require(actor, False, "no")
    for actor in actors[:3]:
        with pytest.raises(PermissionDenied):
            require(actor, True, "no")


@pytest.mark.django_db
def test_the_audit_trail_refuses_an_event_without_an_actor(world: Any) -> None:
    from xuncha.audit.actions import record_event

    with pytest.raises(TypeError, match="actor"):
        record_event("tests.poked", world.county, actor=None)  # type: ignore[arg-type]
    event = record_event("tests.poked", world.county, actor=SYSTEM)
    assert (event.actor_id, event.actor_label) == (None, "system")
