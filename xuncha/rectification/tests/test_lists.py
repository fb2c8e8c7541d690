"""The two lists: a village's individual list (个性清单) built from its confirmed problems, and the round's common
list (共性清单) whose items are built from problems of several villages and name every village they apply to.

The scene is round 4 after stationing (``reported_round``): four villages with two confirmed problems each.
"""

from __future__ import annotations

import pytest

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import User
from xuncha.audit.actions import WITHHELD
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.findings.models import Category, FixType, Problem
from xuncha.findings.tests.factories import ProblemFactory, persona
from xuncha.inspections.models import Round
from xuncha.inspections.tests.factories import GroupFactory, RoundFactory, assign
from xuncha.organisations.tests import factories as units
from xuncha.rectification import actions
from xuncha.rectification.models import CommonItem, ListEntry, ProblemList
from xuncha.rectification.tests.factories import (
    Reported,
    after_of,
    common_item,
    confirmed_problem,
    event_of,
    publish,
    reported_round,
    set_round,
)

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
NOT_FEEDBACK_TIME = [Round.Status.PLANNED, Round.Status.STATIONED, Round.Status.CLOSED]
FEEDBACK_TIME = [Round.Status.REPORTING, Round.Status.FEEDBACK, Round.Status.RECTIFYING]
SHARED = "村务公开不及时、不规范，财务收支未按季度公开。"


@pytest.fixture
def reported(world: World) -> Reported:
    return reported_round(world)


def serials(problem_list: ProblemList) -> list[str]:
    return sorted(problem_list.entries.values_list("problem__serial", flat=True))


# build_individual_list


def test_build_individual_list_takes_the_villages_confirmed_problems(
    world: World, reported: Reported, office: User
) -> None:
    """甲一村's list holds its two confirmed problems — not its drafts or discarded papers, not other villages'
    problems, not its problems of another round; the event names what was added."""
    ProblemFactory.create(assignment=world.assignment, status=Problem.Status.DRAFT)
    ProblemFactory.create(assignment=world.assignment, status=Problem.Status.DISCARDED)
    round5 = RoundFactory.create(term=world.term, number=5, status=Round.Status.REPORTING)
    assign(GroupFactory.create(round=round5, number=1), [world.village_a1])
    confirmed_problem(round5, world.village_a1)
    expected = sorted(problem.serial for problem in reported.of(world.village_a1))

    problem_list = actions.build_individual_list(reported.round, world.village_a1, actor=office)

    assert (problem_list.round, problem_list.kind, problem_list.village) == (
        reported.round,
        ProblemList.Kind.INDIVIDUAL,
        world.village_a1,
    )
    assert problem_list.created_by == office
    assert serials(problem_list) == expected
    event = event_of(problem_list, "rectification.list_built")
    assert (event.actor, event.unit) == (office, world.village_a1)
    assert event.after == {"added": expected, "entries": 2}


def test_build_individual_list_brings_the_list_up_to_date(world: World, reported: Reported, office: User) -> None:
    """Built again before feedback, the same list takes in problems confirmed since, and the event names only
    those."""
    first = actions.build_individual_list(reported.round, world.village_a1, actor=office)
    late = confirmed_problem(reported.round, world.village_a1)

    again = actions.build_individual_list(reported.round, world.village_a1, actor=office)

    assert again.pk == first.pk
    assert ProblemList.objects.count() == 1
    assert late.serial in serials(again)
    assert again.entries.count() == 3
    events = Event.objects.filter(verb="rectification.list_built").order_by("seq")
    assert [after_of(event)["added"] for event in events][1] == [late.serial]


def test_build_individual_list_refuses_a_village_already_fed_back(
    world: World, reported: Reported, office: User
) -> None:
    """Once fed back, the list is what the village received: it is not rebuilt."""
    publish(reported.round, world.village_a2, office)
    confirmed_problem(reported.round, world.village_a2)
    events = Event.objects.count()

    with pytest.raises(TransitionNotAllowed):
        actions.build_individual_list(reported.round, world.village_a2, actor=office)

    assert ListEntry.objects.filter(problem_list__village=world.village_a2).count() == 2
    assert Event.objects.count() == events


