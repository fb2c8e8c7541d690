"""Feedback (反馈): a village's individual list and the common list published at the same time to the township
party committee and the village party organisation (同步双向反馈), the receipts each signs (签收), the ledger
items it opens with their working-day deadlines, and the fan-out of common items to each village they name.

The scene is round 4 after stationing (``reported_round``): 甲一村 (key), 甲二村, 甲社区 (甲镇) and 乙一村 (乙镇)
with two confirmed problems each; stationing ended on Thursday 2023-11-30.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import chinese_calendar
import pytest
from django.utils import timezone

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.findings.models import FixType, ImmediateFixNotice, Problem
from xuncha.findings.tests.factories import NoticeFactory, persona
from xuncha.inspections.models import Round
from xuncha.rectification import actions
from xuncha.rectification.models import Feedback, LedgerItem, ProblemList, Progress, Receipt
from xuncha.rectification.queries import ledger_figures
from xuncha.rectification.tests.factories import (
    FED_BACK_ON,
    FOLLOW_UP_DEADLINE,
    STATIONED_UNTIL,
    Reported,
    after_of,
    common_item,
    confirmed_problem,
    event_of,
    publish,
    reported_round,
    set_round,
    township_person,
    village_person,
)

Status = LedgerItem.Status
NOT_THE_OFFICE = [
    "leader",
    "discipline",
    "township_user",
    "village_user",
    "group_leader",
    "group_member",
    "outsider",
    "auditor",
    "sysadmin",
    "nobody",
]


@pytest.fixture
def reported(world: World) -> Reported:
    return reported_round(world)


def visible(user: User) -> dict[str, Any]:
    """What ``user`` sees of lists, feedbacks and ledger items."""
    return {
        "lists": set(ProblemList.objects.visible_to(user)),
        "feedbacks": set(Feedback.objects.visible_to(user)),
        "items": set(LedgerItem.objects.visible_to(user)),
    }


# publish_feedback


def test_publish_feedback_sends_both_lists_to_township_and_village(
    world: World, reported: Reported, office: User
) -> None:
    """甲一村's feedback holds its individual list and the common list, is dated and has its plan due 15 working
    days later; two unsigned receipts wait, one for 甲镇's party committee and one for 甲一村's organisation; the
    event names the items and both recipients."""
    shared = common_item(reported, [world.village_a1, world.village_a2], office)

    feedback = publish(reported.round, world.village_a1, office)

    feedback.refresh_from_db()
    individual = ProblemList.objects.get(kind=ProblemList.Kind.INDIVIDUAL, village=world.village_a1)
    assert (feedback.round, feedback.village, feedback.individual_list, feedback.common_list) == (
        reported.round,
        world.village_a1,
        individual,
        shared.problem_list,
    )
    assert (feedback.fed_back_on, feedback.plan_due, feedback.published_by) == (
        FED_BACK_ON,
        date(2023, 12, 25),
        office,
    )
    receipts = [(r.recipient, r.unit, r.signed_by, r.signed_at) for r in feedback.receipts.order_by("recipient")]
    assert receipts == [
        (Receipt.Recipient.TOWNSHIP, world.township_a, None, None),
        (Receipt.Recipient.VILLAGE, world.village_a1, None, None),
    ]
    items = LedgerItem.objects.filter(feedback=feedback)
    event = event_of(feedback, "rectification.feedback_published")
    assert (event.actor, event.unit) == (office, world.village_a1)
    assert event.after == {
        "fed_back_on": "2023-12-04",
        "plan_due": "2023-12-25",
        "items": [*sorted(item.number for item in items if item.problem_id), "[2023]4巡-共性-01"],
        "recipients": [world.township_a.code, world.village_a1.code],
    }


def test_publish_feedback_opens_one_item_per_problem_and_common_item(
    world: World, reported: Reported, office: User
) -> None:
    """甲一村 kept one problem on its individual list and shares the other on the common item: it gets two
    items, each overseen by 甲镇, with the problem's text, category and type; as a key village, both close only
    after a verified return visit."""
    shared = common_item(reported, [world.village_a1, world.village_a2], office)
    picked, kept = reported.of(world.village_a1)

    feedback = publish(reported.round, world.village_a1, office)

    own = LedgerItem.objects.get(problem=kept)
    assert (own.round, own.feedback, own.village, own.township, own.common_item) == (
        reported.round,
        feedback,
        world.village_a1,
        world.township_a,
        None,
    )
    assert (own.number, own.summary, own.category, own.fix_type) == (
        kept.serial,
        kept.phenomenon,
        kept.category,
        kept.fix_type,
    )
    assert (own.status, own.deadline, own.needs_return_visit, own.reopened) == (
        Status.OPEN,
        FOLLOW_UP_DEADLINE,
        True,
        0,
    )
    fanned = LedgerItem.objects.get(common_item=shared)
    assert (fanned.village, fanned.township, fanned.problem, fanned.number, fanned.summary) == (
        world.village_a1,
        world.township_a,
        None,
        "[2023]4巡-共性-01",
        shared.text,
    )
    assert not LedgerItem.objects.filter(problem=picked).exists()
    assert LedgerItem.objects.count() == 2


def test_publish_feedback_feeds_the_problems_back(world: World, reported: Reported, office: User) -> None:
    """The village's problems on either list become FED_BACK, each with its event; the other villages' stay
    CONFIRMED, the picked problem of 甲二村 too until 甲二村 is fed back."""
    common_item(reported, [world.village_a1, world.village_a2], office)

    publish(reported.round, world.village_a1, office)

    statuses = {problem.serial: problem.status for problem in Problem.objects.all()}
    assert {statuses[problem.serial] for problem in reported.of(world.village_a1)} == {Problem.Status.FED_BACK}
    for village in (world.village_a2, world.community_a, world.village_b1):
        assert {statuses[problem.serial] for problem in reported.of(village)} == {Problem.Status.CONFIRMED}
    events = Event.objects.filter(verb="findings.problem_fed_back")
    assert sorted(event.object_id for event in events) == sorted(str(p.pk) for p in reported.of(world.village_a1))
    for event in events:
        assert (event.actor, event.before, event.after) == (office, {"status": "CONFIRMED"}, {"status": "FED_BACK"})


def test_a_village_without_common_items_still_gets_the_common_list(
    world: World, reported: Reported, office: User
) -> None:
    """Every feedback carries the round's common list: 乙一村, named on none of its items, receives it to check
    itself against, but gets ledger items for its own problems only."""
    common = common_item(reported, [world.village_a1, world.village_a2], office)

    feedback = publish(reported.round, world.village_b1, office)

    assert feedback.common_list == common.problem_list
    assert LedgerItem.objects.filter(feedback=feedback).count() == 2
    assert not LedgerItem.objects.filter(feedback=feedback, common_item__isnull=False).exists()


def test_a_round_without_a_common_list_feeds_back_the_individual_list_alone(
    world: World, reported: Reported, office: User
) -> None:
    feedback = publish(reported.round, world.village_b1, office)

    assert feedback.common_list is None


def test_a_village_with_only_common_items_is_fed_back(world: World, reported: Reported, office: User) -> None:
    """When all of a village's problems went to the common list, its feedback is the common items alone."""
    common_item(reported, [world.village_a1, world.village_a2], office)
    common_item(
        reported,
        [world.village_a1, world.village_a2],
        office,
        problems=[reported.of(world.village_a1)[1], reported.of(world.village_a2)[1]],
    )

    feedback = publish(reported.round, world.village_a1, office)

    assert feedback.individual_list.entries.count() == 0
    assert sorted(LedgerItem.objects.filter(feedback=feedback).values_list("number", flat=True)) == [
        "[2023]4巡-共性-01",
        "[2023]4巡-共性-02",
    ]


