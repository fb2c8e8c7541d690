"""Who answers for a village's rectification: the village's 第一责任人 and the township's 督促责任人 (包村领导), named
once per village by the office or the township, copied to each item at feedback and changed on one item; a village's
lists are not fed back while either is missing. The scene is round 4 after stationing (``reported_round``)."""

from __future__ import annotations

import importlib

import pytest

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Role, User
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.inspections.models import Round
from xuncha.rectification import actions
from xuncha.rectification.models import Feedback, LedgerItem, VillageResponsibility
from xuncha.rectification.models_responsibility import parse_person
from xuncha.rectification.tests.factories import (
    Reported,
    after_of,
    before_of,
    event_of,
    ledger_item,
    person,
    publish,
    set_round,
)

PEOPLE = {
    "first_name": "杨秀英",
    "first_post": "甲一村党支部书记",
    "overseer_name": "吴海",
    "overseer_post": "甲镇党委副书记（包村领导）",
}


def _drop_people(world: World) -> None:
    VillageResponsibility.objects.filter(village=world.village_a1).delete()


# The rule: no feedback without both people -----------------------------------------------------------------------


def test_feedback_of_a_list_whose_items_lack_responsible_people_is_refused(
    world: World, reported: Reported, office: User
) -> None:
    """Without a 第一责任人 and a 督促责任人 the village's lists stay unpublished; the refusal names the items."""
    _drop_people(world)
    with pytest.raises(TransitionNotAllowed) as refused:
        publish(reported.round, world.village_a1, office)
    message = str(refused.value)
    for problem in reported.of(world.village_a1):
        assert problem.serial in message
    assert "first responsible person" in message
    assert "overseeing person" in message
    assert not Feedback.objects.filter(village=world.village_a1).exists()
    assert not LedgerItem.objects.filter(village=world.village_a1).exists()


def test_feedback_is_refused_while_only_the_overseer_is_missing(world: World, reported: Reported, office: User) -> None:
    VillageResponsibility.objects.filter(village=world.village_a1).update(overseer_name="")
    with pytest.raises(TransitionNotAllowed, match="overseeing person") as refused:
        publish(reported.round, world.village_a1, office)
    assert "first responsible person" not in str(refused.value)


def test_each_item_fed_back_copies_the_villages_people_with_its_account(
    world: World, reported: Reported, office: User, township_user: User
) -> None:
    """The 第一责任人 is linked to the village organisation's account of that name."""
    secretary = person("secretary_a1", Role.VILLAGE, world.village_a1)
    secretary.display_name = "杨秀英"
    secretary.save(update_fields=["display_name"])
    actions.set_village_responsibility(world.village_a1, **PEOPLE, actor=township_user)
    feedback = publish(reported.round, world.village_a1, office)
    items = list(feedback.items.all())
    assert len(items) == 2
    for item in items:
        assert (item.first_responsible_name, item.first_responsible_post) == ("杨秀英", "甲一村党支部书记")
        assert item.first_responsible_user == secretary
        assert (item.overseer_name, item.overseer_post) == ("吴海", "甲镇党委副书记（包村领导）")
        assert item.first_responsible == "杨秀英（甲一村党支部书记）"


# Naming a village's people ------------------------------------------------------------------------------------------


def test_the_township_names_its_villages_people_and_the_event_records_them(world: World, township_user: User) -> None:
    _drop_people(world)
    people = actions.set_village_responsibility(world.village_a1, **PEOPLE, actor=township_user)
    assert people.complete and people.updated_by == township_user
    event = event_of(people, "rectification.village_responsibility_set")
    assert event.actor == township_user
    assert not event.before
    after = after_of(event)
    assert after["first_name"] == "杨秀英" and after["overseer_name"] == "吴海"
    assert after["items_filled"] == []


def test_the_office_changes_a_villages_people_and_the_open_items_lacking_them_get_them(
    world: World, office: User
) -> None:
    lacking = ledger_item(world.round, world.village_a1)
    named = ledger_item(world.round, world.village_a1, first_responsible_name="张三", overseer_name="李四")
    closed = ledger_item(world.round, world.village_a1, status=LedgerItem.Status.CLOSED)
    people = actions.set_village_responsibility(world.village_a1, **PEOPLE, actor=office)
    for item in (lacking, named, closed):
        item.refresh_from_db()
    assert (lacking.first_responsible_name, lacking.overseer_name) == ("杨秀英", "吴海")
    assert (named.first_responsible_name, named.overseer_name) == ("张三", "李四")
    assert closed.first_responsible_name == ""
    event = event_of(people, "rectification.village_responsibility_set")
    assert before_of(event)["first_name"] == "李明"
    assert after_of(event)["items_filled"] == [lacking.number]