@pytest.mark.parametrize("village", ["other_village", "township_a"])
def test_build_individual_list_refuses_a_unit_the_round_did_not_inspect(
    world: World, reported: Reported, office: User, village: str
) -> None:
    """Only villages that the round's assignments cover get a list."""
    with pytest.raises(Conflict):
        actions.build_individual_list(reported.round, getattr(world, village), actor=office)

    assert not ProblemList.objects.exists()


@pytest.mark.parametrize("status", NOT_FEEDBACK_TIME)
def test_build_individual_list_refuses_before_reporting_or_after_closing(
    world: World, reported: Reported, office: User, status: str
) -> None:
    """Lists are built after the groups report and until the round is closed."""
    round_ = set_round(world, status)

    with pytest.raises(TransitionNotAllowed):
        actions.build_individual_list(round_, world.village_a1, actor=office)

    assert not ProblemList.objects.exists()


@pytest.mark.parametrize("status", FEEDBACK_TIME)
def test_build_individual_list_is_allowed_from_reporting_to_rectifying(
    world: World, reported: Reported, office: User, status: str
) -> None:
    round_ = set_round(world, status)

    assert actions.build_individual_list(round_, world.village_a1, actor=office).entries.count() == 2


@pytest.mark.parametrize("name", NOT_THE_OFFICE)
def test_build_individual_list_is_refused_to_everyone_but_the_office(
    world: World, reported: Reported, request: pytest.FixtureRequest, name: str
) -> None:
    """Groups report; the county's office (not another county's) builds the lists."""
    with pytest.raises(PermissionDenied):
        actions.build_individual_list(reported.round, world.village_a1, actor=persona(request, name))

    assert not ProblemList.objects.exists()
    assert not Event.objects.exists()


def test_build_individual_list_is_open_to_the_director(world: World, reported: Reported, office_lead: User) -> None:
    assert actions.build_individual_list(reported.round, world.village_a1, actor=office_lead).created_by == office_lead


def test_build_individual_list_by_the_system_is_signed_by_the_office(
    world: World, reported: Reported, office: User
) -> None:
    """A command builds the list in the name of the county's office account; the event is the system's."""
    problem_list = actions.build_individual_list(reported.round, world.village_a1, actor=SYSTEM)

    assert problem_list.created_by == office
    assert event_of(problem_list, "rectification.list_built").actor is None


def test_build_individual_list_by_the_system_needs_an_office_account(world: World, reported: Reported) -> None:
    """Without any office account in the county, the system has nobody to build the list in the name of."""
    with pytest.raises(Conflict):
        actions.build_individual_list(reported.round, world.village_a1, actor=SYSTEM)


def test_an_empty_individual_list_may_be_built(world: World, reported: Reported, office: User) -> None:
    """A village whose problems are all on the common list still gets its (empty) individual list."""
    common_item(reported, [world.village_a1, world.village_a2], office)
    common_item(
        reported,
        [world.village_a1, world.village_a2],
        office,
        problems=[
            reported.of(world.village_a1)[1],
            reported.of(world.village_a2)[1],
        ],
    )

    problem_list = actions.build_individual_list(reported.round, world.village_a1, actor=office)

    assert problem_list.entries.count() == 0


# add_common_item