def test_the_first_feedback_moves_the_round_to_feedback(world: World, reported: Reported, office: User) -> None:
    """The round goes from REPORTING to FEEDBACK on its first publication (logged once); later ones leave it."""
    publish(reported.round, world.village_a1, office)
    publish(reported.round, world.village_a2, office)

    reported.round.refresh_from_db()
    assert reported.round.status == Round.Status.FEEDBACK
    event = Event.objects.get(verb="inspections.round_status_changed")
    assert (event.actor, event.before, event.after) == (office, {"status": "REPORTING"}, {"status": "FEEDBACK"})
    assert event.note == "The first feedback was published."


def test_publish_feedback_leaves_a_rectifying_round_as_it_is(world: World, reported: Reported, office: User) -> None:
    round_ = set_round(world, Round.Status.RECTIFYING)

    publish(round_, world.village_a1, office)

    round_.refresh_from_db()
    assert round_.status == Round.Status.RECTIFYING
    assert not Event.objects.filter(verb="inspections.round_status_changed").exists()


def test_publish_feedback_is_dated_today_by_default(world: World, reported: Reported, office: User) -> None:
    actions.build_individual_list(reported.round, world.village_a1, actor=office)

    feedback = actions.publish_feedback(reported.round, world.village_a1, actor=office)

    assert feedback.fed_back_on == timezone.localdate()


