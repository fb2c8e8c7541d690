"""Group meetings, drafting, versions and comments."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.findings.models import Problem
from xuncha.findings.tests.factories import CLUE_SUBJECT, CLUE_SUMMARY
from xuncha.reporting import actions, queries
from xuncha.reporting.models import Gate, Report
from xuncha.reporting.tests.conftest import Scene


def _after(obj: object, verb: str) -> dict[str, Any]:
    """The ``after`` of the one event ``verb`` about ``obj``."""
    label = obj._meta.label_lower  # type: ignore[attr-defined]
    event = Event.objects.get(verb=verb, object_type=label, object_id=str(obj.pk))  # type: ignore[attr-defined]
    assert event.after is not None
    return dict(event.after)


def test_a_group_meeting_confirms_the_drafts_it_names_and_links_them(
    scene: Scene, group_leader: User, group_member: User
) -> None:
    meeting = actions.hold_group_meeting(
        scene.world.assignment,
        held_on=timezone.localdate(),
        attendees=[group_leader, group_member],
        minutes="组务会逐条研究问题底稿。",
        decisions="确认2个问题。",
        problems=scene.drafts,
        actor=group_leader,
    )
    for problem in scene.drafts:
        problem.refresh_from_db()
        assert problem.status == Problem.Status.CONFIRMED
        assert problem.confirmed_by == group_leader
    assert set(meeting.problems.all()) == set(scene.drafts)
    assert set(meeting.attendees.all()) == {group_leader, group_member}
    assert _after(meeting, "reporting.meeting_held")["minutes"] == "[withheld]"
    assert Event.objects.filter(verb="findings.problem_confirmed").count() == 2


def test_the_leaders_own_confirmation_still_works(scene: Scene, group_leader: User) -> None:
    from xuncha.findings import actions as findings_actions

    findings_actions.confirm_problem(scene.drafts[0], actor=group_leader)
    assert scene.drafts[0].status == Problem.Status.CONFIRMED


def test_a_group_meeting_is_the_leaders_and_has_only_members(
    scene: Scene, group_leader: User, group_member: User, office: User
) -> None:
    kwargs: dict[str, Any] = {"held_on": timezone.localdate(), "minutes": "纪要", "problems": scene.drafts}
    with pytest.raises(PermissionDenied):
        actions.hold_group_meeting(scene.world.assignment, attendees=[group_member], actor=group_member, **kwargs)
    with pytest.raises(Conflict, match="Only members"):
        actions.hold_group_meeting(scene.world.assignment, attendees=[office], actor=group_leader, **kwargs)
    assert not Problem.objects.filter(pk__in=[p.pk for p in scene.drafts], status="CONFIRMED").exists()


def test_the_draft_is_written_from_the_data_with_clues_only_as_a_count(scene: Scene) -> None:
    text = scene.report.text
    assert scene.report.version == 1 and scene.report.versions.count() == 1
    for heading in ("一、基本情况", "二、发现的主要问题", "三、意见建议", "四、问题线索"):
        assert heading in text
    assert "村级财务管理方面问题1个" in text or "财务" in text
    assert "典型案例1" in text
    assert "问题线索1件" in text
    assert scene.report.clue_count == 1
    assert CLUE_SUBJECT not in text and CLUE_SUMMARY not in text
    assert "王某某" not in text
    # Drafts are not findings yet: only the two confirmed papers are counted.
    assert "确认问题2个" in text
    assert _after(scene.report, "reporting.report_drafted")["text"] == "[withheld]"


def test_an_assignment_has_one_inspection_report(scene: Scene, group_member: User) -> None:
    with pytest.raises(Conflict):
        actions.draft_report(scene.round, assignment=scene.world.assignment, actor=group_member)


def test_the_round_report_is_the_offices(scene: Scene, office: User, group_member: User) -> None:
    with pytest.raises(PermissionDenied):
        actions.draft_report(scene.round, actor=group_member)
    report = actions.draft_report(scene.round, actor=office)
    assert report.assignment is None
    assert "派出巡察组" in report.text


def test_each_save_is_a_new_version_with_author_and_a_diff(scene: Scene, group_leader: User) -> None:
    report = scene.report
    new_text = report.text.replace("一、基本情况", "一、巡察基本情况")
    version = actions.save_report_version(report, text=new_text, expected_version=1, actor=group_leader, note="改标题")
    assert (version.number, version.author, report.version) == (2, group_leader, 2)
    assert Report.objects.get(pk=report.pk).text == new_text
    lines = queries.diff_versions(report.versions.get(number=1).text, version.text)
    assert ("removed", "一、基本情况") in [(line.kind, line.text) for line in lines]
    assert ("added", "一、巡察基本情况") in [(line.kind, line.text) for line in lines]
    assert _after(version, "reporting.version_saved")["number"] == 2
    with pytest.raises(Conflict, match="meanwhile"):
        actions.save_report_version(report, text=new_text + "。", expected_version=1, actor=group_leader)


def test_the_office_comments_on_a_version_and_the_group_does_not(
    scene: Scene, office: User, group_member: User
) -> None:
    version = scene.report.versions.get(number=1)
    comment = actions.comment_on_version(version, text="请补充典型案例。", actor=office)
    assert list(version.comments.all()) == [comment]
    assert _after(comment, "reporting.version_commented")["text"] == "[withheld]"
    with pytest.raises(PermissionDenied):
        actions.comment_on_version(version, text="自评", actor=group_member)


def test_a_report_is_not_edited_once_it_passed_the_group_meeting(scene: Scene, group_leader: User) -> None:
    actions.record_gate(
        scene.report,
        Gate.Kind.GROUP_MEETING,
        decision=Gate.Decision.PASSED,
        held_on=timezone.localdate(),
        minutes="组务会审议通过。",
        actor=group_leader,
    )
    with pytest.raises(TransitionNotAllowed):
        actions.save_report_version(scene.report, text="新文本", expected_version=1, actor=group_leader)


def test_separate_feedback_is_encrypted_and_confidential(
    world: World, scene: Scene, group_leader: User, office: User, office_lead: User
) -> None:
    from django.db import connection

    from xuncha.audit.models import AccessLog
    from xuncha.reporting.models import SeparateFeedback

    separate = actions.give_separate_feedback(
        world.assignment,
        world.village_a1,
        given_on=timezone.localdate(),
        person="李某 甲一村党支部书记",
        points="履行第一责任人职责不到位。",
        actor=group_leader,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT person, points FROM reporting_separatefeedback WHERE id = %s", [separate.pk])
        raw = cursor.fetchone()
    assert "李某" not in raw[0] and "第一责任人" not in raw[1]
    assert list(SeparateFeedback.objects.visible_to(office_lead)) == [separate]
    assert list(SeparateFeedback.objects.visible_to(group_leader)) == [separate]
    assert not SeparateFeedback.objects.visible_to(office).exists()
    with pytest.raises(PermissionDenied):
        actions.give_separate_feedback(
            world.assignment, world.village_a1, given_on=timezone.localdate(), person="x", points="y", actor=office
        )
    actions.read_separate_feedback(separate, actor=office_lead)
    assert AccessLog.objects.filter(object_id=str(separate.pk), user=office_lead).exists()
    with pytest.raises(PermissionDenied):
        actions.read_separate_feedback(separate, actor=office)
