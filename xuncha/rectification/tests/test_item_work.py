"""Ledger items in the village's hands: planning the work, reporting progress with evidence and submitting the
work for review.

Each action is checked for the state it leaves, its progress note, the audit event it writes (verb, actor,
before and after), and its refusal for a wrong role, a wrong state and bad input. Items are 甲一村's (a key
village, so they need a return visit unless a test says otherwise), written directly in the state a test needs.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.actions import WITHHELD
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, TransitionNotAllowed
from xuncha.core.uploads import UploadRefused
from xuncha.evidence.models import Evidence
from xuncha.findings.models import FixType
from xuncha.findings.tests.factories import exe_bytes
from xuncha.rectification import actions
from xuncha.rectification.models import Progress
from xuncha.rectification.tests.factories import FOLLOW_UP_DEADLINE, PROGRESS_TEXT, after_of, before_of, event_of, photo
from xuncha.rectification.tests.item_helpers import MEASURES, Status, item_in, plan, report, unchanged

pytestmark = pytest.mark.usefixtures("media")


# plan_item


@pytest.mark.parametrize("status", [Status.OPEN, Status.RETURNED])
def test_plan_item_writes_the_plan_and_starts_the_work(world: World, village_user: User, status: str) -> None:
    """The village's measures, goal and responsible leader are kept; an open or returned item is now in progress,
    with a PLAN note and an event holding the plan before and after."""
    item = item_in(world, status)

    actions.plan_item(
        item, measures=f"  {MEASURES}\n", goal=" 租金全部入账 ", responsible_leader=" 王建华 ", actor=village_user
    )

    assert item.status == Status.IN_PROGRESS
    item.refresh_from_db()
    assert (item.status, item.measures, item.goal, item.responsible_leader) == (
        Status.IN_PROGRESS,
        MEASURES,
        "租金全部入账",
        "王建华",
    )
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.author, note.on) == (
        Progress.Kind.PLAN,
        MEASURES,
        village_user,
        timezone.localdate(),
    )
    event = event_of(item, "rectification.item_planned")
    assert event.actor == village_user
    assert event.unit == world.village_a1
    assert event.before == {"measures": "", "goal": "", "responsible_leader": "", "status": status}
    assert event.after == {
        "measures": WITHHELD,
        "goal": WITHHELD,
        "responsible_leader": "王建华",
        "status": "IN_PROGRESS",
    }


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.ONGOING])
def test_plan_item_revises_the_plan_of_an_item_being_worked_on(world: World, village_user: User, status: str) -> None:
    """An item in progress (or a long-term one) gets a revised plan and keeps its status."""
    item = item_in(world, status, measures="旧措施", responsible_leader="李四")

    plan(item, village_user)

    item.refresh_from_db()
    assert (item.status, item.measures, item.responsible_leader) == (status, MEASURES, "王建华")
    event = event_of(item, "rectification.item_planned")
    assert (before_of(event)["measures"], before_of(event)["status"]) == (WITHHELD, status)
    assert after_of(event)["status"] == status


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.REVIEWED, Status.CLOSED])
def test_plan_item_is_refused_once_the_work_was_submitted(world: World, village_user: User, status: str) -> None:
    """The plan of a submitted, reviewed or closed item is no longer changed."""
    item = item_in(world, status, measures="原措施")

    with pytest.raises(TransitionNotAllowed):
        plan(item, village_user)

    unchanged(item, status)
    assert item.measures == "原措施"


@pytest.mark.parametrize(("measures", "leader"), [("", "王建华"), ("  ", "王建华"), (MEASURES, ""), (MEASURES, " ")])
def test_plan_item_needs_measures_and_a_responsible_leader(
    world: World, village_user: User, measures: str, leader: str
) -> None:
    """A plan states the measures and who answers for them."""
    item = item_in(world, Status.OPEN)

    with pytest.raises(Conflict):
        actions.plan_item(item, measures=measures, goal="", responsible_leader=leader, actor=village_user)

    unchanged(item, Status.OPEN)


# report_progress


@pytest.mark.parametrize("status", [Status.OPEN, Status.RETURNED])
def test_report_progress_starts_the_work_and_keeps_the_evidence(world: World, village_user: User, status: str) -> None:
    """A report on an open or returned item puts it in progress; the note holds the text and the photo, and the
    event the file's hash."""
    item = item_in(world, status)

    progress = actions.report_progress(
        item, text=f" {PROGRESS_TEXT} ", actor=village_user, on=date(2024, 1, 10), files=[photo()]
    )

    assert item.status == Status.IN_PROGRESS
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert (progress.kind, progress.text, progress.on, progress.author) == (
        Progress.Kind.PROGRESS,
        PROGRESS_TEXT,
        date(2024, 1, 10),
        village_user,
    )
    evidence = Evidence.objects.get()
    assert list(progress.evidence.all()) == [evidence]
    assert (evidence.uploaded_by, evidence.extension) == (village_user, "png")
    event = event_of(item, "rectification.item_progress")
    assert event.actor == village_user
    assert event.after == {"status": "IN_PROGRESS", "text": WITHHELD, "files": [evidence.sha256]}