def test_publish_feedback_twice_is_refused(world: World, reported: Reported, office: User) -> None:
    """A village is fed back once: a second publication writes nothing."""
    publish(reported.round, world.village_a1, office)
    events = Event.objects.count()

    with pytest.raises(TransitionNotAllowed):
        actions.publish_feedback(reported.round, world.village_a1, actor=office, fed_back_on=FED_BACK_ON)

    assert Feedback.objects.count() == 1
    assert Receipt.objects.count() == 2
    assert LedgerItem.objects.count() == 2
    assert Event.objects.count() == events


def test_publish_feedback_needs_the_individual_list(world: World, reported: Reported, office: User) -> None:
    with pytest.raises(Conflict, match="Build the individual list"):
        actions.publish_feedback(reported.round, world.village_a1, actor=office, fed_back_on=FED_BACK_ON)

    assert not Feedback.objects.exists()


def test_publish_feedback_needs_something_to_feed_back(world: World, office: User) -> None:
    """A village with no confirmed problem and no common item has nothing to be fed back."""
    round_ = set_round(world, Round.Status.REPORTING)
    actions.build_individual_list(round_, world.village_a1, actor=office)

    with pytest.raises(Conflict, match="nothing to feed back"):
        actions.publish_feedback(round_, world.village_a1, actor=office, fed_back_on=FED_BACK_ON)

    assert not Feedback.objects.exists()


@pytest.mark.parametrize("fed_back_on", [date(2023, 11, 29), date(2023, 9, 1)])
def test_publish_feedback_comes_after_stationing(
    world: World, reported: Reported, office: User, fed_back_on: date
) -> None:
    """The feedback meeting follows the end of stationing (2023-11-30)."""
    actions.build_individual_list(reported.round, world.village_a1, actor=office)

    with pytest.raises(Conflict):
        actions.publish_feedback(reported.round, world.village_a1, actor=office, fed_back_on=fed_back_on)

    assert not Feedback.objects.exists()
    assert not LedgerItem.objects.exists()


def test_publish_feedback_is_not_dated_in_the_future(world: World, reported: Reported, office: User) -> None:
    actions.build_individual_list(reported.round, world.village_a1, actor=office)

    with pytest.raises(Conflict):
        actions.publish_feedback(
            reported.round, world.village_a1, actor=office, fed_back_on=timezone.localdate() + timedelta(days=1)
        )

    assert not Feedback.objects.exists()


@pytest.mark.parametrize("status", [Round.Status.PLANNED, Round.Status.STATIONED, Round.Status.CLOSED])
def test_publish_feedback_refuses_before_reporting_or_after_closing(
    world: World, reported: Reported, office: User, status: str
) -> None:
    actions.build_individual_list(reported.round, world.village_a1, actor=office)
    round_ = set_round(world, status)

    with pytest.raises(TransitionNotAllowed):
        actions.publish_feedback(round_, world.village_a1, actor=office, fed_back_on=FED_BACK_ON)

    assert not Feedback.objects.exists()


