"""Ledger items after submission: the township reviews, and the office returns a reviewed item, closes it, keeps
a long-term item ongoing, reopens, extends the deadline and flags an item for a return visit.

Each action is checked for the state it leaves, its progress note, the audit event it writes (verb, actor,
before and after), and its refusal for a wrong role, a wrong state and bad input. Items are 甲一村's (a key
village, so they need a return visit unless a test says otherwise), written directly in the state a test needs.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.actions import WITHHELD
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.findings.models import FixType
from xuncha.findings.tests.factories import persona
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem, Progress
from xuncha.rectification.tests.factories import (
    FOLLOW_UP_DEADLINE,
    after_of,
    before_of,
    event_of,
    ledger_item,
    township_person,
)
from xuncha.rectification.tests.item_helpers import (
    ALLOWED_MOVES,
    MOVES,
    REASON,
    Status,
    approve,
    close,
    extend,
    item_in,
    keep_ongoing,
    later,
    reopen,
    return_reviewed,
    unchanged,
)

pytestmark = pytest.mark.usefixtures("media")


# The moves only a return visit's REOPEN verdict makes: the visit, not the item, is handed to its action.
VISIT_MOVES = {(Status.SUBMITTED, Status.IN_PROGRESS), (Status.REVIEWED, Status.IN_PROGRESS)}


# review_item


def test_review_item_approves_a_submission(world: World, township_user: User) -> None:
    """The township approves: REVIEWED, an APPROVAL note in its name, and the event."""
    item = item_in(world, Status.SUBMITTED)

    actions.review_item(item, approve=True, actor=township_user, on=date(2024, 1, 25))

    item.refresh_from_db()
    assert item.status == Status.REVIEWED
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author, note.on) == (
        Progress.Kind.APPROVAL,
        "Checked and approved by the township.",
        township_user,
        date(2024, 1, 25),
    )
    event = event_of(item, "rectification.item_approval")
    assert event.actor == township_user
    assert event.unit == world.village_a1
    assert (before_of(event)["status"], after_of(event)["status"]) == ("SUBMITTED", "REVIEWED")


def test_review_item_returns_a_submission_with_its_reason(world: World, township_user: User) -> None:
    """The township returns the submission: RETURNED, and the reason is the note and the event's text."""
    item = item_in(world, Status.SUBMITTED)

    actions.review_item(item, approve=False, reason=f"  {REASON} ", actor=township_user)

    item.refresh_from_db()
    assert item.status == Status.RETURNED
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author) == (Progress.Kind.RETURN, REASON, township_user)
    event = event_of(item, "rectification.item_return")
    assert event.actor == township_user
    assert (before_of(event)["status"], after_of(event)["status"], after_of(event)["text"]) == (
        "SUBMITTED",
        "RETURNED",
        WITHHELD,
    )


@pytest.mark.parametrize("reason", ["", "  \n"])
def test_review_item_needs_a_reason_to_return(world: World, township_user: User, reason: str) -> None:
    """A submission is not returned without saying why."""
    item = item_in(world, Status.SUBMITTED)

    with pytest.raises(Conflict):
        actions.review_item(item, approve=False, reason=reason, actor=township_user)

    unchanged(item, Status.SUBMITTED)


@pytest.mark.parametrize("status", [s for s in Status.values if s != Status.SUBMITTED])
def test_review_item_refuses_what_was_not_submitted(world: World, township_user: User, status: str) -> None:
    """Only a submission is reviewed; reviewing anything else is refused (as a conflict with what the reviewer
    expected to see) and writes nothing."""
    item = item_in(world, status)

    with pytest.raises(Conflict):
        approve(item, township_user)

    unchanged(item, status)


def test_review_item_is_open_to_a_township_grant_over_the_county(world: World) -> None:
    """A township role held over the whole county covers 甲镇's villages too."""
    reviewer = township_person(world.county, "county_township_role")
    item = item_in(world, Status.SUBMITTED)

    approve(item, reviewer)

    item.refresh_from_db()
    assert item.status == Status.REVIEWED


# return_reviewed_item


def test_return_reviewed_item_sends_a_reviewed_item_back(world: World, office: User) -> None:
    """The office is not convinced by what the township approved: RETURNED, with the reason."""
    item = item_in(world, Status.REVIEWED)

    actions.return_reviewed_item(item, reason=" 租金入账凭证与合同金额不符。 ", actor=office)

    item.refresh_from_db()
    assert item.status == Status.RETURNED
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author) == (Progress.Kind.RETURN, "租金入账凭证与合同金额不符。", office)
    event = event_of(item, "rectification.item_return")
    assert (event.actor, before_of(event)["status"], after_of(event)["status"]) == (office, "REVIEWED", "RETURNED")