def test_report_progress_logs_the_status_it_leaves(world: World, village_user: User) -> None:
    """A report that moves a returned item back into work records the old status, like every other move."""
    item = item_in(world, Status.RETURNED)

    report(item, village_user)

    event = event_of(item, "rectification.item_progress")
    assert event.before == {"status": "RETURNED"}


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.ONGOING])
def test_report_progress_keeps_the_status_of_work_under_way(world: World, village_user: User, status: str) -> None:
    """An item in progress stays so; a long-term item stays ONGOING and gets its periodic report."""
    item = item_in(world, status, fix_type=FixType.LONG_TERM)

    report(item, village_user)

    item.refresh_from_db()
    assert item.status == status
    assert Progress.objects.get(item=item).kind == Progress.Kind.PROGRESS


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.REVIEWED, Status.CLOSED])
def test_report_progress_is_refused_while_reviewed_or_after_closure(
    world: World, village_user: User, status: str
) -> None:
    """Progress is reported while the item is worked on, not while the township or the office has it."""
    item = item_in(world, status)

    with pytest.raises(TransitionNotAllowed):
        report(item, village_user)

    unchanged(item, status)
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("text", ["", " \n "])
def test_report_progress_needs_a_text(world: World, village_user: User, text: str) -> None:
    """A report says what was done."""
    item = item_in(world, Status.IN_PROGRESS)

    with pytest.raises(Conflict):
        actions.report_progress(item, text=text, actor=village_user, files=[photo()])

    unchanged(item, Status.IN_PROGRESS)
    assert not Evidence.objects.exists()


# submit_item


@pytest.mark.parametrize("status", [Status.OPEN, Status.IN_PROGRESS, Status.RETURNED])
def test_submit_item_sends_the_work_for_review_with_its_evidence(world: World, village_user: User, status: str) -> None:
    """The village reports the item done: SUBMITTED, with a SUBMISSION note holding the evidence, and an event
    with the status and deadline before and after."""
    item = item_in(world, status)

    actions.submit_item(
        item,
        text=f"{PROGRESS_TEXT}\n",
        actor=village_user,
        files=[photo(), photo("会议记录.png")],
        on=date(2024, 1, 20),
    )

    assert item.done_on == date(2024, 1, 20)
    item.refresh_from_db()
    assert (item.status, item.done_on) == (Status.SUBMITTED, date(2024, 1, 20))
    note = Progress.objects.get(item=item)
    assert (note.kind, note.text, note.on, note.author) == (
        Progress.Kind.SUBMISSION,
        PROGRESS_TEXT,
        date(2024, 1, 20),
        village_user,
    )
    assert sorted(note.evidence.values_list("original_name", flat=True)) == ["会议记录.png", "整改后现场照片.png"]
    event = event_of(item, "rectification.item_submission")
    assert event.actor == village_user
    assert event.before == {"status": status, "deadline": FOLLOW_UP_DEADLINE.isoformat()}
    assert event.after == {"status": "SUBMITTED", "deadline": FOLLOW_UP_DEADLINE.isoformat(), "text": WITHHELD}


def test_submit_item_needs_evidence(world: World, village_user: User) -> None:
    """Without a file, and none reported before, the submission is refused."""
    item = item_in(world, Status.IN_PROGRESS)

    with pytest.raises(Conflict, match="evidence"):
        actions.submit_item(item, text=PROGRESS_TEXT, actor=village_user)

    unchanged(item, Status.IN_PROGRESS)


def test_submit_item_accepts_evidence_reported_before(world: World, village_user: User) -> None:
    """Photos sent with an earlier progress report count: the submission needs no new file."""
    item = item_in(world, Status.OPEN)
    report(item, village_user)

    actions.submit_item(item, text=PROGRESS_TEXT, actor=village_user)

    item.refresh_from_db()
    assert item.status == Status.SUBMITTED
    assert Evidence.objects.count() == 1


def test_submit_item_does_not_count_another_items_evidence(world: World, village_user: User) -> None:
    """The evidence must be this item's: a photo on another item of the village does not do."""
    other = item_in(world, Status.OPEN)
    report(other, village_user)
    item = item_in(world, Status.IN_PROGRESS)

    with pytest.raises(Conflict):
        actions.submit_item(item, text=PROGRESS_TEXT, actor=village_user)

    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS


@pytest.mark.parametrize("text", ["", "   "])
def test_submit_item_needs_a_text(world: World, village_user: User, text: str) -> None:
    item = item_in(world, Status.IN_PROGRESS)

    with pytest.raises(Conflict):
        actions.submit_item(item, text=text, actor=village_user, files=[photo()])

    unchanged(item, Status.IN_PROGRESS)
    assert not Evidence.objects.exists()


def test_submit_item_refuses_a_file_that_is_not_evidence(world: World, village_user: User) -> None:
    """An executable named like a photo is refused by the evidence rules, and the item is not submitted."""
    item = item_in(world, Status.IN_PROGRESS)
    data = exe_bytes()

    with pytest.raises(UploadRefused):
        actions.submit_item(
            item, text=PROGRESS_TEXT, actor=village_user, files=[(BytesIO(data), "照片.jpg", len(data))]
        )

    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert not Evidence.objects.exists()
