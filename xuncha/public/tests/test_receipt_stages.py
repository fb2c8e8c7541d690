"""The stage a receipt code reports: 已受理, 核实中 while the matter is verified or its problem not yet fed back,
整改中 while its ledger item is being rectified, 已整改并回访 once the item closed after a verified return visit,
已办结 for the other ways a petition is settled; and a sealed clue never told apart from a problem being verified."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.tests.factories import UserFactory
from xuncha.conftest import World
from xuncha.findings.models import Petition, Problem
from xuncha.findings.tests.factories import PetitionFactory
from xuncha.inspections.models import Assignment
from xuncha.public.queries import RECEIPT_EXPLANATIONS, ReceiptStage, receipt_stage
from xuncha.rectification.models import CommonItem, LedgerItem
from xuncha.rectification.tests.factories import ledger_item

URL = reverse("public:receipt-lookup")
Stage = ReceiptStage
Disposition = Petition.Disposition
ItemStatus = LedgerItem.Status


def settled(petition: Petition, disposition: str, problem: Problem | None = None) -> Petition:
    """``petition`` settled directly with ``disposition`` (and the problem it led to)."""
    Petition.objects.filter(pk=petition.pk).update(
        status=Petition.Status.DISPOSED, disposition=disposition, problem=problem, disposition_note="内部处理意见"
    )
    return Petition.objects.get(pk=petition.pk)


def with_problem(petition: Petition, status: str) -> Petition:
    problem = Problem.objects.create(
        assignment=petition.assignment,
        round=petition.assignment.round,
        group=petition.assignment.group,
        village=petition.assignment.target,
        serial_no=99,
        serial="[2023]4巡-3组-099",
        category="BENEFIT",
        phenomenon="低保评定未经村民代表会议评议。",
        source=Problem.Source.PETITION,
        fix_type="FOLLOW_UP",
        finder=UserFactory.create(),
        found_on=petition.assignment.stationed_from,
        status=status,
    )
    return settled(petition, Disposition.PROBLEM, problem)


def with_item(petition: Petition, world: World, status: str, **fields: Any) -> tuple[Petition, LedgerItem]:
    """``petition`` settled as the fed-back problem of a ledger item of 甲一村 in ``status``."""
    item = ledger_item(world.round, world.village_a1, status=status, **fields)
    assert item.problem is not None
    return settled(petition, Disposition.PROBLEM, item.problem), item


@pytest.fixture
def petition(world: World) -> Petition:
    return PetitionFactory.create(assignment=world.assignment, village=world.village_a1)


def shown(client: Client, petition: Petition) -> str:
    """The lookup's answer block for the petition's code."""
    html = client.post(URL, {"code": petition.receipt_code}).content.decode()
    found = re.search(r'<dl class="xc-lookup-result".*?</dl>', html, re.S)
    assert found is not None, html
    return found.group(0)


def test_a_petition_not_yet_settled_is_received(client: Client, petition: Petition) -> None:
    assert receipt_stage(petition) == Stage.RECEIVED
    block = shown(client, petition)
    assert 'data-testid="lookup-status">Received<' in block
    assert str(RECEIPT_EXPLANATIONS[Stage.RECEIVED]) in block


@pytest.mark.parametrize("status", [Problem.Status.DRAFT, Problem.Status.CONFIRMED])
def test_a_petition_turned_into_a_problem_is_being_verified_until_fed_back(
    client: Client, petition: Petition, status: str
) -> None:
    """Never 已办结 just because the petition became a problem: nothing is fixed yet."""
    petition = with_problem(petition, status)
    assert receipt_stage(petition) == Stage.VERIFYING
    block = shown(client, petition)
    assert "Being verified" in block
    assert "Concluded" not in block


def test_a_discarded_problem_concludes_the_petition(petition: Petition) -> None:
    assert receipt_stage(with_problem(petition, Problem.Status.DISCARDED)) == Stage.CONCLUDED


@pytest.mark.parametrize(
    "status",
    [ItemStatus.OPEN, ItemStatus.IN_PROGRESS, ItemStatus.SUBMITTED, ItemStatus.REVIEWED, ItemStatus.RETURNED],
)
def test_a_fed_back_problem_is_being_rectified_while_its_item_is_open(
    client: Client, world: World, petition: Petition, status: str
) -> None:
    petition, _item = with_item(petition, world, status)
    assert receipt_stage(petition) == Stage.RECTIFYING
    assert "Being rectified" in shown(client, petition)


def test_an_item_closed_after_a_verified_return_visit_reads_rectified_and_visited(
    client: Client, world: World, petition: Petition
) -> None:
    petition, _item = with_item(petition, world, ItemStatus.CLOSED, verified_at=timezone.now())
    assert receipt_stage(petition) == Stage.VISITED
    assert "Rectified and verified on a return visit" in shown(client, petition)


def test_an_item_closed_without_a_visit_is_rectified_but_not_visited(world: World, petition: Petition) -> None:
    petition, _item = with_item(petition, world, ItemStatus.CLOSED, verified_at=None, needs_return_visit=False)
    assert receipt_stage(petition) == Stage.RECTIFIED


def test_a_visit_that_reopened_the_item_is_rectification_again(world: World, petition: Petition) -> None:
    """A verified visit that was followed by a reopening (verified_at cleared, item back in progress)."""
    petition, _item = with_item(petition, world, ItemStatus.IN_PROGRESS, verified_at=None, reopened=1)
    assert receipt_stage(petition) == Stage.RECTIFYING


def test_a_common_item_counts_only_the_problems_village(world: World, petition: Petition) -> None:
    """A problem fed back through a common item is rectified by its village's share; another village's open share
    does not hold it back."""
    petition, own = with_item(petition, world, ItemStatus.CLOSED, verified_at=timezone.now())
    assert own.problem is not None
    other = ledger_item(world.round, world.village_a2, status=ItemStatus.IN_PROGRESS)
    common = CommonItem.objects.create(
        problem_list=own.feedback.individual_list,
        number=1,
        text="村务公开不及时。",
        category="DISCLOSURE",
        fix_type="FOLLOW_UP",
    )
    common.problems.add(own.problem)
    LedgerItem.objects.filter(pk=own.pk).update(problem=None, common_item=common)
    LedgerItem.objects.filter(pk=other.pk).update(problem=None, common_item=common)
    assert receipt_stage(petition) == Stage.VISITED
    LedgerItem.objects.filter(pk=own.pk).update(status=ItemStatus.SUBMITTED)
    assert receipt_stage(petition) == Stage.RECTIFYING


@pytest.mark.parametrize("disposition", [Disposition.EXPLAINED, Disposition.FORWARDED, Disposition.DUPLICATE])
def test_other_dispositions_are_concluded_without_saying_how(
    client: Client, petition: Petition, disposition: str
) -> None:
    petition = settled(petition, disposition)
    assert receipt_stage(petition) == Stage.CONCLUDED
    block = shown(client, petition)
    assert "Concluded" in block
    assert "内部处理意见" not in block
    assert str(Disposition(disposition).label) not in block


def test_a_clue_reads_exactly_as_a_problem_being_verified(client: Client, world: World, stationed: Assignment) -> None:
    """A resident whose petition became a sealed clue sees what a resident whose petition became a draft problem
    sees, word for word: nothing tells that a clue was registered, however long it stays so."""
    as_clue = settled(PetitionFactory.create(assignment=stationed), Disposition.CLUE)
    as_problem = with_problem(PetitionFactory.create(assignment=stationed), Problem.Status.DRAFT)
    Petition.objects.filter(pk__in=[as_clue.pk, as_problem.pk]).update(received_at=timezone.now())
    assert receipt_stage(as_clue) == receipt_stage(as_problem) == Stage.VERIFYING
    clue_block, problem_block = shown(client, as_clue), shown(client, as_problem)
    assert clue_block == problem_block
    assert "clue" not in clue_block.lower()


def test_the_lookup_costs_a_few_queries_whatever_the_stage(
    client: Client, world: World, petition: Petition, django_assert_max_num_queries: Any
) -> None:
    petition, _item = with_item(petition, world, ItemStatus.CLOSED, verified_at=timezone.now())
    with django_assert_max_num_queries(12):
        assert "Rectified and verified" in shown(client, petition)
