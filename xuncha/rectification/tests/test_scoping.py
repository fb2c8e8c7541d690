"""Who sees which lists, feedbacks, ledger items and return visits: ``visible_to`` as a matrix over personas,
before and after publication.

The scene is round 4 after stationing (``reported_round``): every village's individual list is built and a
common item names 甲一村, 甲二村 and 乙一村. Before publication that is all. After it, 甲一村 (甲镇) and 乙一村
(乙镇) have been fed back, 甲二村 and 甲社区 not yet; the office and groups 3 and 5 have planned return visits.
兴安县, the outsider's county, has its own fed-back item and visit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.conftest import World
from xuncha.inspections.models import InspectionGroup, Round
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, TermFactory, assign, member
from xuncha.rectification import actions
from xuncha.rectification.models import Feedback, LedgerItem, ProblemList, ReturnVisit
from xuncha.rectification.tests.factories import (
    common_item,
    ledger_item,
    publish,
    reported_round,
    township_person,
    village_person,
    visit,
)

MODELS: dict[str, type[Any]] = {
    "list": ProblemList,
    "feedback": Feedback,
    "item": LedgerItem,
    "visit": ReturnVisit,
}
NOTHING: dict[str, set[str]] = {model: set() for model in MODELS}
ROUND4_LISTS = {"list_a1", "list_a2", "list_ca", "list_b1", "common"}
OUTSIDER = {"list": {"x_list"}, "feedback": {"x_feedback"}, "item": {"x_item"}, "visit": {"x_visit"}}
PERSONAS = [
    "office",
    "office_lead",
    "leader",
    "discipline",
    "group_leader",
    "group_member",
    "group5_member",
    "township_user",
    "township_b_user",
    "village_user",
    "village_a2_user",
    "village_b1_user",
    "outsider",
    "auditor",
    "sysadmin",
    "nobody",
    "anonymous",
]

# Before publication: the office and county leaders see the lists being built, a group the lists of the villages
# it inspected (group 3 甲一村, group 5 乙一村) and the round's common list; townships and villages nothing at all.
BEFORE: dict[str, dict[str, set[str]]] = {
    **{name: NOTHING for name in PERSONAS},
    "office": {**NOTHING, "list": ROUND4_LISTS},
    "office_lead": {**NOTHING, "list": ROUND4_LISTS},
    "leader": {**NOTHING, "list": ROUND4_LISTS},
    "group_leader": {**NOTHING, "list": {"list_a1", "common"}},
    "group_member": {**NOTHING, "list": {"list_a1", "common"}},
    "group5_member": {**NOTHING, "list": {"list_b1", "common"}},
    "outsider": OUTSIDER,
}

ALL_ITEMS = {"item_a1_own", "item_a1_common", "item_b1_own", "item_b1_common"}
JIA_YI = {
    "list": {"list_a1", "common"},
    "feedback": {"feedback_a1"},
    "item": {"item_a1_own", "item_a1_common"},
    "visit": {"visit_a1_office", "visit_a1_group3"},
}
YI_YI = {
    "list": {"list_b1", "common"},
    "feedback": {"feedback_b1"},
    "item": {"item_b1_own", "item_b1_common"},
    "visit": {"visit_b1_group5"},
}
ROUND4 = {"list": ROUND4_LISTS, "feedback": {"feedback_a1", "feedback_b1"}, "item": ALL_ITEMS}
# After publication: the county sees everything of its round; a group, like a township or village, the list,
# feedback and items of the villages it inspected and the common list, but only the visits it planned; a township or
# village what was fed back to it (its list, the common list, its feedback and items) and the visits to it; 甲二村,
# named on the common item but not yet fed back, nothing.
AFTER: dict[str, dict[str, set[str]]] = {
    **{name: NOTHING for name in PERSONAS},
    "office": {**ROUND4, "visit": {"visit_a1_office", "visit_a1_group3", "visit_b1_group5"}},
    "office_lead": {**ROUND4, "visit": {"visit_a1_office", "visit_a1_group3", "visit_b1_group5"}},
    "leader": {**ROUND4, "visit": {"visit_a1_office", "visit_a1_group3", "visit_b1_group5"}},
    "group_leader": {**JIA_YI, "visit": {"visit_a1_group3"}},
    "group_member": {**JIA_YI, "visit": {"visit_a1_group3"}},
    "group5_member": {**YI_YI, "visit": {"visit_b1_group5"}},
    "township_user": JIA_YI,
    "village_user": JIA_YI,
    "township_b_user": YI_YI,
    "village_b1_user": YI_YI,
    "outsider": OUTSIDER,
}


@dataclass
class Scene:
    objects: dict[str, Model]
    people: dict[str, Any]

    def names(self, found: Iterable[Model]) -> set[str]:
        by_key = {(type(obj), obj.pk): name for name, obj in self.objects.items()}
        return {by_key.get((type(obj), obj.pk), f"unexpected {obj!r}") for obj in found}


def _group5(round_: Round) -> InspectionGroup:
    return InspectionGroup.objects.get(round=round_, number=5)


def _outsider_county(world: World, outsider: User) -> dict[str, Model]:
    """兴安县's round 4, rectifying: one item of 丙一村, fed back, and a visit planned by its office."""
    term = TermFactory.create(county=world.other_county, number=15)
    round_ = RoundFactory.create(term=term, number=4, status=Round.Status.RECTIFYING)
    assign(GroupFactory.create(round=round_, number=1), [world.other_village])
    item = ledger_item(round_, world.other_village)
    return {
        "x_list": item.feedback.individual_list,
        "x_feedback": item.feedback,
        "x_item": item,
        "x_visit": visit(world.other_village, [item], outsider),
    }