def test_add_common_item_states_a_shared_problem(world: World, reported: Reported, office: User) -> None:
    """An item built from problems of 甲一村 and 乙一村 and naming 甲二村 too: it is number 1 of the round's
    common list, links the picked problems and names all three villages; the event says so."""
    picked = [reported.of(world.village_a1)[0], reported.of(world.village_b1)[0]]
    villages = [world.village_a1, world.village_b1, world.village_a2]

    item = actions.add_common_item(
        reported.round,
        text=f"  {SHARED}\n",
        category=Category.DISCLOSURE,
        fix_type=FixType.FOLLOW_UP,
        problems=picked,
        villages=villages,
        actor=office,
    )

    item.refresh_from_db()
    assert (item.number, item.text, item.category, item.fix_type) == (
        1,
        SHARED,
        Category.DISCLOSURE,
        FixType.FOLLOW_UP,
    )
    common = item.problem_list
    assert (common.round, common.kind, common.village, common.created_by) == (
        reported.round,
        ProblemList.Kind.COMMON,
        None,
        office,
    )
    assert set(item.villages.all()) == set(villages)
    assert set(item.problems.all()) == set(picked)
    event = event_of(item, "rectification.common_item_added")
    assert event.actor == office
    assert event.after == {
        "text": WITHHELD,
        "villages": [village.code for village in villages],
        "problems": [problem.serial for problem in picked],
    }


def test_common_items_are_numbered_on_one_list(world: World, reported: Reported, office: User) -> None:
    """A round has one common list; its items are numbered 1, 2, 3 in the order they are added."""
    numbers = [
        common_item(reported, [world.village_a1, world.village_a2], office).number,
        common_item(
            reported,
            [world.village_a1, world.community_a],
            office,
            problems=[reported.of(world.village_a1)[1], reported.of(world.community_a)[0]],
        ).number,
        common_item(
            reported,
            [world.village_b1, world.community_a],
            office,
            problems=[
                reported.of(world.village_b1)[0],
                reported.of(world.community_a)[1],
            ],
        ).number,
    ]

    assert numbers == [1, 2, 3]
    assert ProblemList.objects.filter(kind=ProblemList.Kind.COMMON).count() == 1


def test_picked_problems_leave_their_individual_lists(world: World, reported: Reported, office: User) -> None:
    """A problem stated on the common list is not stated again on its village's individual list: it leaves a
    list already built, and a list built afterwards does not take it."""
    a1_list = actions.build_individual_list(reported.round, world.village_a1, actor=office)
    picked_a1, kept_a1 = reported.of(world.village_a1)
    picked_a2, kept_a2 = reported.of(world.village_a2)

    common_item(reported, [world.village_a1, world.village_a2], office, problems=[picked_a1, picked_a2])
    a1_again = actions.build_individual_list(reported.round, world.village_a1, actor=office)
    a2_list = actions.build_individual_list(reported.round, world.village_a2, actor=office)

    assert serials(a1_list) == serials(a1_again) == [kept_a1.serial]
    assert serials(a2_list) == [kept_a2.serial]


def test_add_common_item_needs_problems_of_two_villages(world: World, reported: Reported, office: User) -> None:
    """Two problems of one village (or one problem picked twice) do not make a shared problem."""
    a1_first, a1_second = reported.of(world.village_a1)

    for problems in ([a1_first, a1_second], [a1_first, a1_first], [a1_first], []):
        with pytest.raises(Conflict, match="two villages"):
            common_item(reported, [world.village_a1, world.village_a2], office, problems=problems)

    assert not CommonItem.objects.exists()
    assert not Event.objects.exists()


def test_add_common_item_names_the_village_of_every_picked_problem(
    world: World, reported: Reported, office: User
) -> None:
    """A problem picked from 乙一村 makes 乙一村 one of the villages named."""
    with pytest.raises(Conflict, match="乙一村"):
        common_item(
            reported,
            [world.village_a1, world.village_a2],
            office,
            problems=[reported.of(world.village_a1)[0], reported.of(world.village_b1)[0]],
        )

    assert not CommonItem.objects.exists()


@pytest.mark.parametrize("outside", ["other_village", "uninspected"])
def test_add_common_item_names_only_villages_of_the_round(
    world: World, reported: Reported, office: User, outside: str
) -> None:
    """A village that the round did not inspect (in the county or not) cannot be named."""
    village = (
        units.village(world.township_b, "乙二村委会", number=202) if outside == "uninspected" else world.other_village
    )

    picked = [reported.of(world.village_a1)[0], reported.of(world.village_a2)[0]]

    with pytest.raises(Conflict, match="not inspected"):
        common_item(reported, [world.village_a1, world.village_a2, village], office, problems=picked)

    assert not CommonItem.objects.exists()