@pytest.mark.parametrize("name", NOT_THE_OFFICE)
def test_publish_feedback_is_refused_to_everyone_but_the_office(
    world: World, reported: Reported, office: User, request: pytest.FixtureRequest, name: str
) -> None:
    actions.build_individual_list(reported.round, world.village_a1, actor=office)

    with pytest.raises(PermissionDenied):
        actions.publish_feedback(
            reported.round, world.village_a1, actor=persona(request, name), fed_back_on=FED_BACK_ON
        )

    assert not Feedback.objects.exists()
    assert {problem.status for problem in reported.of(world.village_a1)} == {Problem.Status.CONFIRMED}


def test_the_system_publishes_in_the_name_of_the_office(world: World, reported: Reported, office: User) -> None:
    feedback = publish(reported.round, world.village_a1, SYSTEM)

    assert feedback.published_by == office
    assert event_of(feedback, "rectification.feedback_published").actor is None


def test_no_confirmed_problem_is_left_behind_by_the_feedback(world: World, reported: Reported, office: User) -> None:
    """A problem confirmed between building the list and publishing it holds the publication back until the list
    is brought up to date; then it is fed back with the list."""
    actions.build_individual_list(reported.round, world.village_a1, actor=office)
    late = confirmed_problem(reported.round, world.village_a1)

    with pytest.raises(Conflict, match="refresh the list"):
        actions.publish_feedback(reported.round, world.village_a1, actor=office, fed_back_on=FED_BACK_ON)
    assert not Feedback.objects.exists()

    publish(reported.round, world.village_a1, office)
    late.refresh_from_db()
    assert late.status == Problem.Status.FED_BACK
    assert LedgerItem.objects.filter(problem=late).exists()


# simultaneity


def test_neither_township_nor_village_sees_anything_before_publication(
    world: World, reported: Reported, office: User, township_user: User, village_user: User
) -> None:
    """Lists built and a common item stated, but nothing published: 甲镇 and 甲一村 see no list, no feedback and
    no item."""
    common_item(reported, [world.village_a1, world.village_a2], office)
    actions.build_individual_list(reported.round, world.village_a1, actor=office)
    actions.build_individual_list(reported.round, world.village_a2, actor=office)

    for user in (township_user, village_user):
        assert visible(user) == {"lists": set(), "feedbacks": set(), "items": set()}


def test_township_and_village_see_the_feedback_at_the_same_time(
    world: World, reported: Reported, office: User, township_user: User, village_user: User
) -> None:
    """From publication, 甲镇's party committee and 甲一村's organisation see the same: 甲一村's individual list,
    the common list, the feedback and its items; 甲二村's list, built but not published, stays hidden."""
    common_item(reported, [world.village_a1, world.village_a2], office)
    actions.build_individual_list(reported.round, world.village_a2, actor=office)

    feedback = publish(reported.round, world.village_a1, office)

    items = set(LedgerItem.objects.filter(feedback=feedback))
    expected = {"lists": {feedback.individual_list, feedback.common_list}, "feedbacks": {feedback}, "items": items}
    assert len(items) == 2
    assert visible(township_user) == expected
    assert visible(village_user) == expected


def test_each_village_sees_only_its_own_feedback(
    world: World, reported: Reported, office: User, township_user: User, village_user: User
) -> None:
    """After 甲一村 and 甲二村 are fed back, 甲镇 sees both, and each village only its own (and the common list)."""
    common_item(reported, [world.village_a1, world.village_a2], office)
    a1 = publish(reported.round, world.village_a1, office)
    a2 = publish(reported.round, world.village_a2, office)
    a2_user = village_person(world.village_a2, "village_a2")

    assert visible(township_user)["feedbacks"] == {a1, a2}
    assert visible(village_user)["feedbacks"] == {a1}
    assert visible(a2_user)["feedbacks"] == {a2}
    assert visible(a2_user)["lists"] == {a2.individual_list, a2.common_list}
    assert visible(a2_user)["items"] == set(LedgerItem.objects.filter(village=world.village_a2))


