"""Extensions as requests (整改延期申请): the village or its township asks, the township reviews, the office director
decides; beyond the limits (XUNCHA_EXTENSIONS_MAX_COUNT, XUNCHA_EXTENSIONS_MAX_DAYS) only the leading group's
recorded decision approves. An office clerk extends nothing: on the code before the rule a clerk pushed a deadline
up to three years away."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from xuncha.accounts.models import Notification, User
from xuncha.audit.actions import WITHHELD
from xuncha.audit.labels import VERB_LABELS
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.rectification import actions, extensions
from xuncha.rectification.models import ExtensionRequest, LedgerItem, Progress
from xuncha.rectification.tests.factories import FOLLOW_UP_DEADLINE, ledger_item

Status = LedgerItem.Status
Request = ExtensionRequest.Status


@pytest.fixture
def item(world: World) -> LedgerItem:
    return ledger_item(world.round, world.village_a1, status=Status.IN_PROGRESS)


def days(n: int) -> Any:
    return FOLLOW_UP_DEADLINE + timedelta(days=n)


def asked(item: LedgerItem, village_user: User, n: int = 60) -> ExtensionRequest:
    return actions.request_extension(item, new_deadline=days(n), reason="雨季无法施工", actor=village_user)


def granted(item: LedgerItem, village_user: User, township_user: User, office_lead: User, n: int) -> None:
    request = actions.request_extension(
        item, new_deadline=item.deadline + timedelta(days=n), reason="延期", actor=village_user
    )
    actions.review_extension(request, support=True, actor=township_user)
    actions.decide_extension(request, approve=True, actor=office_lead)
    item.refresh_from_db()


def verbs(obj: Any) -> list[str]:
    return list(Event.objects.for_object(obj).order_by("seq").values_list("verb", flat=True))


def test_a_clerk_cannot_extend_past_the_limit(item: LedgerItem, office: User) -> None:
    """An office clerk no longer pushes a deadline years away on their own (the original code allowed up to three
    years, with no approval)."""
    with pytest.raises(PermissionDenied):
        actions.extend_deadline(item, new_deadline=days(900), reason="资金未到位", actor=office)

    item.refresh_from_db()
    assert item.deadline == FOLLOW_UP_DEADLINE
    assert not Progress.objects.filter(item=item).exists()


def test_a_clerk_cannot_extend_at_all(item: LedgerItem, office: User) -> None:
    with pytest.raises(PermissionDenied):
        actions.extend_deadline(item, new_deadline=days(30), reason="资金未到位", actor=office)
    assert not ExtensionRequest.objects.exists()


def test_the_director_extends_directly_within_the_limits(item: LedgerItem, office_lead: User) -> None:
    actions.extend_deadline(item, new_deadline=days(30), reason="资金未到位", actor=office_lead)

    item.refresh_from_db()
    assert item.deadline == days(30)
    request = ExtensionRequest.objects.get(item=item)
    assert (request.status, request.requested_by, request.decided_by, request.days) == (
        Request.APPROVED,
        office_lead,
        office_lead,
        30,
    )
    assert Progress.objects.get(item=item).kind == Progress.Kind.EXTENSION


def test_the_director_cannot_extend_directly_beyond_the_limits(item: LedgerItem, office_lead: User) -> None:
    with pytest.raises(PermissionDenied):
        actions.extend_deadline(item, new_deadline=days(181), reason="资金未到位", actor=office_lead)
    item.refresh_from_db()
    assert item.deadline == FOLLOW_UP_DEADLINE


def test_village_asks_township_supports_director_approves(
    item: LedgerItem, village_user: User, township_user: User, office_lead: User
) -> None:
    """The whole way: each step tells the next actor, the approval moves the deadline through an EXTENSION step
    and the item's ``item_extended`` event, and each step of the request is an audit event of its own."""
    request = asked(item, village_user)
    assert (request.status, request.previous_deadline, request.new_deadline) == (
        Request.ASKED,
        FOLLOW_UP_DEADLINE,
        days(60),
    )
    assert Notification.objects.filter(user=township_user, kind="EXTENSION_ASKED").exists()

    actions.review_extension(request, support=True, actor=township_user, note="情况属实")
    request.refresh_from_db()
    assert (request.status, request.reviewed_by, request.review_note) == (Request.SUPPORTED, township_user, "情况属实")
    assert Notification.objects.filter(user=office_lead, kind="EXTENSION_AWAITING_DECISION").exists()

    actions.decide_extension(request, approve=True, actor=office_lead, note="同意")
    request.refresh_from_db()
    item.refresh_from_db()
    assert (request.status, request.decided_by, request.beyond_limits) == (Request.APPROVED, office_lead, False)
    assert item.deadline == days(60)
    step = Progress.objects.get(item=item)
    assert (step.kind, step.author, step.text) == (
        Progress.Kind.EXTENSION,
        office_lead,
        f"雨季无法施工 (new deadline {days(60)})",
    )
    assert verbs(item) == ["rectification.item_extended"]
    assert verbs(request) == [
        "rectification.extension_requested",
        "rectification.extension_supported",
        "rectification.extension_approved",
    ]
    approved = Event.objects.for_object(request).get(verb="rectification.extension_approved")
    assert approved.after is not None
    assert (approved.after["status"], approved.after["decision_note"]) == (Request.APPROVED, WITHHELD)
    assert Notification.objects.filter(user__in=[village_user, township_user], kind="EXTENSION_DECIDED").count() == 2
    for verb in verbs(request):
        assert verb in VERB_LABELS


