"""Closing with four eyes (联审销号, closing.py): whoever verified an item on a return visit does not close it; items of
key villages, and items a visit found not fixed before, close by the office director alone.

In the demo the same clerk recorded the visit to 城南社区's hydrants and closed the item; these tests fail on the code
before the rule.
"""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from xuncha.accounts.actors import SYSTEM, Actor
from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.conftest import World
from xuncha.core.exceptions import PermissionDenied
from xuncha.organisations.models import AdminUnit
from xuncha.public.models import ResidentConfirmation
from xuncha.rectification import actions, closing
from xuncha.rectification.models import LedgerItem, VisitCheck
from xuncha.rectification.tests.api_helpers import API, client_for
from xuncha.rectification.tests.factories import ledger_item

Status = LedgerItem.Status
Verdict = VisitCheck.Verdict


@pytest.fixture
def second_clerk(world: World) -> User:
    """Another person of the office, who did not go on the visit."""
    user = UserFactory.create(username="office_2", display_name="周敏")
    grant(user, Role.OFFICE, world.county)
    return user


def reviewed(world: World, village: AdminUnit, **fields: Any) -> LedgerItem:
    return ledger_item(world.round, village, status=Status.REVIEWED, **fields)


def check_on_a_visit(item: LedgerItem, verdict: str, actor: Actor) -> None:
    """A return visit that gives ``item`` the verdict, planned and recorded by ``actor``."""
    today = timezone.localdate()
    planned = actions.plan_visit(
        item.village, planned_on=today, items=[item], actor=actor, visitors="县委巡察办", round_=item.round
    )
    new_deadline = today + timedelta(days=30) if verdict == Verdict.REOPEN else None
    actions.record_visit(
        planned,
        visited_on=today,
        verdicts={item.pk: (verdict, "现场查看", new_deadline)},
        people_asked=10,
        people_satisfied=9,
        actor=actor,
    )
    item.refresh_from_db()


def test_the_clerk_who_verified_an_item_does_not_close_it(world: World, office: User, second_clerk: User) -> None:
    """甲二村 is an ordinary village; the item waits for a visit. The clerk who recorded it is refused, another
    closes."""
    item = reviewed(world, world.village_a2, needs_return_visit=True)
    check_on_a_visit(item, Verdict.VERIFIED, office)
    assert item.verified_by == office

    with pytest.raises(PermissionDenied, match="four eyes"):
        actions.close_item(item, actor=office)
    item.refresh_from_db()
    assert item.status == Status.REVIEWED

    actions.close_item(item, actor=second_clerk)
    item.refresh_from_db()
    assert item.status == Status.CLOSED


def test_the_director_who_verified_an_item_does_not_close_it_either(
    world: World, office: User, office_lead: User
) -> None:
    item = reviewed(world, world.village_a1)
    check_on_a_visit(item, Verdict.VERIFIED, office_lead)

    with pytest.raises(PermissionDenied, match="four eyes"):
        actions.close_item(item, actor=office_lead)


def test_a_key_villages_item_closes_by_the_director(
    world: World, office: User, office_lead: User, group_leader: User
) -> None:
    """甲一村 is a key village: the group verified the item; a clerk is refused, the director closes."""
    item = reviewed(world, world.village_a1)
    check_on_a_visit(item, Verdict.VERIFIED, group_leader)

    assert closing.why_not_close_by(office, item) == "An item of a key village is closed by the office director."
    with pytest.raises(PermissionDenied, match="office director"):
        actions.close_item(item, actor=office)

    actions.close_item(item, actor=office_lead)
    item.refresh_from_db()
    assert (item.status, item.progress.get(kind="CLOSURE").author) == (Status.CLOSED, office_lead)


def test_an_item_a_visit_found_not_fixed_closes_by_the_director(
    world: World, office: User, office_lead: User, second_clerk: User
) -> None:
    """甲二村's item failed its first visit; once fixed, verified and approved again, only the director closes it."""
    item = reviewed(world, world.village_a2, needs_return_visit=True)
    check_on_a_visit(item, Verdict.REOPEN, second_clerk)
    assert (item.status, item.failed_visits) == (Status.IN_PROGRESS, 1)
    LedgerItem.objects.filter(pk=item.pk).update(status=Status.REVIEWED)
    item.refresh_from_db()
    check_on_a_visit(item, Verdict.VERIFIED, second_clerk)

    with pytest.raises(PermissionDenied, match="not fixed before"):
        actions.close_item(item, actor=office)
    actions.close_item(item, actor=office_lead)