def test_return_reviewed_item_needs_a_reason(world: World, office: User) -> None:
    item = item_in(world, Status.REVIEWED)

    with pytest.raises(Conflict):
        actions.return_reviewed_item(item, reason=" ", actor=office)

    unchanged(item, Status.REVIEWED)


@pytest.mark.parametrize("status", [s for s in Status.values if s != Status.REVIEWED])
def test_return_reviewed_item_refuses_what_was_not_reviewed(world: World, office: User, status: str) -> None:
    """The office returns only what the township reviewed."""
    item = item_in(world, status)

    with pytest.raises(Conflict):
        return_reviewed(item, office)

    unchanged(item, status)


# close_item


def test_close_item_closes_a_reviewed_item(world: World, office_lead: User) -> None:
    """The office closes (销号) today by default: CLOSED, closed_on, a CLOSURE note with its note, the event."""
    item = item_in(world, Status.REVIEWED, needs_return_visit=False)

    actions.close_item(item, actor=office_lead, note=" 经核查整改到位，予以销号。 ")

    item.refresh_from_db()
    assert (item.status, item.closed_on) == (Status.CLOSED, timezone.localdate())
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author, note.on) == (
        Progress.Kind.CLOSURE,
        "经核查整改到位，予以销号。",
        office_lead,
        timezone.localdate(),
    )
    event = event_of(item, "rectification.item_closure")
    assert event.actor == office_lead
    assert (before_of(event)["status"], after_of(event)["status"]) == ("REVIEWED", "CLOSED")


def test_close_item_updates_the_callers_copy(world: World, office_lead: User) -> None:
    """Like every action, close_item leaves the object it was given in the state it wrote."""
    item = item_in(world, Status.REVIEWED, needs_return_visit=False)

    actions.close_item(item, actor=office_lead)

    assert (item.status, item.closed_on) == (Status.CLOSED, timezone.localdate())


@pytest.mark.parametrize(
    ("source", "target"),
    sorted(set(ALLOWED_MOVES) - {(Status.REVIEWED, Status.CLOSED), (Status.ONGOING, Status.CLOSED)} - VISIT_MOVES),
)
def test_each_move_updates_the_callers_copy(
    world: World, request: pytest.FixtureRequest, source: str, target: str
) -> None:
    """The object handed to the action shows the new status, so that a page or the API can render it as is."""
    act, name, _verb = MOVES[(source, target)]
    long_term = Status.ONGOING in (source, target)
    item = item_in(
        world, source, fix_type=FixType.LONG_TERM if long_term else FixType.FOLLOW_UP, needs_return_visit=False
    )

    act(item, persona(request, name))

    assert item.status == target


def test_close_item_on_a_past_day(world: World, office_lead: User) -> None:
    """The closure may be recorded for the day it was decided; the default note says 销号."""
    item = item_in(world, Status.REVIEWED, needs_return_visit=False)

    actions.close_item(item, actor=office_lead, closed_on=date(2024, 1, 31))

    item.refresh_from_db()
    assert item.closed_on == date(2024, 1, 31)
    note = Progress.objects.get(item=item)
    assert (note.on, note.text) == (date(2024, 1, 31), "Closed (销号).")


def test_close_item_refuses_a_day_in_the_future(world: World, office_lead: User) -> None:
    """An item cannot be closed tomorrow."""
    item = item_in(world, Status.REVIEWED, needs_return_visit=False)

    with pytest.raises(Conflict):
        actions.close_item(item, actor=office_lead, closed_on=timezone.localdate() + timedelta(days=1))

    unchanged(item, Status.REVIEWED)
    assert item.closed_on is None


def test_close_item_refuses_a_reviewed_long_term_item(world: World, office_lead: User) -> None:
    """A long-term item (长期坚持) is kept ongoing, not closed, when the township has reviewed it."""
    item = item_in(world, Status.REVIEWED, fix_type=FixType.LONG_TERM, needs_return_visit=False)

    with pytest.raises(TransitionNotAllowed):
        close(item, office_lead)

    unchanged(item, Status.REVIEWED)


def test_close_item_closes_an_ongoing_long_term_item(world: World, office_lead: User) -> None:
    """Once its goal is reached, an ongoing long-term item is closed."""
    item = item_in(world, Status.ONGOING, fix_type=FixType.LONG_TERM, needs_return_visit=False)

    close(item, office_lead)

    item.refresh_from_db()
    assert item.status == Status.CLOSED
    assert before_of(event_of(item, "rectification.item_closure"))["status"] == "ONGOING"


