"""A sealed clue stays sealed after feedback: the working paper a clue comes from is fed back only in a wording fit
for feedback, a list that still repeats a clue is not published, and neither the township, the village, the office
clerk nor a county leader reads a clue's words on any page or endpoint (the office and leaders only learn, by a
badge, that a paper has a clue)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict
from xuncha.findings import actions as finding_actions
from xuncha.findings.models import Category, Clue, Problem
from xuncha.findings.tests.factories import record_problem
from xuncha.inspections.models import Round
from xuncha.rectification import actions
from xuncha.rectification.models import CommonItem, LedgerItem
from xuncha.reporting.tests.factories import approve_round_report

# The paper as the group first wrote it: the facts that belong on the clue.
LEAKY = "甲一村村委会主任在岩背屯道路硬化工程中涉嫌收受施工方“好处费”，群众多次反映，涉及金额约3.5万元。"
SUBJECT = "该村村委会主任"
SUMMARY = LEAKY + "该问题涉嫌违纪违法，按规定移交县纪委监委处置。"
NEUTRAL = "村委会主任在工程项目中存在廉洁风险，相关问题线索已按程序移交。"
CLUE_WORDS = ["好处费", "岩背屯道路硬化", "3.5万元", "涉嫌收受"]


def _paper(world: World, group_member: User, group_leader: User, phenomenon: str = LEAKY) -> Problem:
    problem = record_problem(world.assignment, group_member, category=Category.CORRUPTION, phenomenon=phenomenon)
    finding_actions.confirm_problem(problem, actor=group_leader)
    return problem


def _register(world: World, group_leader: User, problem: Problem, wording: str = "") -> Clue:
    return finding_actions.register_clue(
        world.assignment,
        source=Clue.Source.PROBLEM,
        subject=SUBJECT,
        summary=SUMMARY,
        receiver=Clue.Receiver.DISCIPLINE,
        problem=problem,
        actor=group_leader,
        feedback_wording=wording,
    )


def _talk_clue(world: World, group_leader: User) -> Clue:
    """A clue heard in a talk in 甲一村, registered without a working paper."""
    return finding_actions.register_clue(
        world.assignment,
        source=Clue.Source.TALK,
        subject=SUBJECT,
        summary=SUMMARY,
        receiver=Clue.Receiver.DISCIPLINE,
        village=world.village_a1,
        actor=group_leader,
    )


def _reporting(world: World) -> Round:
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.REPORTING)
    approve_round_report(world.round)
    world.round.refresh_from_db()
    return world.round


def _publish(world: World, office: User) -> None:
    round_ = _reporting(world)
    actions.build_individual_list(round_, world.village_a1, actor=office)
    actions.publish_feedback(round_, world.village_a1, actor=office)


def test_a_clue_is_not_registered_from_a_paper_that_repeats_it(
    world: World, group_member: User, group_leader: User
) -> None:
    """The demo's way — the clue's facts left in the paper that will be fed back — is refused, naming the paper."""
    problem = _paper(world, group_member, group_leader)

    with pytest.raises(Conflict, match=problem.serial.replace("[", r"\[").replace("]", r"\]")):
        _register(world, group_leader, problem)

    assert not Clue.objects.exists()
    problem.refresh_from_db()
    assert problem.phenomenon == LEAKY


def test_the_leader_gives_the_paper_a_wording_fit_for_feedback(
    world: World, group_member: User, group_leader: User
) -> None:
    """The wording replaces the paper's phenomenon (an audited edit); the facts live only on the clue."""
    problem = _paper(world, group_member, group_leader)

    clue = _register(world, group_leader, problem, NEUTRAL)

    problem.refresh_from_db()
    assert problem.phenomenon == NEUTRAL
    assert (clue.subject, clue.summary, clue.problem_id) == (SUBJECT, SUMMARY, problem.pk)


def _pages(world: World, problem: Problem) -> list[str]:
    return [
        reverse("organisations:unit-detail", args=[world.village_a1.code]),
        reverse("rectification:item-list"),
        reverse("rectification:item-list") + "?status=OPEN",
        reverse("inspections:assignment-detail", args=[world.assignment.pk]) + "?tab=problems",
        "/api/v1/lists/",
        "/api/v1/problems/",
        "/api/v1/items/",
        problem.get_absolute_url(),
        LedgerItem.objects.get(problem=problem).get_absolute_url(),
    ]


