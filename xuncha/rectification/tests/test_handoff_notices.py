"""Each hand-off of a list, an item or a visit tells the next actor at once (``rectification.notices``): in the bell,
and by e-mail after the commit where e-mail is configured; never the actor, never anyone who cannot open the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation

from xuncha.accounts.models import Notification, Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.conftest import World
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.tests.factories import Reported, publish, township_person, village_person
from xuncha.rectification.tests.item_helpers import approve, close, item_in, return_reviewed, send_back, submit

Status = LedgerItem.Status

pytestmark = pytest.mark.usefixtures("media")


def told(kind: str) -> set[str]:
    """The usernames notified of ``kind``."""
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


@pytest.fixture
def people(world: World, office: User, office_lead: User, township_user: User, village_user: User) -> dict[str, User]:
    """The office (and its director, who closes a key village's items), 甲镇 and 甲一村, with the neighbours who
    must not hear: 甲二村, 乙镇, another county's office."""
    return {
        "office": office,
        "director": office_lead,
        "township": township_user,
        "village": village_user,
        "neighbour": village_person(world.village_a2, "village_a2"),
        "other_township": township_person(world.township_b, "township_b"),
        "outsider": grant(UserFactory.create(username="outsider"), Role.OFFICE, world.other_county).user,
    }


def test_feedback_tells_the_township_and_the_village_to_read_and_sign(
    reported: Reported, world: World, people: dict[str, User]
) -> None:
    """Publishing tells 甲镇 and 甲一村 (who sign the receipts), not the neighbours, not the office that published."""
    publish(reported.round, world.village_a1, people["office"])

    assert told("FEEDBACK_PUBLISHED") == {"township_a", "village_a1"}
    notice = Notification.objects.filter(kind="FEEDBACK_PUBLISHED").first()
    assert notice is not None
    assert notice.url == f"/lists/{reported.round.problem_lists.get(village=world.village_a1).pk}/"
    with translation.override("zh-hans"):
        assert "甲一村" in notice.text and "签收" in notice.text
    with translation.override("en"):
        assert notice.text.startswith("The lists of 甲一村")


@pytest.mark.parametrize(
    ("start", "step", "who", "kind", "expected"),
    [
        (Status.IN_PROGRESS, submit, "village", "AWAITING_REVIEW", {"township_a"}),
        (Status.SUBMITTED, approve, "township", "AWAITING_CLOSURE", {"office", "office_lead"}),
        (Status.SUBMITTED, send_back, "township", "RETURNED", {"village_a1"}),
        (Status.REVIEWED, return_reviewed, "office", "RETURNED", {"village_a1"}),
        (Status.REVIEWED, close, "director", "CLOSED", {"village_a1", "township_a"}),
    ],
)
def test_each_move_of_an_item_tells_the_next_actor(
    world: World, people: dict[str, User], start: str, step: Any, who: str, kind: str, expected: set[str]
) -> None:
    """Submitted → the township; approved → the office; returned → the village; closed → village and township.
    The actor is never told, nor a neighbour, another township or another county."""
    item = item_in(world, start, needs_return_visit=False)

    step(item, people[who])

    assert told(kind) == expected
    assert not Notification.objects.exclude(kind=kind).exists()
    notice = Notification.objects.filter(kind=kind).first()
    assert notice is not None and notice.url == item.get_absolute_url()
    assert item.number in notice.text


def test_a_progress_report_tells_no_one(world: World, people: dict[str, User]) -> None:
    """Only the hand-offs notify: a progress note keeps the item with the village."""
    item = item_in(world, Status.OPEN)

    actions.report_progress(item, text="已召开村民代表会议。", actor=people["village"])

    assert not Notification.objects.exists()


def test_an_account_that_cannot_open_the_item_is_not_told(world: World, people: dict[str, User]) -> None:
    """A disabled township account is left out."""
    people["township"].is_active = False
    people["township"].save(update_fields=["is_active"])
    item = item_in(world, Status.IN_PROGRESS)

    submit(item, people["village"])

    assert told("AWAITING_REVIEW") == set()


def test_a_planned_visit_tells_the_village_and_its_township(world: World, people: dict[str, User]) -> None:
    item = item_in(world, Status.REVIEWED)

    visit = actions.plan_visit(world.village_a1, planned_on=timezone.localdate(), items=[item], actor=people["office"])

    assert told("VISIT_PLANNED") == {"village_a1", "township_a"}
    assert set(Notification.objects.values_list("url", flat=True)) == {visit.get_absolute_url()}


def test_the_same_hand_off_twice_a_day_is_one_unread_notice(world: World, people: dict[str, User]) -> None:
    """A second return on the same day replaces the first notice and makes it unread again."""
    item = item_in(world, Status.SUBMITTED)
    send_back(item, people["township"])
    Notification.objects.update(read_at=timezone.now())
    submit(item, people["village"])
    send_back(item, people["township"])

    returned = Notification.objects.get(kind="RETURNED")
    assert returned.read_at is None


def test_e_mail_goes_after_the_commit_where_configured(
    world: World,
    people: dict[str, User],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """With e-mail configured, the township's cadre (with an address) gets one e-mail once the submission is
    committed, in the site's language; nothing is sent before."""
    settings.XUNCHA_EMAIL_ENABLED = True
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    User.objects.filter(pk=people["township"].pk).update(email="township_a@example.org")
    item = item_in(world, Status.IN_PROGRESS)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submit(item, people["village"])
        assert not mail.outbox

    assert callbacks
    assert [message.to for message in mail.outbox] == [["township_a@example.org"]]
    assert item.number in mail.outbox[0].body


def test_no_e_mail_without_configuration(
    world: World, people: dict[str, User], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.XUNCHA_EMAIL_ENABLED = False
    User.objects.filter(pk=people["township"].pk).update(email="township_a@example.org")
    item = item_in(world, Status.IN_PROGRESS)

    with django_capture_on_commit_callbacks(execute=True):
        submit(item, people["village"])

    assert told("AWAITING_REVIEW") == {"township_a"}
    assert not mail.outbox
