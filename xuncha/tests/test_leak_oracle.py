"""The leak oracle's markers of the round's own work (leak_oracle.py): talk records, report drafts,
group meetings' and gates' minutes and separate feedback, each forbidden to whoever its model's scope keeps out."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from xuncha.accounts.models import Role, User
from xuncha.conftest import World, _person
from xuncha.fieldwork.tests.factories import PERSON, TRANSCRIPT, record_talk
from xuncha.inspections.models import Membership, Round
from xuncha.inspections.tests.factories import GroupFactory, assign, member
from xuncha.rectification.tests.factories import confirmed_problem
from xuncha.reporting import actions as reporting_actions
from xuncha.reporting.models import Gate, Report
from xuncha.tests.leak_oracle import Kind, Oracle, _markers

SEPARATE_POINTS = "向村党支部书记单独指出：鱼塘承包费未公开负有直接责任。"
MEETING_MINUTES = "甲一村组务会逐条审议问题底稿并予以确认。"
GATE_MINUTES = "甲一村巡察组召开组务会逐段审议巡察报告初稿。"


def _forbidden(reader: User | None, kind: Kind) -> set[str]:
    oracle = Oracle.build()
    return {marker.text for marker in oracle.forbidden(reader or AnonymousUser()) if marker.kind == kind}


def _texts(kind: Kind) -> set[str]:
    return {marker.text for marker in Oracle.build().markers if marker.kind == kind}


@pytest.fixture
def other_leader(world: World) -> User:
    """The leader of 第四巡察组, which inspects 乙一村 in the same round."""
    group4 = GroupFactory.create(round=world.round, number=4)
    assign(group4, [world.village_b1])
    user = _person("group4_leader", Role.GROUP_LEADER, world.county)
    member(group4, user, Membership.GroupRole.LEADER)
    return user


@pytest.fixture
def report(world: World, group_member: User) -> Report:
    """Round 4 reporting, 甲一村 with a confirmed paper, 第三巡察组's report drafted."""
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.REPORTING)
    world.round.refresh_from_db()
    confirmed_problem(world.round, world.village_a1, category="FINANCE")
    return reporting_actions.draft_report(world.round, assignment=world.assignment, actor=group_member)


def test_a_talk_is_forbidden_outside_the_group_and_the_director(
    world: World,
    group_leader: User,
    group_member: User,
    office: User,
    office_lead: User,
    township_user: User,
    village_user: User,
    leader: User,
    other_leader: User,
) -> None:
    """The 笔录's words and the interviewee's name are markers of the talk, readable by the group and the office
    director only (the office counts talks but does not read them)."""
    record_talk(world.assignment, group_member, [group_leader, group_member])
    markers = _texts(Kind.TALK)
    assert PERSON in markers
    assert any(text in TRANSCRIPT for text in markers - {PERSON})
    for reader in (office, township_user, village_user, leader, other_leader, None):
        assert _forbidden(reader, Kind.TALK) == markers, reader
    for reader in (group_leader, group_member, office_lead):
        assert _forbidden(reader, Kind.TALK) == set(), reader


def test_an_interviewee_named_like_an_account_is_no_marker(
    world: World, group_leader: User, group_member: User
) -> None:
    """Pages show accounts' names: an interviewee who shares one is not told apart by the name."""
    User.objects.filter(pk=group_leader.pk).update(display_name=PERSON)
    record_talk(world.assignment, group_member, [group_leader, group_member])
    assert PERSON not in _texts(Kind.TALK)
    assert _texts(Kind.TALK)


def test_a_drafts_dates_are_no_marker(report: Report) -> None:
    """The feedback documents print the stationing dates too: a draft's marker is a piece of words alone."""
    assert _texts(Kind.DRAFT)
    assert not any(character.isdigit() for text in _texts(Kind.DRAFT) for character in text)