def test_the_township_asks_for_its_village_straight_to_the_director(
    item: LedgerItem, township_user: User, office_lead: User
) -> None:
    request = actions.request_extension(item, new_deadline=days(30), reason="镇党委研究", actor=township_user)
    assert (request.status, request.reviewed_by) == (Request.SUPPORTED, township_user)
    actions.decide_extension(request, approve=True, actor=office_lead)
    item.refresh_from_db()
    assert item.deadline == days(30)


def test_the_township_returns_with_a_reason(item: LedgerItem, village_user: User, township_user: User) -> None:
    request = asked(item, village_user)
    with pytest.raises(Conflict):
        actions.review_extension(request, support=False, actor=township_user)
    actions.review_extension(request, support=False, actor=township_user, note="理由不充分")
    request.refresh_from_db()
    assert request.status == Request.RETURNED
    assert Notification.objects.filter(user=village_user, kind="EXTENSION_DECIDED").exists()
    # The village may ask again once its request is returned.
    asked(item, village_user, 30)


def test_one_request_open_at_a_time(item: LedgerItem, village_user: User) -> None:
    asked(item, village_user)
    with pytest.raises(Conflict):
        asked(item, village_user, 90)


def test_a_request_needs_a_reason_and_a_later_date(item: LedgerItem, village_user: User) -> None:
    with pytest.raises(Conflict):
        actions.request_extension(item, new_deadline=days(30), reason=" ", actor=village_user)
    with pytest.raises(Conflict):
        actions.request_extension(item, new_deadline=days(0), reason="延期", actor=village_user)
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize("status", [Status.CLOSED, Status.ONGOING])
def test_no_request_on_an_item_done(world: World, village_user: User, status: str) -> None:
    done = ledger_item(world.round, world.village_a1, status=status)
    with pytest.raises(TransitionNotAllowed):
        asked(done, village_user)


def test_only_the_director_decides(
    item: LedgerItem, village_user: User, township_user: User, office: User, leader: User
) -> None:
    request = asked(item, village_user)
    actions.review_extension(request, support=True, actor=township_user)
    for someone in (office, leader, township_user, village_user):
        with pytest.raises(PermissionDenied):
            actions.decide_extension(request, approve=True, actor=someone)
    item.refresh_from_db()
    assert item.deadline == FOLLOW_UP_DEADLINE


def test_the_director_decides_only_what_the_township_supported(
    item: LedgerItem, village_user: User, office_lead: User
) -> None:
    request = asked(item, village_user)
    with pytest.raises(TransitionNotAllowed):
        actions.decide_extension(request, approve=True, actor=office_lead)


def test_only_the_overseeing_township_reviews(
    world: World, item: LedgerItem, village_user: User, office_lead: User
) -> None:
    from xuncha.accounts.models import Role
    from xuncha.accounts.tests.factories import UserFactory, grant

    other = UserFactory.create(username="township_b")
    grant(other, Role.TOWNSHIP, world.township_b)
    request = asked(item, village_user)
    for someone in (other, village_user, office_lead):
        with pytest.raises(PermissionDenied):
            actions.review_extension(request, support=True, actor=someone)