def test_the_county_chooses_which_items_need_the_director(
    world: World, office: User, group_leader: User, settings: Any
) -> None:
    """With XUNCHA_CLOSING_NEEDS_DIRECTOR empty, a clerk closes a key village's item another person verified; the
    verifier still never closes."""
    settings.XUNCHA_CLOSING_NEEDS_DIRECTOR = []
    item = reviewed(world, world.village_a1)
    check_on_a_visit(item, Verdict.VERIFIED, group_leader)

    actions.close_item(item, actor=office)
    item.refresh_from_db()
    assert item.status == Status.CLOSED


def test_commands_close_as_the_system(world: World, office: User) -> None:
    item = reviewed(world, world.village_a1)
    check_on_a_visit(item, Verdict.VERIFIED, office)
    actions.close_item(item, actor=SYSTEM)
    item.refresh_from_db()
    assert item.status == Status.CLOSED


def test_reopening_forgets_who_verified(world: World, office: User, office_lead: User) -> None:
    """A reopened item is verified anew: the earlier verifier may close after someone else verified it again."""
    item = reviewed(world, world.village_a2, needs_return_visit=True)
    check_on_a_visit(item, Verdict.VERIFIED, office_lead)
    actions.close_item(item, actor=office)
    actions.reopen_item(
        item, reason="群众反映问题反弹", new_deadline=timezone.localdate() + timedelta(days=30), actor=office
    )
    item.refresh_from_db()
    assert (item.verified_at, item.verified_by) == (None, None)


def test_the_checklist_says_who_verified_and_who_closes(world: World, office: User, group_leader: User) -> None:
    item = reviewed(world, world.village_a1)
    check_on_a_visit(item, Verdict.VERIFIED, group_leader)
    lines = {line.label: line for line in closing.checklist(item)}
    assert lines["Return visit"].ok and "Verified" in lines["Return visit"].value
    assert str(group_leader) in lines["Verified by"].value
    assert lines["Who closes it"].value == "An item of a key village is closed by the office director."
    assert not lines["Evidence filed with the submission"].ok  # written directly: no submission, no files


def test_the_migration_fills_in_who_verified_and_the_failed_visits(
    world: World, office: User, group_leader: User
) -> None:
    """Items verified before the rule learn their verifier from the audit trail, and their failed visits from the
    visits' verdicts."""
    verified = reviewed(world, world.village_a1)
    check_on_a_visit(verified, Verdict.VERIFIED, group_leader)
    failed = reviewed(world, world.village_a1)
    check_on_a_visit(failed, Verdict.REOPEN, group_leader)
    LedgerItem.objects.update(verified_by=None, failed_visits=0)

    migration = importlib.import_module("xuncha.rectification.migrations.0006_four_eyes_closing")
    migration.backfill(apps, None)

    verified.refresh_from_db()
    failed.refresh_from_db()
    assert (verified.verified_by, verified.failed_visits) == (group_leader, 0)
    assert (failed.verified_by, failed.failed_visits) == (None, 1)


def test_the_director_overrides_residents_objection_through_the_api(
    world: World, office: User, office_lead: User, group_leader: User
) -> None:
    """The API closes as the page does: refused while residents say not fixed, unless the director gives a reason."""
    item = reviewed(world, world.village_a1)
    for number in range(3):
        ResidentConfirmation.objects.create(
            item=item,
            answer=ResidentConfirmation.Answer.UNRESOLVED,
            channel=ResidentConfirmation.Channel.DISCLOSURE,
            device_key=f"phone-{number}",
        )
    check_on_a_visit(item, Verdict.VERIFIED, group_leader)
    url = f"{API}/items/{item.pk}/close/"
    assert client_for(office_lead).post(url, {}, format="json").status_code == 409
    assert client_for(office).post(url, {"override_reason": "已核实整改到位"}, format="json").status_code == 403
    closed = client_for(office_lead).post(url, {"override_reason": "回访核实已整改到位，群众意见已解释"}, format="json")
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "CLOSED"
