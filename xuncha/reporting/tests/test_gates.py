"""The gates in order, and feedback only after the last one (configurable per county)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.core.exceptions import PermissionDenied, TransitionNotAllowed
from xuncha.inspections.models import Round
from xuncha.rectification import actions as rectification_actions
from xuncha.rectification.tests.factories import FED_BACK_ON
from xuncha.reporting import actions
from xuncha.reporting.models import FeedbackRule, Gate, Report
from xuncha.reporting.tests.conftest import Scene

PASSED = Gate.Decision.PASSED


def _gate(report: Report, kind: str, actor: User, decision: str = PASSED) -> Gate:
    return actions.record_gate(
        report, kind, decision=decision, held_on=timezone.localdate(), minutes="会议纪要。", actor=actor
    )


def _pass_all(report: Report, group_leader: User, office: User) -> None:
    _gate(report, Gate.Kind.GROUP_MEETING, group_leader)
    _gate(report, Gate.Kind.OFFICE_REVIEW, office)
    _gate(report, Gate.Kind.LEADING_GROUP, office)
    _gate(report, Gate.Kind.SECRETARY, office)


def test_the_gates_are_passed_in_order_to_approval(scene: Scene, group_leader: User, office: User) -> None:
    report = scene.report
    statuses = []
    for kind, actor in [
        (Gate.Kind.GROUP_MEETING, group_leader),
        (Gate.Kind.OFFICE_REVIEW, office),
        (Gate.Kind.LEADING_GROUP, office),
        (Gate.Kind.SECRETARY, office),
    ]:
        _gate(report, kind, actor)
        statuses.append(Report.objects.get(pk=report.pk).status)
    assert statuses == ["OFFICE_REVIEW", "LEADING_GROUP", "SECRETARY", "APPROVED"]
    assert report.approved_on == timezone.localdate()
    assert list(report.gates.values_list("kind", flat=True)) == [
        "GROUP_MEETING",
        "OFFICE_REVIEW",
        "LEADING_GROUP",
        "SECRETARY",
    ]
    gate = Event.objects.filter(verb="reporting.gate_passed").order_by("seq").last()
    assert gate is not None and gate.after is not None
    assert (gate.object_type, gate.after["kind"]) == ("reporting.gate", "SECRETARY")
    assert gate.after["minutes"] == "[withheld]"
    moved = Event.objects.filter(verb="reporting.report_moved").order_by("seq").last()
    assert moved is not None
    assert (moved.before, moved.after) == ({"status": "SECRETARY"}, {"status": "APPROVED"})


@pytest.mark.parametrize("kind", [Gate.Kind.OFFICE_REVIEW, Gate.Kind.LEADING_GROUP, Gate.Kind.SECRETARY])
def test_a_gate_cannot_be_skipped(scene: Scene, office: User, kind: str) -> None:
    with pytest.raises(TransitionNotAllowed, match="waits for the Group meeting"):
        _gate(scene.report, kind, office)
    assert not scene.report.gates.exists()
    assert Report.objects.get(pk=scene.report.pk).status == Report.Status.DRAFT


def test_a_gate_is_not_held_twice_nor_after_approval(scene: Scene, group_leader: User, office: User) -> None:
    _gate(scene.report, Gate.Kind.GROUP_MEETING, group_leader)
    with pytest.raises(TransitionNotAllowed, match="Office review"):
        _gate(scene.report, Gate.Kind.GROUP_MEETING, group_leader)
    _gate(scene.report, Gate.Kind.OFFICE_REVIEW, office)
    _gate(scene.report, Gate.Kind.LEADING_GROUP, office)
    _gate(scene.report, Gate.Kind.SECRETARY, office)
    with pytest.raises(TransitionNotAllowed, match="every gate"):
        _gate(scene.report, Gate.Kind.SECRETARY, office)


def test_a_returned_report_goes_back_to_drafting_and_through_every_gate_again(
    scene: Scene, group_leader: User, office: User
) -> None:
    _gate(scene.report, Gate.Kind.GROUP_MEETING, group_leader)
    _gate(scene.report, Gate.Kind.OFFICE_REVIEW, office, decision=Gate.Decision.RETURNED)
    assert scene.report.status == Report.Status.DRAFT
    assert Event.objects.filter(verb="reporting.gate_returned").count() == 1
    actions.save_report_version(
        scene.report, text=scene.report.text + "\n补充。", expected_version=1, actor=group_leader
    )
    with pytest.raises(TransitionNotAllowed):
        _gate(scene.report, Gate.Kind.OFFICE_REVIEW, office)
    _gate(scene.report, Gate.Kind.GROUP_MEETING, group_leader)
    assert scene.report.gates.last().version == 2  # type: ignore[union-attr]


def test_each_gate_has_its_keeper(scene: Scene, group_leader: User, group_member: User, office: User) -> None:
    with pytest.raises(PermissionDenied):
        _gate(scene.report, Gate.Kind.GROUP_MEETING, group_member)
    _gate(scene.report, Gate.Kind.GROUP_MEETING, group_leader)
    with pytest.raises(PermissionDenied):
        _gate(scene.report, Gate.Kind.OFFICE_REVIEW, group_leader)


def _ready_for_feedback(scene: Scene, office: User) -> None:
    round_ = scene.round
    rectification_actions.build_individual_list(round_, scene.world.village_a1, actor=office)


def test_feedback_is_refused_before_the_last_gate_and_allowed_after(
    scene: Scene, group_leader: User, office: User
) -> None:
    _ready_for_feedback(scene, office)
    village = scene.world.village_a1
    _gate(scene.report, Gate.Kind.GROUP_MEETING, group_leader)
    _gate(scene.report, Gate.Kind.OFFICE_REVIEW, office)
    _gate(scene.report, Gate.Kind.LEADING_GROUP, office)
    with pytest.raises(TransitionNotAllowed, match="secretary's special meeting"):
        rectification_actions.publish_feedback(scene.round, village, actor=office, fed_back_on=FED_BACK_ON)
    _gate(scene.report, Gate.Kind.SECRETARY, office)
    feedback = rectification_actions.publish_feedback(scene.round, village, actor=office, fed_back_on=FED_BACK_ON)
    assert feedback.village == village
    assert Round.objects.get(pk=scene.round.pk).status == Round.Status.FEEDBACK


def test_another_assignments_approved_report_does_not_open_feedback(
    scene: Scene, group_leader: User, office: User, other_leader: User
) -> None:
    """Only a report covering the village counts: the round's, or its own assignment's."""
    from xuncha.inspections.models import Assignment

    _ready_for_feedback(scene, office)
    other = Assignment.objects.get(round=scene.round, group__number=4)
    other_report = actions.draft_report(scene.round, assignment=other, actor=other_leader)
    _pass_all_other = [
        (Gate.Kind.GROUP_MEETING, other_leader),
        (Gate.Kind.OFFICE_REVIEW, office),
        (Gate.Kind.LEADING_GROUP, office),
        (Gate.Kind.SECRETARY, office),
    ]
    for kind, actor in _pass_all_other:
        _gate(other_report, kind, actor)
    with pytest.raises(TransitionNotAllowed):
        rectification_actions.publish_feedback(
            scene.round, scene.world.village_a1, actor=office, fed_back_on=FED_BACK_ON
        )


def test_a_county_may_feed_back_without_the_gates(
    scene: Scene, office: User, office_lead: User, group_leader: User
) -> None:
    _ready_for_feedback(scene, office)
    with pytest.raises(PermissionDenied):
        actions.set_feedback_rule(scene.round, needs_approved_report=False, actor=office)
    rule = actions.set_feedback_rule(scene.round, needs_approved_report=False, actor=office_lead)
    assert Event.objects.filter(verb="reporting.feedback_rule_set", object_id=str(rule.pk)).exists()
    feedback = rectification_actions.publish_feedback(
        scene.round, scene.world.village_a1, actor=office, fed_back_on=FED_BACK_ON
    )
    assert feedback.pk


def test_the_instance_setting_is_the_default_and_a_county_rule_overrides_it(
    scene: Scene, office: User, settings: pytest.FixtureRequest
) -> None:
    from xuncha.reporting.queries import needs_approved_report

    county = scene.round.term.county
    assert needs_approved_report(county) is True
    settings.XUNCHA_FEEDBACK_NEEDS_APPROVED_REPORT = False  # type: ignore[attr-defined]
    assert needs_approved_report(county) is False
    FeedbackRule.objects.create(county=county, needs_approved_report=True)
    assert needs_approved_report(county) is True