def test_another_township_sees_nothing_of_jia_zhen(world: World, reported: Reported, office: User) -> None:
    """乙镇 does not see the feedback to 甲镇's village, nor the common list that 乙一村 has not received."""
    common_item(reported, [world.village_a1, world.village_a2], office)
    publish(reported.round, world.village_a1, office)

    assert visible(township_person(world.township_b, "township_b")) == {
        "lists": set(),
        "feedbacks": set(),
        "items": set(),
    }


# receipts


@pytest.fixture
def feedback(world: World, reported: Reported, office: User) -> Feedback:
    return publish(reported.round, world.village_a1, office)


def receipt(feedback: Feedback, recipient: str) -> Receipt:
    return feedback.receipts.get(recipient=recipient)


@pytest.mark.parametrize(
    ("recipient", "name"),
    [(Receipt.Recipient.TOWNSHIP, "township_user"), (Receipt.Recipient.VILLAGE, "village_user")],
)
def test_each_recipient_signs_its_receipt(
    world: World, feedback: Feedback, request: pytest.FixtureRequest, recipient: str, name: str
) -> None:
    """The township signs the township's receipt and the village the village's, with the time and the person."""
    actor = persona(request, name)
    signed = receipt(feedback, recipient)

    actions.sign_receipt(signed, actor=actor)

    signed.refresh_from_db()
    assert signed.signed_by == actor
    assert signed.signed_at is not None
    assert signed.is_signed
    assert timezone.now() - signed.signed_at < timedelta(minutes=1)
    event = event_of(signed, "rectification.receipt_signed")
    assert (event.actor, event.unit) == (actor, signed.unit)
    assert after_of(event)["recipient"] == recipient
    other = feedback.receipts.exclude(pk=signed.pk).get()
    assert not other.is_signed


def test_the_office_sees_who_has_not_signed(
    world: World, feedback: Feedback, township_user: User, office: User
) -> None:
    """After the township signs, the village's receipt is the one outstanding."""
    actions.sign_receipt(receipt(feedback, Receipt.Recipient.TOWNSHIP), actor=township_user)

    unsigned = Receipt.objects.filter(feedback__in=Feedback.objects.visible_to(office), signed_at__isnull=True)
    assert [(r.recipient, r.unit) for r in unsigned] == [(Receipt.Recipient.VILLAGE, world.village_a1)]


@pytest.mark.parametrize(
    ("recipient", "name"),
    [(Receipt.Recipient.TOWNSHIP, "township_user"), (Receipt.Recipient.VILLAGE, "village_user")],
)
def test_a_receipt_is_signed_once(
    feedback: Feedback, request: pytest.FixtureRequest, recipient: str, name: str
) -> None:
    """A second signature is refused and keeps the first one's time."""
    actor = persona(request, name)
    signed = receipt(feedback, recipient)
    actions.sign_receipt(signed, actor=actor)
    first = Receipt.objects.get(pk=signed.pk).signed_at

    with pytest.raises(TransitionNotAllowed):
        actions.sign_receipt(Receipt.objects.get(pk=signed.pk), actor=actor)

    assert Receipt.objects.get(pk=signed.pk).signed_at == first
    assert Event.objects.filter(verb="rectification.receipt_signed").count() == 1


@pytest.mark.parametrize(
    ("recipient", "name"),
    sorted(
        [(Receipt.Recipient.TOWNSHIP, name) for name in ["village_user", "office", "leader", "group_leader"]]
        + [(Receipt.Recipient.VILLAGE, name) for name in ["township_user", "office", "leader", "group_leader"]]
        + [
            (recipient, name)
            for recipient in Receipt.Recipient.values
            for name in ["other_township_user", "other_village_user", "outsider", "auditor", "nobody"]
        ]
    ),
)
def test_only_the_recipient_signs(
    world: World, feedback: Feedback, request: pytest.FixtureRequest, recipient: str, name: str
) -> None:
    """The village cannot sign for the township nor the township for the village; the office, other townships
    and villages, and other counties sign for no one."""
    signed = receipt(feedback, recipient)

    with pytest.raises(PermissionDenied):
        actions.sign_receipt(signed, actor=persona(request, name))

    signed.refresh_from_db()
    assert (signed.signed_by, signed.signed_at) == (None, None)


