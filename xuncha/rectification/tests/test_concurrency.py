"""Two people acting on the same item: the second acted on a state that is gone, so it is refused with a clear
conflict naming who acted, and nothing the first wrote is overwritten.

The sequential tests run on both databases; the races between real transactions need PostgreSQL's row locks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections, transaction

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.chain import verify_chain
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem, Progress
from xuncha.rectification.tests.factories import PROGRESS_TEXT, ledger_item, photo, township_person

Status = LedgerItem.Status
REASON = "佐证材料不全，缺少村民代表会议记录。"


@pytest.fixture
def second_reviewer(world: World) -> User:
    """A second cadre of 甲镇's party committee, reviewing the same submissions."""
    user = township_person(world.township_a, "township_a_2")
    user.display_name = "赵副书记"
    user.save(update_fields=["display_name"])
    return user


@pytest.fixture
def reviewer(township_user: User) -> User:
    township_user.display_name = "钱书记"
    township_user.save(update_fields=["display_name"])
    return township_user


def submitted(world: World) -> LedgerItem:
    return ledger_item(world.round, world.village_a2, status=Status.SUBMITTED)


def copy_of(item: LedgerItem) -> LedgerItem:
    """The item as another person's page loaded it."""
    return LedgerItem.objects.get(pk=item.pk)


def item_events(item: LedgerItem) -> list[str]:
    return list(
        Event.objects.filter(object_type="rectification.ledgeritem", object_id=str(item.pk))
        .order_by("seq")
        .values_list("verb", flat=True)
    )


# one after the other (both databases)


def test_the_second_reviewer_gets_a_conflict_naming_the_first(
    world: World, reviewer: User, second_reviewer: User
) -> None:
    """Both loaded the submission; 钱书记 approves first; 赵副书记's return is refused with a message naming
    钱书记 and the item's status, and the approval stands alone."""
    item = submitted(world)
    mine, theirs = copy_of(item), copy_of(item)
    actions.review_item(mine, approve=True, actor=reviewer, expected_status=Status.SUBMITTED)

    with pytest.raises(Conflict) as refused:
        actions.review_item(
            theirs, approve=False, reason=REASON, actor=second_reviewer, expected_status=Status.SUBMITTED
        )

    assert "钱书记" in refused.value.message
    assert "Reviewed by the township" in refused.value.message
    assert "Reload" in refused.value.message
    item.refresh_from_db()
    assert item.status == Status.REVIEWED
    assert [(p.kind, p.author) for p in Progress.objects.filter(item=item)] == [(Progress.Kind.APPROVAL, reviewer)]
    assert item_events(item) == ["rectification.item_approval"]


def test_a_return_is_not_overwritten_by_a_late_approval(world: World, reviewer: User, second_reviewer: User) -> None:
    """The other way round: the return stands and its reason is kept."""
    item = submitted(world)
    mine, theirs = copy_of(item), copy_of(item)
    actions.review_item(mine, approve=False, reason=REASON, actor=reviewer)

    with pytest.raises(Conflict, match="钱书记"):
        actions.review_item(theirs, approve=True, actor=second_reviewer)

    item.refresh_from_db()
    assert item.status == Status.RETURNED
    assert list(Progress.objects.filter(item=item).values_list("kind", "text")) == [(Progress.Kind.RETURN, REASON)]
    assert item_events(item) == ["rectification.item_return"]


def test_review_expects_a_submission_by_default(world: World, reviewer: User, second_reviewer: User) -> None:
    """Without saying what it saw, a review still acts only on a submission: the default is SUBMITTED."""
    item = submitted(world)
    mine, theirs = copy_of(item), copy_of(item)
    actions.review_item(mine, approve=True, actor=reviewer)

    with pytest.raises(Conflict):
        actions.review_item(theirs, approve=False, reason=REASON, actor=second_reviewer)

    item.refresh_from_db()
    assert item.status == Status.REVIEWED


def test_a_resubmitted_item_is_reviewed_afresh(world: World, reviewer: User, village_user: User) -> None:
    """After a return and a new submission, the item is SUBMITTED again and the next review goes through."""
    item = ledger_item(world.round, world.village_a1, status=Status.SUBMITTED)
    actions.review_item(copy_of(item), approve=False, reason=REASON, actor=reviewer)
    actions.submit_item(copy_of(item), text=PROGRESS_TEXT, actor=village_user, files=[photo()])

    actions.review_item(copy_of(item), approve=True, actor=reviewer)

    item.refresh_from_db()
    assert item.status == Status.REVIEWED