@pytest.mark.parametrize("who", ["village_user", "township_b_user", "leader", "outsider"])
def test_others_cannot_name_a_villages_people(world: World, who: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        actions.set_village_responsibility(world.village_a1, **PEOPLE, actor=user)
    assert VillageResponsibility.objects.get(village=world.village_a1).first_name == "李明"


def test_both_names_are_required(world: World, office: User) -> None:
    with pytest.raises(Conflict):
        actions.set_village_responsibility(world.village_a1, **{**PEOPLE, "overseer_name": "  "}, actor=office)


def test_people_are_named_for_villages_only(world: World, office: User) -> None:
    with pytest.raises(Conflict):
        actions.set_village_responsibility(world.township_a, **PEOPLE, actor=office)


# Naming one item's people -------------------------------------------------------------------------------------------


def test_the_overseeing_township_names_one_items_people(world: World, township_user: User) -> None:
    item = ledger_item(world.round, world.village_a1, first_responsible_name="李明")
    actions.set_item_responsibility(item, **PEOPLE, actor=township_user)
    item.refresh_from_db()
    assert (item.first_responsible_name, item.overseer_name) == ("杨秀英", "吴海")
    event = event_of(item, "rectification.item_responsibility_set")
    assert before_of(event)["first_responsible_name"] == "李明"
    assert after_of(event)["overseer_post"] == "甲镇党委副书记（包村领导）"


@pytest.mark.parametrize("who", ["village_user", "township_b_user", "leader"])
def test_others_cannot_name_an_items_people(world: World, who: str, request: pytest.FixtureRequest) -> None:
    item = ledger_item(world.round, world.village_a1)
    with pytest.raises(PermissionDenied):
        actions.set_item_responsibility(item, **PEOPLE, actor=request.getfixturevalue(who))


def test_the_system_names_an_items_people(world: World) -> None:
    item = ledger_item(world.round, world.village_a1)
    actions.set_item_responsibility(item, **PEOPLE, actor=SYSTEM)
    assert LedgerItem.objects.get(pk=item.pk).overseer_name == "吴海"


# Scope --------------------------------------------------------------------------------------------------------------


def test_the_villages_people_are_read_within_scope(
    world: World, office: User, township_user: User, village_user: User, township_b_user: User, outsider: User
) -> None:
    def seen(user: User) -> set[str]:
        return set(VillageResponsibility.objects.visible_to(user).values_list("village__code", flat=True))

    county = {world.village_a1.code, world.village_a2.code, world.community_a.code, world.village_b1.code}
    assert seen(office) == county
    assert seen(township_user) == {world.village_a1.code, world.village_a2.code, world.community_a.code}
    assert seen(village_user) == {world.village_a1.code}
    assert seen(township_b_user) == {world.village_b1.code}
    assert seen(outsider) == {world.other_village.code}  # the office of the other county


# Reading the free text ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("李明（村党支部书记）", ("李明", "村党支部书记")),
        ("李明(村党支部书记)", ("李明", "村党支部书记")),
        ("村党支部书记 李明", ("李明", "村党支部书记")),
        ("村党支部书记：李明", ("李明", "村党支部书记")),
        ("王建华", ("王建华", "")),
        ("王书记", None),
        ("村党支部书记、村委会主任", None),
        ("李明、王芳", None),
        ("", None),
    ],
)
def test_free_text_leaders_parse_into_name_and_post(text: str, expected: tuple[str, str] | None) -> None:
    assert parse_person(text) == expected
    migration = importlib.import_module("xuncha.rectification.migrations.0008_responsibility_from_text")
    assert migration.parse(text) == expected


def test_the_round_must_allow_feedback_before_the_people_matter(world: World, reported: Reported, office: User) -> None:
    """A round still stationed refuses for its stage, whatever the people."""
    _drop_people(world)
    set_round(world, Round.Status.STATIONED)
    with pytest.raises(TransitionNotAllowed, match="after the groups report"):
        actions.publish_feedback(world.round, world.village_a1, actor=office)