@pytest.fixture
def other_village_user(world: World) -> User:
    return village_person(world.village_a2, "village_a2")


@pytest.fixture
def other_township_user(world: World) -> User:
    return township_person(world.township_b, "township_b")


# fan-out of common items


@pytest.fixture
def three_villages(world: World, reported: Reported, office: User) -> Any:
    """A common item built from problems of 甲一村, 甲二村 and 乙一村 and naming the three."""
    return common_item(reported, [world.village_a1, world.village_a2, world.village_b1], office)


def test_a_common_item_is_fanned_out_as_each_village_is_fed_back(
    world: World, reported: Reported, office: User, three_villages: Any
) -> None:
    """Each village named gets its own item of the common item when it is fed back, and only then: one, two,
    three; each item has its village and its village's township."""
    counts = []
    for village in (world.village_a1, world.village_a2, world.village_b1):
        publish(reported.round, village, office)
        counts.append(three_villages.ledger_items.count())

    assert counts == [1, 2, 3]
    items = three_villages.ledger_items.all()
    assert {(item.village, item.township) for item in items} == {
        (world.village_a1, world.township_a),
        (world.village_a2, world.township_a),
        (world.village_b1, world.township_b),
    }
    assert {item.number for item in items} == {"[2023]4巡-共性-01"}
    assert {item.needs_return_visit for item in items if item.village != world.village_a1} == {False}


def test_a_common_item_is_fanned_out_once_per_village(
    world: World, reported: Reported, office: User, three_villages: Any
) -> None:
    """Feeding a village back again is refused, so a common item never makes two items for one village."""
    publish(reported.round, world.village_a1, office)

    with pytest.raises(TransitionNotAllowed):
        actions.publish_feedback(reported.round, world.village_a1, actor=office, fed_back_on=FED_BACK_ON)

    assert three_villages.ledger_items.count() == 1


def test_closing_two_of_three_villages_shows_two_of_three(
    world: World, reported: Reported, office: User, three_villages: Any
) -> None:
    """The common item rolls up its villages' items: two closed of three."""
    for village in (world.village_a1, world.village_a2, world.village_b1):
        publish(reported.round, village, office)
    LedgerItem.objects.filter(common_item=three_villages).exclude(village=world.village_b1).update(
        status=Status.CLOSED, closed_on=date(2024, 1, 31)
    )

    figures = ledger_figures(three_villages.ledger_items.all(), today=date(2024, 3, 1))

    assert (figures["closed"], figures["ledger_items"]) == (2, 3)
    assert figures["completion_rate"] == 66.7
    assert figures["overdue"] == 1


def test_the_picked_problems_are_fed_back_with_their_village(
    world: World, reported: Reported, office: User, three_villages: Any
) -> None:
    """The problem of 甲二村 that the common item was built from is fed back with 甲二村, not with 甲一村."""
    picked_a2 = reported.of(world.village_a2)[0]

    publish(reported.round, world.village_a1, office)
    picked_a2.refresh_from_db()
    assert picked_a2.status == Problem.Status.CONFIRMED

    publish(reported.round, world.village_a2, office)
    picked_a2.refresh_from_db()
    assert picked_a2.status == Problem.Status.FED_BACK


# deadlines


@pytest.mark.parametrize(
    ("fed_back_on", "plan_due", "follow_up"),
    [
        # 15 working days: 12–15, 18–22, 25–29 Dec, 1 Jan (New Year) off, 2 Jan. Two months: 11 Feb 2024 falls in
        # the Spring Festival (10–17 Feb); the next working day is Sunday 18 Feb, worked in exchange.
        (date(2023, 12, 11), date(2024, 1, 2), date(2024, 2, 18)),
        # 15 working days from 29 Jan 2024 run over Sunday 4 Feb (worked), the Spring Festival and Sunday 18 Feb.
        (date(2024, 1, 29), date(2024, 2, 22), date(2024, 3, 29)),
        # Two months from 4 Dec 2023: Sunday 4 Feb 2024, itself a working day.
        (FED_BACK_ON, date(2023, 12, 25), FOLLOW_UP_DEADLINE),
    ],
)
def test_deadlines_are_counted_on_the_working_day_calendar(
    world: World, reported: Reported, office: User, fed_back_on: date, plan_due: date, follow_up: date
) -> None:
    """The plan is due 15 working days after the feedback; a follow-up item two months after it, moved to a
    working day; holidays and the Saturdays and Sundays worked in exchange (调休) are those of the State Council."""
    assert chinese_calendar.is_holiday(date(2024, 2, 11))
    assert chinese_calendar.is_workday(date(2024, 2, 4))
    assert chinese_calendar.is_workday(date(2024, 2, 18))
    assert chinese_calendar.is_holiday(date(2024, 1, 1))

    feedback = publish(reported.round, world.village_a2, office, fed_back_on=fed_back_on)

    assert feedback.plan_due == plan_due
    assert {item.deadline for item in feedback.items.all()} == {follow_up}
    assert chinese_calendar.is_workday(follow_up)