def _read(client: Client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("name", ["township_user", "village_user", "office", "leader"])
def test_nobody_but_the_clues_readers_reads_its_words_after_feedback(
    request: pytest.FixtureRequest,
    client: Client,
    world: World,
    group_member: User,
    group_leader: User,
    office: User,
    name: str,
) -> None:
    """After feedback the township and the village, the office clerk and a county leader find none of the clue's
    words on the unit page, the ledger, the assignment's problems, the paper, or the lists, problems and items
    endpoints; the clue itself stays closed to them."""
    problem = _paper(world, group_member, group_leader)
    clue = _register(world, group_leader, problem, NEUTRAL)
    _publish(world, office)
    client.force_login(request.getfixturevalue(name))

    read, shown = 0, 0
    for url in _pages(world, problem):
        status, text = _read(client, url)
        read += status == 200
        shown += NEUTRAL in text
        for word in CLUE_WORDS:
            assert word not in text, (url, word)
    assert read >= 6
    assert shown >= 4  # the paper itself is read, in its wording for feedback
    assert client.get(clue.get_absolute_url()).status_code in (403, 404)
    assert client.get(f"/api/v1/clues/{clue.pk}/").status_code in (403, 404)


@pytest.mark.parametrize(("name", "badge"), [("office", True), ("leader", True), ("township_user", False)])
def test_only_those_who_count_clues_see_that_a_paper_has_one(
    request: pytest.FixtureRequest,
    client: Client,
    world: World,
    group_member: User,
    group_leader: User,
    office: User,
    name: str,
    badge: bool,
) -> None:
    """The office and county leaders see a "has a clue" badge (and no clue text) on the paper; townships nothing."""
    problem = _paper(world, group_member, group_leader)
    _register(world, group_leader, problem, NEUTRAL)
    _publish(world, office)
    client.force_login(request.getfixturevalue(name))

    for url in [problem.get_absolute_url(), reverse("inspections:assignment-detail", args=[world.assignment.pk])]:
        status, text = _read(client, url + "?tab=problems")
        assert status == 200
        assert ('data-testid="clue-badge"' in text) is badge, url


def test_publishing_refuses_a_paper_that_repeats_a_sealed_clue(
    client: Client, world: World, group_member: User, group_leader: User, office: User
) -> None:
    """A clue heard in a talk repeats a confirmed paper of the same village and round: the feedback is refused,
    naming the paper, and the list page shows it to the office; once the office has reworded the paper through
    the paper's edit, the lists go out."""
    problem = _paper(world, group_member, group_leader)
    _talk_clue(world, group_leader)
    round_ = _reporting(world)
    problem_list = actions.build_individual_list(round_, world.village_a1, actor=office)

    with pytest.raises(Conflict) as refused:
        actions.publish_feedback(round_, world.village_a1, actor=office)
    assert problem.serial in str(refused.value)
    assert all(word not in str(refused.value) for word in CLUE_WORDS)
    client.force_login(office)
    status, page = _read(client, problem_list.get_absolute_url())
    assert status == 200
    assert 'data-testid="sealed-repeats"' in page
    assert problem.serial in page.split('data-testid="sealed-repeats"')[1]
    assert not LedgerItem.objects.exists()

    problem.refresh_from_db()
    finding_actions.update_problem(problem, {"phenomenon": NEUTRAL}, expected_version=problem.version, actor=office)
    feedback = actions.publish_feedback(round_, world.village_a1, actor=office)

    assert LedgerItem.objects.get(feedback=feedback).summary == NEUTRAL


def test_publishing_refuses_a_common_item_that_repeats_a_sealed_clue(
    world: World, group_member: User, group_leader: User, office: User
) -> None:
    """A common item naming the village is a fed-back text too."""
    from xuncha.inspections.tests.factories import assign

    second = assign(world.group, [world.village_a2])
    first_paper = _paper(world, group_member, group_leader, "村集体合同管理不规范。")
    other = record_problem(second, group_member, village=world.village_a2, phenomenon="村集体合同管理不规范。")
    finding_actions.confirm_problem(other, actor=group_leader)
    round_ = _reporting(world)
    leaky_item: dict[str, Any] = {
        "text": LEAKY,
        "category": Category.CORRUPTION,
        "fix_type": "FOLLOW_UP",
        "problems": [first_paper, other],
        "villages": [world.village_a1, world.village_a2],
    }
    # Stated before the clue was registered, the item passes; the clue registered afterwards stops the feedback.
    actions.add_common_item(round_, actor=office, **leaky_item)
    _talk_clue(world, group_leader)
    actions.build_individual_list(round_, world.village_a1, actor=office)

    with pytest.raises(Conflict, match="1"):
        actions.publish_feedback(round_, world.village_a1, actor=office)
    # 甲二村 gets the same common item: the text repeats a clue of a village it names, so it is refused there too.
    actions.build_individual_list(round_, world.village_a2, actor=office)
    with pytest.raises(Conflict):
        actions.publish_feedback(round_, world.village_a2, actor=office)


def test_a_common_item_that_repeats_a_sealed_clue_is_not_added(
    world: World, group_member: User, group_leader: User, office: User
) -> None:
    """Every village fed back reads the whole common list at once, so an item repeating a sealed clue of a village it
    names is refused when it is stated, not only when that village's feedback is published."""
    from xuncha.inspections.tests.factories import assign

    second = assign(world.group, [world.village_a2])
    first_paper = _paper(world, group_member, group_leader, "村集体合同管理不规范。")
    other = record_problem(second, group_member, village=world.village_a2, phenomenon="村集体合同管理不规范。")
    finding_actions.confirm_problem(other, actor=group_leader)
    _talk_clue(world, group_leader)
    round_ = _reporting(world)
    with pytest.raises(Conflict, match="sealed clue"):
        actions.add_common_item(
            round_,
            text=LEAKY,
            category=Category.CORRUPTION,
            fix_type="FOLLOW_UP",
            problems=[first_paper, other],
            villages=[world.village_a1, world.village_a2],
            actor=office,
        )
    assert not CommonItem.objects.exists()