@pytest.mark.parametrize("status", [Status.OPEN, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED])
def test_close_item_refuses_work_the_township_has_not_reviewed(world: World, office_lead: User, status: str) -> None:
    """The office closes only what the township reviewed (统筹把关 before 销号)."""
    item = item_in(world, status, needs_return_visit=False)

    with pytest.raises(TransitionNotAllowed):
        close(item, office_lead)

    unchanged(item, status)


def test_close_item_refuses_a_day_before_the_feedback(world: World, office_lead: User) -> None:
    """A closure cannot be dated before the village was even told of the problem (2023-12-04)."""
    item = item_in(world, Status.REVIEWED, needs_return_visit=False)

    with pytest.raises(Conflict):
        actions.close_item(item, actor=office_lead, closed_on=date(2023, 11, 1))

    unchanged(item, Status.REVIEWED)


# make_ongoing


def test_make_ongoing_keeps_a_long_term_item_going(world: World, office: User) -> None:
    """A reviewed long-term item becomes ONGOING: the village goes on reporting."""
    item = item_in(world, Status.REVIEWED, fix_type=FixType.LONG_TERM)

    actions.make_ongoing(item, actor=office)

    item.refresh_from_db()
    assert item.status == Status.ONGOING
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author) == (Progress.Kind.ONGOING, "Kept as a long-term item.", office)
    event = event_of(item, "rectification.item_ongoing")
    assert (event.actor, before_of(event)["status"], after_of(event)["status"]) == (office, "REVIEWED", "ONGOING")


@pytest.mark.parametrize("fix_type", [FixType.IMMEDIATE, FixType.FOLLOW_UP])
def test_make_ongoing_is_only_for_long_term_items(world: World, office: User, fix_type: str) -> None:
    """An immediate or follow-up item is closed, never kept ongoing."""
    item = item_in(world, Status.REVIEWED, fix_type=fix_type)

    with pytest.raises(Conflict):
        keep_ongoing(item, office)

    unchanged(item, Status.REVIEWED)


# reopen_item


@pytest.mark.parametrize("status", [Status.CLOSED, Status.ONGOING])
def test_reopen_item_takes_an_item_back_into_work(world: World, office: User, status: str) -> None:
    """A closed (or ongoing) item is back IN_PROGRESS with its new deadline; closure and verification are
    cleared and the count of reopenings goes up; the event holds the old and new deadline."""
    item = item_in(world, status, fix_type=FixType.LONG_TERM, verified_at=timezone.now(), closed_on=date(2024, 2, 1))
    new_deadline = later()

    actions.reopen_item(item, reason=" 群众反映问题反弹。 ", new_deadline=new_deadline, actor=office)

    item.refresh_from_db()
    assert (item.status, item.deadline, item.closed_on, item.verified_at, item.reopened) == (
        Status.IN_PROGRESS,
        new_deadline,
        None,
        None,
        1,
    )
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author) == (Progress.Kind.REOPEN, "群众反映问题反弹。", office)
    event = event_of(item, "rectification.item_reopen")
    assert event.actor == office
    assert event.before == {"status": status, "deadline": FOLLOW_UP_DEADLINE.isoformat()}
    assert event.after == {"status": "IN_PROGRESS", "deadline": new_deadline.isoformat(), "text": WITHHELD}


def test_reopen_item_counts_each_reopening(world: World, office: User) -> None:
    """An item reopened, closed again and reopened again has been reopened twice."""
    item = item_in(world, Status.CLOSED, reopened=1)

    reopen(item, office)

    item.refresh_from_db()
    assert item.reopened == 2


def test_reopen_item_counts_from_the_stored_item(world: World, office: User) -> None:
    """The office's page was loaded before a return visit reopened the item, which was then closed again: the
    second reopening makes two, whatever the page's copy said."""
    item = item_in(world, Status.CLOSED)
    stale = LedgerItem.objects.get(pk=item.pk)
    LedgerItem.objects.filter(pk=item.pk).update(reopened=1)

    reopen(stale, office)

    item.refresh_from_db()
    assert item.reopened == 2


@pytest.mark.parametrize("status", [Status.OPEN, Status.RETURNED])
def test_reopen_item_is_only_for_closed_or_ongoing_items(world: World, office: User, status: str) -> None:
    """Only what was closed (or kept ongoing) is reopened; an open item's deadline is moved by an extension."""
    item = item_in(world, status)

    with pytest.raises(TransitionNotAllowed):
        reopen(item, office)

    unchanged(item, status)


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.SUBMITTED, Status.REVIEWED])
def test_reopen_item_refuses_work_under_way(world: World, office: User, status: str) -> None:
    """An item being worked on or reviewed is not reopened."""
    item = item_in(world, status)

    with pytest.raises(TransitionNotAllowed):
        reopen(item, office)

    unchanged(item, status)