def test_an_immediate_item_is_due_when_stationing_ends(world: World, reported: Reported, office: User) -> None:
    """立行立改: the item of an IMMEDIATE problem is due by the end of stationing, whenever the feedback."""
    immediate = confirmed_problem(reported.round, world.village_a2, fix_type=FixType.IMMEDIATE)

    publish(reported.round, world.village_a2, office, fed_back_on=date(2024, 1, 29))

    assert LedgerItem.objects.get(problem=immediate).deadline == STATIONED_UNTIL


def test_a_common_immediate_item_is_due_with_the_plan(world: World, reported: Reported, office: User) -> None:
    """Only the feedback tells a village of a common item, so there is no stationing end to fix it by: an IMMEDIATE
    one is due when the plan is, XUNCHA_PLAN_WORKING_DAYS working days after the feedback."""
    shared = common_item(reported, [world.village_a1, world.village_a2], office, fix_type=FixType.IMMEDIATE)

    feedback = publish(reported.round, world.village_a2, office, fed_back_on=date(2024, 1, 29))

    assert shared.ledger_items.get().deadline == feedback.plan_due > STATIONED_UNTIL


def test_a_long_term_item_first_reports_two_months_after_feedback(
    world: World, reported: Reported, office: User
) -> None:
    long_term = confirmed_problem(reported.round, world.village_a2, fix_type=FixType.LONG_TERM)

    publish(reported.round, world.village_a2, office)

    assert LedgerItem.objects.get(problem=long_term).deadline == FOLLOW_UP_DEADLINE


def test_the_deadlines_follow_the_settings(world: World, reported: Reported, office: User, settings: Any) -> None:
    """An office that gives 10 working days for the plan and 3 months for follow-up gets those."""
    settings.XUNCHA_PLAN_WORKING_DAYS = 10
    settings.XUNCHA_FOLLOW_UP_MONTHS = 3

    feedback = publish(reported.round, world.village_a2, office)

    assert feedback.plan_due == date(2023, 12, 18)
    # 4 March 2024 is a Monday.
    assert {item.deadline for item in feedback.items.all()} == {date(2024, 3, 4)}


def test_a_problem_fixed_on_the_spot_waits_for_the_townships_review(
    world: World, reported: Reported, office: User
) -> None:
    """An immediate problem whose notice was completed during stationing starts SUBMITTED, with the notice's
    requirement as measures and a submission note of the completion."""
    immediate = confirmed_problem(reported.round, world.village_a2, fix_type=FixType.IMMEDIATE)
    notice = NoticeFactory.create(
        problem=immediate,
        status=ImmediateFixNotice.Status.COMPLETED,
        completed_on=date(2023, 11, 20),
        completion_note="合同已补办，租金已入账",
    )

    publish(reported.round, world.village_a2, office)

    item = LedgerItem.objects.get(problem=immediate)
    assert (item.status, item.measures, item.done_on) == (Status.SUBMITTED, notice.requirement, date(2023, 11, 20))
    note = Progress.objects.get(item=item)
    assert (note.kind, note.on, note.author) == (Progress.Kind.SUBMISSION, date(2023, 11, 20), None)
    assert "合同已补办，租金已入账" in note.text