def test_a_double_submission_is_refused(world: World, village_user: User, settings: Any, tmp_path: Any) -> None:
    """Two cadres of 甲一村 submit the same item from two pages: the second, expecting IN_PROGRESS, is refused
    and stores no file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    item = ledger_item(world.round, world.village_a1, status=Status.IN_PROGRESS)
    first, second = copy_of(item), copy_of(item)
    actions.submit_item(
        first, text=PROGRESS_TEXT, actor=village_user, files=[photo()], expected_status=Status.IN_PROGRESS
    )

    with pytest.raises(Conflict):
        actions.submit_item(
            second, text="第二次提交", actor=village_user, files=[photo()], expected_status=Status.IN_PROGRESS
        )

    assert Progress.objects.filter(item=item).count() == 1
    assert item.progress.get().evidence.count() == 1


def test_the_office_returning_what_another_closed_is_refused(world: World, office: User, office_lead: User) -> None:
    """The director closes a reviewed item while a colleague, on the page loaded before, returns it: refused."""
    item = ledger_item(world.round, world.village_a2, status=Status.REVIEWED)
    stale = copy_of(item)
    actions.close_item(copy_of(item), actor=office_lead)

    with pytest.raises(Conflict, match=str(office_lead)):
        actions.return_reviewed_item(stale, reason="材料不实", actor=office)

    item.refresh_from_db()
    assert item.status == Status.CLOSED


def test_a_conflict_after_a_system_step_names_someone(world: World, reviewer: User) -> None:
    """When the last step was the system's (no author), the message still reads well."""
    item = ledger_item(world.round, world.village_a2, status=Status.SUBMITTED)
    stale = copy_of(item)
    actions.review_item(copy_of(item), approve=True, actor=SYSTEM)

    with pytest.raises(Conflict, match="someone already acted"):
        actions.review_item(stale, approve=True, actor=reviewer)


def test_the_conflict_names_who_moved_the_item(
    world: World, reviewer: User, second_reviewer: User, office_lead: User
) -> None:
    """钱书记 approved, then the office director granted more time; 赵副书记's stale review names 钱书记, who
    reviewed it."""
    item = submitted(world)
    stale = copy_of(item)
    actions.review_item(copy_of(item), approve=True, actor=reviewer)
    actions.extend_deadline(copy_of(item), new_deadline=date(2024, 3, 29), reason="待春耕后复查", actor=office_lead)

    with pytest.raises(Conflict) as refused:
        actions.review_item(stale, approve=False, reason=REASON, actor=second_reviewer)

    assert "钱书记" in refused.value.message


# real races (PostgreSQL)


def _blocked(pid: int, attempts: int = 20_000) -> bool:
    """Whether the backend ``pid`` comes to wait for a lock (polled through PostgreSQL, without sleeping)."""
    with connection.cursor() as cursor:
        for _attempt in range(attempts):
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
            if cursor.fetchone()[0]:
                return True
    return False


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_second_reviewer_waits_for_the_first_and_is_refused(
    world: World, reviewer: User, second_reviewer: User
) -> None:
    """The second review blocks on the item's row until the first commits, then sees the approval and is refused
    with the first reviewer's name; without the lock it would return the item the first had just approved."""
    item = submitted(world)
    first_copy, second_copy = copy_of(item), copy_of(item)
    approved, release, second_connected = threading.Event(), threading.Event(), threading.Event()
    second_pid: list[int] = []
    failures: list[BaseException] = []
    refusals: list[Conflict] = []

    def first() -> None:
        try:
            with transaction.atomic():
                actions.review_item(first_copy, approve=True, actor=reviewer)
                approved.set()
                release.wait(timeout=60)
        except BaseException as exc:  # handed to the test thread, which asserts there is none
            failures.append(exc)
        finally:
            approved.set()
            connections.close_all()

    def second() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            second_connected.set()
            actions.review_item(second_copy, approve=False, reason=REASON, actor=second_reviewer)
        except Conflict as exc:
            refusals.append(exc)
        except BaseException as exc:  # handed to the test thread, which asserts there is none
            failures.append(exc)
        finally:
            second_connected.set()
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    try:
        assert approved.wait(timeout=60)
        threads[1].start()
        assert second_connected.wait(timeout=60)
        assert second_pid, "the second reviewer did not connect"
        assert _blocked(second_pid[0]), "the second reviewer never waited for the first"
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=60)
    assert failures == []
    assert len(refusals) == 1
    assert "钱书记" in refusals[0].message
    item.refresh_from_db()
    assert item.status == Status.REVIEWED
    assert [(p.kind, p.author_id) for p in Progress.objects.filter(item=item)] == [
        (Progress.Kind.APPROVAL, reviewer.pk)
    ]
    assert item_events(item) == ["rectification.item_approval"]
    assert verify_chain().ok


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_one_wins(world: World, reviewer: User, second_reviewer: User) -> None:
    """Released at the same instant, one review wins and the other gets the conflict, whichever comes first:
    the item has exactly one review step, one event, and the status of the winner."""
    item = submitted(world)
    start = threading.Barrier(2, timeout=60)
    outcomes: dict[str, str] = {}
    failures: list[BaseException] = []

    def review(name: str, act: Callable[[LedgerItem], Any]) -> Callable[[], None]:
        stale = copy_of(item)

        def run() -> None:
            try:
                start.wait()
                act(stale)
                outcomes[name] = "won"
            except Conflict:
                outcomes[name] = "refused"
            except BaseException as exc:  # handed to the test thread, which asserts there is none
                failures.append(exc)
            finally:
                connections.close_all()

        return run

    threads = [
        threading.Thread(
            target=review("approve", lambda stale: actions.review_item(stale, approve=True, actor=reviewer))
        ),
        threading.Thread(
            target=review(
                "return",
                lambda stale: actions.review_item(stale, approve=False, reason=REASON, actor=second_reviewer),
            )
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert sorted(outcomes.values()) == ["refused", "won"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    item.refresh_from_db()
    assert item.status == {"approve": Status.REVIEWED, "return": Status.RETURNED}[winner]
    assert Progress.objects.filter(item=item).count() == 1
    assert len(item_events(item)) == 1
    assert verify_chain().ok