def test_add_common_item_refuses_a_village_already_fed_back(world: World, reported: Reported, office: User) -> None:
    """A village that has had its feedback cannot be given a new common item."""
    publish(reported.round, world.village_a2, office)

    with pytest.raises(TransitionNotAllowed, match="甲二村"):
        common_item(
            reported,
            [world.village_a1, world.community_a, world.village_a2],
            office,
            problems=[reported.of(world.village_a1)[0], reported.of(world.community_a)[0]],
        )

    assert not CommonItem.objects.exists()


@pytest.mark.parametrize("status", [Problem.Status.DRAFT, Problem.Status.DISCARDED, Problem.Status.FED_BACK])
def test_add_common_item_takes_only_confirmed_problems(
    world: World, reported: Reported, office: User, status: str
) -> None:
    """Drafts, discarded and fed-back papers are not picked."""
    other = confirmed_problem(reported.round, world.village_a2, status=status)

    with pytest.raises(Conflict, match=other.serial.replace("[", r"\[")):
        common_item(
            reported,
            [world.village_a1, world.village_a2],
            office,
            problems=[
                reported.of(world.village_a1)[0],
                other,
            ],
        )

    assert not CommonItem.objects.exists()


def test_add_common_item_takes_only_problems_of_the_round(world: World, reported: Reported, office: User) -> None:
    """A problem of another round is not picked for this round's common list."""
    round5 = RoundFactory.create(term=world.term, number=5, status=Round.Status.REPORTING)
    assign(GroupFactory.create(round=round5, number=1), [world.village_a2])
    other = confirmed_problem(round5, world.village_a2)

    with pytest.raises(Conflict):
        common_item(
            reported,
            [world.village_a1, world.village_a2],
            office,
            problems=[
                reported.of(world.village_a1)[0],
                other,
            ],
        )

    assert not CommonItem.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("text", ""), ("text", "  \n"), ("category", "WEATHER"), ("fix_type", "NEVER")]
)
def test_add_common_item_refuses_bad_input(
    world: World, reported: Reported, office: User, field: str, value: str
) -> None:
    with pytest.raises(Conflict):
        common_item(reported, [world.village_a1, world.village_a2], office, **{field: value})

    assert not CommonItem.objects.exists()
    assert not ProblemList.objects.exists()


@pytest.mark.parametrize("status", NOT_FEEDBACK_TIME)
def test_add_common_item_refuses_before_reporting_or_after_closing(
    world: World, reported: Reported, office: User, status: str
) -> None:
    reported.round = set_round(world, status)

    with pytest.raises(TransitionNotAllowed):
        common_item(reported, [world.village_a1, world.village_a2], office)

    assert not CommonItem.objects.exists()


@pytest.mark.parametrize("name", NOT_THE_OFFICE)
def test_add_common_item_is_refused_to_everyone_but_the_office(
    world: World, reported: Reported, request: pytest.FixtureRequest, name: str
) -> None:
    with pytest.raises(PermissionDenied):
        common_item(reported, [world.village_a1, world.village_a2], persona(request, name))

    assert not CommonItem.objects.exists()
    assert not Event.objects.exists()


def test_a_problem_is_stated_on_one_common_item_only(world: World, reported: Reported, office: User) -> None:
    """A problem picked for one common item cannot be picked again for a second one."""
    common_item(reported, [world.village_a1, world.village_a2], office)

    with pytest.raises(Conflict):
        common_item(
            reported,
            [world.village_a1, world.community_a],
            office,
            problems=[reported.of(world.village_a1)[0], reported.of(world.community_a)[0]],
        )

    assert CommonItem.objects.count() == 1