def test_a_draft_is_forbidden_to_townships_and_to_leaders_until_approved(
    report: Report,
    group_leader: User,
    group_member: User,
    office: User,
    township_user: User,
    leader: User,
    other_leader: User,
) -> None:
    """A report version's words are forbidden to all but the group and the office; once the report passes its last
    gate, the county leader reads its text, and its words with it."""
    markers = _texts(Kind.DRAFT)
    assert markers and all(text in report.text for text in markers)
    for reader in (township_user, leader, other_leader, None):
        assert _forbidden(reader, Kind.DRAFT) == markers, reader
    for reader in (group_member, office):
        assert _forbidden(reader, Kind.DRAFT) == set(), reader
    Report.objects.filter(pk=report.pk).update(status=Report.Status.APPROVED)
    assert _forbidden(leader, Kind.DRAFT) == set()
    assert _forbidden(township_user, Kind.DRAFT) == markers


def test_a_draft_piece_is_never_a_published_text() -> None:
    """With ``unique``, a text made only of published pieces (a phenomenon the lists carry) yields no marker;
    without, the first piece stands for it."""
    phenomenon = "村级财务票据管理不规范，部分凭证缺少经办人签字。"
    assert _markers(Kind.DRAFT, {1: [phenomenon]}, {1: "#1"}, context=[phenomenon], unique=True) == []
    assert [marker.text for marker in _markers(Kind.DRAFT, {1: [phenomenon]}, {1: "#1"}, context=[phenomenon])] == [
        phenomenon[:12]
    ]
    draft = "典型案例：" + phenomenon
    (marker,) = _markers(Kind.DRAFT, {1: [draft]}, {1: "#1"}, context=[phenomenon], unique=True)
    assert marker.text not in phenomenon


def test_minutes_are_forbidden_to_another_group_and_to_the_township(
    world: World,
    report: Report,
    group_leader: User,
    group_member: User,
    office: User,
    township_user: User,
    leader: User,
    other_leader: User,
) -> None:
    """A group meeting's minutes and a gate's minutes are the group's and the office's."""
    reporting_actions.hold_group_meeting(
        world.assignment,
        held_on=timezone.localdate(),
        attendees=[group_leader, group_member],
        minutes=MEETING_MINUTES,
        problems=[],
        actor=group_leader,
    )
    reporting_actions.record_gate(
        report,
        Gate.Kind.GROUP_MEETING,
        decision=Gate.Decision.PASSED,
        held_on=timezone.localdate(),
        minutes=GATE_MINUTES,
        actor=group_leader,
    )
    assert _texts(Kind.MEETING) == {MEETING_MINUTES[:12]}
    assert _texts(Kind.GATE) == {GATE_MINUTES[:12]}
    for reader in (township_user, leader, other_leader, None):
        assert _forbidden(reader, Kind.MEETING) == {MEETING_MINUTES[:12]}, reader
        assert _forbidden(reader, Kind.GATE) == {GATE_MINUTES[:12]}, reader
    for reader in (group_member, office):
        assert _forbidden(reader, Kind.MEETING) | _forbidden(reader, Kind.GATE) == set(), reader


def test_separate_feedback_is_forbidden_but_to_the_director_and_the_group_leader(
    world: World,
    group_leader: User,
    group_member: User,
    office: User,
    office_lead: User,
    township_user: User,
    village_user: User,
) -> None:
    """The points of an art. 26 separate feedback and whom it was given to are read by the office director and the
    group's leader only: not by the group's members, not by the office's staff."""
    reporting_actions.give_separate_feedback(
        world.assignment,
        world.village_a1,
        given_on=timezone.localdate(),
        person="王大山，甲一村党支部书记",
        points=SEPARATE_POINTS,
        actor=group_leader,
    )
    markers = _texts(Kind.SEPARATE)
    assert markers == {SEPARATE_POINTS[:12], "王大山，甲一村党支部书记"}
    for reader in (group_member, office, township_user, village_user, None):
        assert _forbidden(reader, Kind.SEPARATE) == markers, reader
    for reader in (group_leader, office_lead):
        assert _forbidden(reader, Kind.SEPARATE) == set(), reader
