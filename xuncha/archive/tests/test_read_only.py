"""An archived round is read-only: the actions that write its records refuse with the reason, in one place
(``inspections.archived.refuse_if_archived``); the long-term items and the clues' receivers go on."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict
from xuncha.findings import actions as findings_actions
from xuncha.findings.models import Clue, FixType, Petition, Problem
from xuncha.findings.tests import factories as findings
from xuncha.inspections import actions as inspection_actions
from xuncha.inspections.archived import is_archived
from xuncha.inspections.models import ContactChannel, Round
from xuncha.rectification import actions as rectification_actions
from xuncha.rectification.models import LedgerItem, Receipt
from xuncha.rectification.tests.factories import ledger_item, village_person

REASON = "立卷归档"


@pytest.fixture
def archived(closed: World) -> World:
    Round.objects.filter(pk=closed.round.pk).update(archived_at=timezone.now())
    closed.round.refresh_from_db()
    return closed


def _refused(write: Callable[[], Any]) -> None:
    """The write is refused for the archive, and leaves no event behind."""
    events = Event.objects.count()
    with pytest.raises(Conflict, match=REASON):
        write()
    assert Event.objects.count() == events


def test_a_closed_round_is_not_archived_until_filed(closed: World) -> None:
    assert not is_archived(closed.round.pk)


def test_inspections_writes_are_refused(archived: World, office: User, group_leader: User) -> None:
    round_, assignment = archived.round, archived.assignment
    _refused(lambda: inspection_actions.move_round(round_, Round.Status.RECTIFYING, actor=office))
    _refused(lambda: inspection_actions.form_group(round_, 9, actor=office))
    _refused(lambda: inspection_actions.cancel_assignment(assignment, actor=office))
    _refused(
        lambda: inspection_actions.publish_channel(assignment, ContactChannel.Kind.PHONE, "0773-7512345", actor=office)
    )
    membership = archived.group.memberships.get(user=group_leader)
    _refused(lambda: inspection_actions.remove_member(membership, actor=office))


def test_findings_writes_are_refused_even_for_the_system(archived: World, group_leader: User) -> None:
    assignment = archived.assignment
    problem = Problem.objects.get(assignment=assignment)
    petition = Petition.objects.get(assignment=assignment)
    _refused(lambda: findings.record_problem(assignment, SYSTEM))
    _refused(lambda: findings.record_petition(assignment, group_leader))
    _refused(lambda: findings.register_clue(assignment, group_leader))
    _refused(
        lambda: findings_actions.update_problem(
            problem, {"basis": "新依据"}, expected_version=problem.version, actor=group_leader
        )
    )
    photo = findings.png_bytes()
    _refused(
        lambda: findings_actions.attach_evidence(problem, io.BytesIO(photo), "照片.png", len(photo), actor=group_leader)
    )
    _refused(lambda: findings_actions.dispose_petition(petition, Petition.Disposition.EXPLAINED, actor=group_leader))
    _refused(
        lambda: findings_actions.record_suggestion(
            assignment, archived.village_a1, topic="INDUSTRY", text="发展茶叶", actor=SYSTEM
        )
    )
    assert Problem.objects.filter(assignment=assignment).count() == 1


def test_rectification_writes_are_refused(
    archived: World, office: User, village_user: User, township_user: User
) -> None:
    round_, village = archived.round, archived.village_a1
    item = LedgerItem.objects.get(round=round_, village=village)
    _refused(lambda: rectification_actions.report_progress(item, text="已完成", actor=village_user))
    _refused(lambda: rectification_actions.build_individual_list(round_, village, actor=office))
    _refused(lambda: rectification_actions.publish_feedback(round_, archived.village_a2, actor=office))
    receipt = Receipt.objects.filter(feedback__round=round_, signed_at__isnull=True).first()
    assert receipt is not None
    _refused(lambda: rectification_actions.sign_receipt(receipt, actor=township_user))
    _refused(lambda: rectification_actions.plan_visit(village, planned_on=date(2024, 3, 5), items=[item], actor=office))


def test_long_term_items_and_the_clues_receivers_go_on(archived: World, office_lead: User) -> None:
    """A long-term item keeps reporting after the file is closed; a sealed clue is handled by its receiver."""
    ongoing = ledger_item(
        archived.round, archived.village_a2, status=LedgerItem.Status.ONGOING, fix_type=FixType.LONG_TERM
    )
    progress = rectification_actions.report_progress(
        ongoing, text="年度定期报告", actor=village_person(archived.village_a2)
    )
    assert progress.item_id == ongoing.pk
    clue = Clue.objects.get(assignment=archived.assignment)
    transferred = findings_actions.transfer_clue(clue, transfer_number="龙巡移〔2023〕1号", actor=office_lead)
    assert transferred.status == Clue.Status.TRANSFERRED


def test_writes_on_a_round_that_is_not_archived_are_not_refused_for_it(closed: World, village_user: User) -> None:
    item = LedgerItem.objects.get(round=closed.round, village=closed.village_a1)
    progress = rectification_actions.report_progress(item, text="已完成一半", actor=village_user)
    assert progress.item_id == item.pk