def test_others_cannot_ask(world: World, item: LedgerItem, office: User, leader: User) -> None:
    from xuncha.accounts.models import Role
    from xuncha.accounts.tests.factories import UserFactory, grant

    neighbour = UserFactory.create(username="village_a2")
    grant(neighbour, Role.VILLAGE, world.village_a2)
    for someone in (office, leader, neighbour):
        with pytest.raises(PermissionDenied):
            asked(item, someone)


def test_refusing_needs_a_reason_and_keeps_the_deadline(
    item: LedgerItem, village_user: User, township_user: User, office_lead: User
) -> None:
    request = asked(item, village_user)
    actions.review_extension(request, support=True, actor=township_user)
    with pytest.raises(Conflict):
        actions.decide_extension(request, approve=False, actor=office_lead)
    actions.decide_extension(request, approve=False, actor=office_lead, note="应按期完成")
    item.refresh_from_db()
    assert item.deadline == FOLLOW_UP_DEADLINE
    assert not Progress.objects.filter(item=item).exists()


def test_beyond_the_days_only_the_leading_group(
    item: LedgerItem, village_user: User, township_user: User, office_lead: User
) -> None:
    """181 days in all beyond the deadline fed back: the director alone is refused; the leading group's decision,
    recorded with its meeting and minutes, approves."""
    granted(item, village_user, township_user, office_lead, 100)
    request = actions.request_extension(
        item, new_deadline=item.deadline + timedelta(days=81), reason="再次延期", actor=village_user
    )
    actions.review_extension(request, support=True, actor=township_user)
    with pytest.raises(PermissionDenied):
        actions.decide_extension(request, approve=True, actor=office_lead)
    with pytest.raises(Conflict):
        actions.decide_extension(request, approve=True, actor=office_lead, by_leading_group=True, minutes="同意")
    meeting = timezone.localdate() - timedelta(days=2)
    actions.decide_extension(
        request, approve=True, actor=office_lead, by_leading_group=True, meeting_on=meeting, minutes="领导小组会议同意"
    )
    request.refresh_from_db()
    item.refresh_from_db()
    assert (request.beyond_limits, request.by_leading_group, request.meeting_on) == (True, True, meeting)
    assert item.deadline == days(181)
    assert extensions.usage(item) == extensions.Usage(2, 181)


def test_within_the_days_the_director_alone(
    item: LedgerItem, village_user: User, township_user: User, office_lead: User
) -> None:
    granted(item, village_user, township_user, office_lead, 100)
    granted(item, village_user, township_user, office_lead, 80)
    assert item.deadline == days(180)


def test_a_third_extension_only_the_leading_group(
    item: LedgerItem, village_user: User, township_user: User, office_lead: User
) -> None:
    granted(item, village_user, township_user, office_lead, 10)
    granted(item, village_user, township_user, office_lead, 10)
    request = actions.request_extension(item, new_deadline=days(30), reason="第三次", actor=village_user)
    actions.review_extension(request, support=True, actor=township_user)
    assert extensions.why_beyond_limits(item, days(30)) is not None
    with pytest.raises(PermissionDenied):
        actions.decide_extension(request, approve=True, actor=office_lead)


def test_the_limits_follow_the_settings(
    settings: Any, item: LedgerItem, village_user: User, township_user: User, office_lead: User
) -> None:
    settings.XUNCHA_EXTENSIONS_MAX_COUNT = 1
    settings.XUNCHA_EXTENSIONS_MAX_DAYS = 365
    granted(item, village_user, township_user, office_lead, 200)
    assert extensions.why_beyond_limits(item, item.deadline + timedelta(days=1)) is not None


def test_the_leading_group_meeting_cannot_lie_ahead(
    item: LedgerItem, village_user: User, township_user: User, office_lead: User
) -> None:
    request = asked(item, village_user)
    actions.review_extension(request, support=True, actor=township_user)
    with pytest.raises(Conflict):
        actions.decide_extension(
            request,
            approve=True,
            actor=office_lead,
            by_leading_group=True,
            meeting_on=timezone.localdate() + timedelta(days=1),
            minutes="同意",
        )