@pytest.mark.parametrize("days", [0, -1, -400])
def test_reopen_item_needs_a_deadline_in_the_future(world: World, office: User, days: int) -> None:
    """The new deadline lies after today."""
    item = item_in(world, Status.CLOSED)

    with pytest.raises(Conflict):
        actions.reopen_item(item, reason="问题反弹", new_deadline=later(days), actor=office)

    unchanged(item, Status.CLOSED)


def test_reopen_item_needs_a_reason(world: World, office: User) -> None:
    item = item_in(world, Status.CLOSED)

    with pytest.raises(Conflict):
        actions.reopen_item(item, reason="  ", new_deadline=later(), actor=office)

    unchanged(item, Status.CLOSED)


# extend_deadline


@pytest.mark.parametrize("status", [Status.OPEN, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED])
def test_extend_deadline_grants_more_time(world: World, office_lead: User, status: str) -> None:
    """The office director grants an item still open more time: the deadline moves, the status stays, an EXTENSION note
    keeps the reason and the event the deadline before and after."""
    item = item_in(world, status)

    actions.extend_deadline(item, new_deadline=date(2024, 3, 29), reason=" 需待春耕后实施。 ", actor=office_lead)

    assert item.deadline == date(2024, 3, 29)
    item.refresh_from_db()
    assert (item.status, item.deadline) == (status, date(2024, 3, 29))
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author, note.on) == (
        Progress.Kind.EXTENSION,
        "需待春耕后实施。 (new deadline 2024-03-29)",
        office_lead,
        timezone.localdate(),
    )
    event = event_of(item, "rectification.item_extended")
    assert event.actor == office_lead
    assert event.before == {"deadline": FOLLOW_UP_DEADLINE.isoformat()}
    assert event.after == {"deadline": "2024-03-29", "reason": WITHHELD}


@pytest.mark.parametrize("new_deadline", [FOLLOW_UP_DEADLINE, FOLLOW_UP_DEADLINE - timedelta(days=1)])
def test_extend_deadline_must_move_the_deadline_later(world: World, office_lead: User, new_deadline: date) -> None:
    item = item_in(world, Status.IN_PROGRESS)

    with pytest.raises(Conflict):
        actions.extend_deadline(item, new_deadline=new_deadline, reason="延期", actor=office_lead)

    unchanged(item, Status.IN_PROGRESS)
    assert item.deadline == FOLLOW_UP_DEADLINE


def test_extend_deadline_needs_a_reason(world: World, office_lead: User) -> None:
    item = item_in(world, Status.IN_PROGRESS)

    with pytest.raises(Conflict):
        actions.extend_deadline(item, new_deadline=date(2024, 3, 29), reason="", actor=office_lead)

    unchanged(item, Status.IN_PROGRESS)


@pytest.mark.parametrize("status", [Status.CLOSED, Status.ONGOING])
def test_extend_deadline_refuses_an_item_already_done(world: World, office_lead: User, status: str) -> None:
    item = item_in(world, status)

    with pytest.raises(TransitionNotAllowed):
        extend(item, office_lead)

    unchanged(item, status)
    assert item.deadline == FOLLOW_UP_DEADLINE


# require_return_visit


def test_require_return_visit_flags_an_item(world: World, office: User) -> None:
    """The office asks that an item of an ordinary village be verified on a visit before it closes."""
    item = ledger_item(world.round, world.village_a2, status=Status.IN_PROGRESS)
    assert not item.needs_return_visit

    actions.require_return_visit(item, actor=office)

    assert item.needs_return_visit
    item.refresh_from_db()
    assert item.needs_return_visit
    event = event_of(item, "rectification.item_flagged")
    assert (event.actor, event.unit, event.after) == (office, world.village_a2, {"needs_return_visit": True})


def test_require_return_visit_twice_logs_once(world: World, office: User) -> None:
    """Flagging an item already flagged (a key village's, here) changes nothing and logs nothing."""
    item = item_in(world, Status.IN_PROGRESS)
    assert item.needs_return_visit

    actions.require_return_visit(item, actor=office)

    assert not Event.objects.exists()


def test_a_flagged_item_closes_only_after_a_verified_visit(world: World, office: User) -> None:
    """Once flagged, an ordinary village's item is held back from closure like a key village's."""
    item = ledger_item(world.round, world.village_a2, status=Status.REVIEWED)
    actions.require_return_visit(item, actor=office)

    with pytest.raises(Conflict, match="return visit"):
        close(item, office)

    item.refresh_from_db()
    assert item.status == Status.REVIEWED
