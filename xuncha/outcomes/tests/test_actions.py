"""Who records, reports and confirms outcomes; what the trail keeps of them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from xuncha.accounts.models import User
from xuncha.audit.labels import VERB_LABELS
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import ActionRefused, Conflict, PermissionDenied
from xuncha.findings.models import Clue
from xuncha.outcomes import actions
from xuncha.outcomes.models import Outcome, Rule
from xuncha.outcomes.tests.helpers import NAMES, PEOPLE, clue_of, item_of
from xuncha.rectification.tests.factories import photo

pytestmark = pytest.mark.django_db


def test_the_office_records_an_items_outcome(world: World, office: User) -> None:
    """The office's record stands confirmed, amounts to the cent, people by kind; the trail has the figures but
    never the names."""
    item = item_of(world)

    outcome = actions.record_item_outcome(
        item,
        actor=office,
        amount_involved="12000",
        amount_recovered=Decimal("8000.5"),
        people=PEOPLE,
        people_note=NAMES,
    )

    outcome.refresh_from_db()
    assert (outcome.status, outcome.amount_recovered, outcome.people_admonished) == (
        Outcome.Status.CONFIRMED,
        Decimal("8000.50"),
        2,
    )
    assert (outcome.round, outcome.village, outcome.category) == (item.round, item.village, item.category)
    after = Event.objects.get(verb="outcomes.item_outcome_recorded").after or {}
    assert after["amount_recovered"] == "8000.50"
    assert after["people_party_discipline"] == 1
    assert NAMES not in str(after) and "people_note" not in after


@pytest.mark.parametrize("persona", ["township_user", "village_user", "discipline", "group_member", "outsider"])
def test_only_the_office_records_an_items_outcome(world: World, persona: str, request: pytest.FixtureRequest) -> None:
    item = item_of(world)

    with pytest.raises(PermissionDenied):
        actions.record_item_outcome(item, actor=request.getfixturevalue(persona), amount_recovered="1")

    assert not Outcome.objects.exists()


def test_the_village_reports_and_the_office_confirms(world: World, village_user: User, office: User) -> None:
    """The village's report waits for the office; once confirmed, the village cannot change it any more."""
    item = item_of(world)

    reported = actions.report_item_outcome(item, actor=village_user, amount_recovered="3000", amount_returned="3000")
    assert reported.status == Outcome.Status.REPORTED
    confirmed = actions.confirm_item_outcome(reported, actor=office)

    assert (confirmed.status, confirmed.confirmed_by) == (Outcome.Status.CONFIRMED, office)
    assert list(Event.objects.filter(verb__startswith="outcomes.").order_by("seq").values_list("verb", flat=True)) == [
        "outcomes.item_outcome_reported",
        "outcomes.item_outcome_confirmed",
    ]
    with pytest.raises(Conflict):
        actions.report_item_outcome(item, actor=village_user, amount_recovered="1")
    with pytest.raises(Conflict):
        actions.confirm_item_outcome(confirmed, actor=office)


def test_the_township_does_not_report_nor_confirm(world: World, village_user: User, township_user: User) -> None:
    item = item_of(world)
    reported = actions.report_item_outcome(item, actor=village_user, amount_recovered="10")

    with pytest.raises(PermissionDenied):
        actions.report_item_outcome(item, actor=township_user, amount_recovered="10")
    with pytest.raises(PermissionDenied):
        actions.confirm_item_outcome(reported, actor=township_user)


@pytest.mark.parametrize("amount", ["-1", "abc", "1e15"])
def test_an_amount_is_zero_or_more_yuan(world: World, office: User, amount: str) -> None:
    with pytest.raises(ActionRefused):
        actions.record_item_outcome(item_of(world), actor=office, amount_recovered=amount)


def test_an_unknown_kind_of_people_is_refused(world: World, office: User) -> None:
    with pytest.raises(ActionRefused):
        actions.record_item_outcome(item_of(world), actor=office, people={"FIRED": 1})


def test_the_discipline_commission_reports_a_clues_outcome(world: World, discipline: User) -> None:
    """Linked back to the problem the clue came from: its category and village."""
    item = item_of(world)
    clue = clue_of(world, item)

    outcome = actions.record_clue_outcome(clue, actor=discipline, amount_involved="50000", people=PEOPLE)

    assert (outcome.clue, outcome.category, outcome.village) == (clue, item.category, item.village)
    assert outcome.status == Outcome.Status.CONFIRMED
    assert Event.objects.filter(verb="outcomes.clue_outcome_recorded", object_id=str(outcome.pk)).exists()


@pytest.mark.parametrize("status", [Clue.Status.TRANSFERRED, Clue.Status.RECEIVED])
def test_a_clues_outcome_waits_for_its_disposal(world: World, discipline: User, status: str) -> None:
    clue = clue_of(world, item_of(world), status=status)

    with pytest.raises(Conflict):
        actions.record_clue_outcome(clue, actor=discipline, amount_involved="1")


@pytest.mark.parametrize("persona", ["office", "office_lead", "township_user", "group_leader"])
def test_only_the_receiving_body_reports_a_clues_outcome(
    world: World, persona: str, request: pytest.FixtureRequest
) -> None:
    clue = clue_of(world, item_of(world))

    with pytest.raises(PermissionDenied):
        actions.record_clue_outcome(clue, actor=request.getfixturevalue(persona), amount_involved="1")


def test_rules_are_recorded_with_their_file(world: World, office: User, discipline: User) -> None:
    """The file goes through the evidence checks; the receiving body adds rules to a clue's outcome only."""
    item = item_of(world)
    outcome = actions.record_item_outcome(item, actor=office, amount_recovered="1")

    rule = actions.add_rule(
        outcome,
        title="村务公开管理制度",
        adopted_on=date(2024, 3, 1),
        actor=office,
        upload=photo()[0],
        file_name="制度.png",
    )

    assert rule.file is not None and rule.file.original_name == "制度.png"
    assert (Event.objects.get(verb="outcomes.rule_added").after or {})["title"] == "村务公开管理制度"
    with pytest.raises(PermissionDenied):
        actions.add_rule(outcome, title="x", adopted_on=date(2024, 3, 1), actor=discipline)
    with pytest.raises(ActionRefused):
        actions.add_rule(outcome, title=" ", adopted_on=date(2024, 3, 1), actor=office)
    assert Rule.objects.count() == 1


def test_every_verb_has_a_label() -> None:
    from xuncha.outcomes.labels import VERBS

    assert set(VERBS) <= set(VERB_LABELS)