def _scene(world: World, office: User, outsider: User, *, published: bool) -> Scene:
    reported = reported_round(world)
    shared = common_item(reported, [world.village_a1, world.village_a2, world.village_b1], office)
    lists = {
        name: actions.build_individual_list(reported.round, village, actor=office)
        for name, village in [
            ("list_a1", world.village_a1),
            ("list_a2", world.village_a2),
            ("list_ca", world.community_a),
            ("list_b1", world.village_b1),
        ]
    }
    objects: dict[str, Model] = {**lists, "common": shared.problem_list, **_outsider_county(world, outsider)}
    group5_member = UserFactory.create(username="group5_member")
    grant(group5_member, Role.GROUP_MEMBER, world.county)
    member(_group5(reported.round), group5_member)
    items: dict[str, LedgerItem] = {}
    if published:
        for key, village in [("a1", world.village_a1), ("b1", world.village_b1)]:
            feedback = publish(reported.round, village, office)
            objects[f"feedback_{key}"] = feedback
            items[f"item_{key}_own"] = feedback.items.get(problem__isnull=False)
            items[f"item_{key}_common"] = feedback.items.get(common_item=shared)
        objects.update(items)
        a1_items = [items["item_a1_own"], items["item_a1_common"]]
        objects["visit_a1_office"] = visit(world.village_a1, a1_items, office)
        objects["visit_a1_group3"] = visit(
            world.village_a1, a1_items, office, planned_by_group=world.group, planned_on=date(2024, 3, 6)
        )
        objects["visit_b1_group5"] = visit(
            world.village_b1, [items["item_b1_own"]], office, planned_by_group=_group5(reported.round)
        )
    people = {
        "group5_member": group5_member,
        "township_b_user": township_person(world.township_b, "township_b"),
        "village_a2_user": village_person(world.village_a2, "village_a2"),
        "village_b1_user": village_person(world.village_b1, "village_b1"),
        "anonymous": AnonymousUser(),
    }
    return Scene(objects, people)


def user_of(request: pytest.FixtureRequest, scene: Scene, name: str) -> Any:
    return scene.people[name] if name in scene.people else request.getfixturevalue(name)


def seen(scene: Scene, user: Any) -> dict[str, set[str]]:
    return {name: scene.names(model.objects.visible_to(user)) for name, model in MODELS.items()}


@pytest.fixture
def before(world: World, office: User, outsider: User) -> Scene:
    return _scene(world, office, outsider, published=False)


@pytest.fixture
def after(world: World, office: User, outsider: User) -> Scene:
    return _scene(world, office, outsider, published=True)


def test_the_matrix_names_every_persona() -> None:
    assert set(BEFORE) == set(AFTER) == set(PERSONAS)


@pytest.mark.parametrize("name", PERSONAS)
def test_before_publication(before: Scene, request: pytest.FixtureRequest, name: str) -> None:
    """Nothing of the round reaches a township or village before its feedback is published."""
    assert seen(before, user_of(request, before, name)) == BEFORE[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_after_publication(after: Scene, request: pytest.FixtureRequest, name: str) -> None:
    assert seen(after, user_of(request, after, name)) == AFTER[name]


def test_an_inactive_account_sees_nothing(after: Scene, office: User) -> None:
    """A township cadre whose account was switched off sees nothing, grants notwithstanding."""
    cadre = township_person(after.objects["list_a1"].village.parent, "retired_cadre")  # type: ignore[attr-defined]
    cadre.is_active = False
    cadre.save(update_fields=["is_active"])

    assert seen(after, User.objects.get(pk=cadre.pk)) == NOTHING


def test_visible_to_returns_each_row_once(after: Scene, office: User, township_user: User) -> None:
    """Joins through feedbacks and groups do not repeat rows (the common list is fed back to two villages)."""
    for user in (office, township_user):
        for model in MODELS.values():
            rows = list(model.objects.visible_to(user).values_list("pk", flat=True))
            assert len(rows) == len(set(rows))
