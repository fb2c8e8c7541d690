"""``xuncha remind`` tells the receiving body of a transferred clue when no disposal has been reported three months
after the transfer; the text names the clue by its reference, never whom it concerns nor what it alleges."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Notification, Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.conftest import World
from xuncha.findings.models import Clue
from xuncha.findings.tests.factories import CLUE_SUBJECT, CLUE_SUMMARY, ClueFactory
from xuncha.rectification import actions
from xuncha.rectification.queries import months_before

TODAY = date(2024, 3, 15)


def transferred(world: World, on: date, **fields: object) -> Clue:
    moment = datetime.combine(on, time(10), tzinfo=timezone.get_default_timezone())
    values: dict[str, object] = {"status": Clue.Status.TRANSFERRED, "transferred_at": moment, **fields}
    return ClueFactory.create(assignment=world.assignment, **values)


def clue_notices() -> list[Notification]:
    return list(Notification.objects.filter(kind="CLUE_UNDISPOSED").order_by("user__username"))


@pytest.fixture
def orgdept(world: World) -> User:
    user = UserFactory.create(username="orgdept")
    grant(user, Role.ORG_DEPT, world.county)
    return user


def test_three_months_to_the_day() -> None:
    assert months_before(date(2024, 3, 15), 3) == date(2023, 12, 15)
    assert months_before(date(2024, 5, 31), 3) == date(2024, 2, 29)
    assert months_before(date(2024, 1, 31), 3) == date(2023, 10, 31)


def test_a_clue_without_disposal_after_three_months_reminds_its_receiver(
    world: World, discipline: User, orgdept: User, office_lead: User
) -> None:
    clue = transferred(world, months_before(TODAY, 3))
    actions.send_reminders(actor=SYSTEM, today=TODAY)
    [notice] = clue_notices()
    assert notice.user == discipline  # not the organisation department, not the office
    assert str(clue.reference)[:8].upper() in notice.message
    assert CLUE_SUBJECT not in notice.message and CLUE_SUMMARY not in notice.message
    assert "李建国" not in notice.message
    assert notice.url == clue.get_absolute_url()


def test_no_reminder_before_three_months_nor_once_disposed(world: World, discipline: User) -> None:
    transferred(world, months_before(TODAY, 3) + timedelta(days=1))
    transferred(
        world,
        months_before(TODAY, 5),
        status=Clue.Status.DISPOSED,
        disposal=Clue.Disposal.PRELIMINARY,
        disposed_at=timezone.now(),
    )
    ClueFactory.create(assignment=world.assignment)  # registered, not transferred
    actions.send_reminders(actor=SYSTEM, today=TODAY)
    assert clue_notices() == []


def test_a_received_clue_reminds_too_and_once_a_day(world: World, orgdept: User, discipline: User) -> None:
    transferred(world, months_before(TODAY, 4), status=Clue.Status.RECEIVED, receiver=Clue.Receiver.ORG_DEPT)
    actions.send_reminders(actor=SYSTEM, today=TODAY)
    actions.send_reminders(actor=SYSTEM, today=TODAY)
    assert [notice.user for notice in clue_notices()] == [orgdept]


def test_other_counties_receivers_are_not_told(world: World) -> None:
    other = UserFactory.create(username="other_discipline")
    grant(other, Role.DISCIPLINE, world.other_county)
    transferred(world, months_before(TODAY, 6))
    actions.send_reminders(actor=SYSTEM, today=TODAY)
    assert clue_notices() == []
