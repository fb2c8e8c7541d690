"""Work plans: drafted and edited by the office, submitted, approved or returned by the director (never the drafter)."""

from __future__ import annotations

import pytest

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.planning import actions
from xuncha.planning.models import WorkPlan
from xuncha.planning.tests.factories import approved_plan, draft_plan

pytestmark = pytest.mark.django_db


def _verbs(plan: WorkPlan) -> list[str]:
    return list(Event.objects.for_object(plan).order_by("seq").values_list("verb", flat=True))


def test_the_office_drafts_a_plan_with_focus_in_the_taxonomys_order_and_a_schedule(world: World, office: User) -> None:
    plan = draft_plan(world, office, focus=["ASSETS", "FINANCE", "ASSETS"])
    assert plan.status == WorkPlan.Status.DRAFT
    assert plan.focus == ["ASSETS", "FINANCE"]
    assert [stage.kind for stage in plan.stages.all()] == ["STATIONING", "TALKS", "REPORT"]
    assert plan.title == "第三巡察组巡察甲一村工作方案"
    assert _verbs(plan) == ["planning.plan_drafted"]


def test_a_plan_is_submitted_then_approved_by_the_director(world: World, office: User, office_lead: User) -> None:
    plan = approved_plan(world, office, office_lead)
    assert (plan.status, plan.decided_by) == (WorkPlan.Status.APPROVED, office_lead)
    assert _verbs(plan) == ["planning.plan_drafted", "planning.plan_submitted", "planning.plan_approved"]
    event = Event.objects.for_object(plan).get(verb="planning.plan_approved")
    assert (event.before, event.after) == ({"status": "SUBMITTED"}, {"status": "APPROVED"})


def test_the_drafter_cannot_approve_even_as_director(world: World, office_lead: User) -> None:
    plan = draft_plan(world, office_lead)
    actions.submit_work_plan(plan, actor=office_lead)
    with pytest.raises(PermissionDenied):
        actions.approve_work_plan(plan, actor=office_lead)
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED
    assert "planning.plan_approved" not in _verbs(plan)


def test_the_office_staff_cannot_approve(world: World, office: User, office_lead: User) -> None:
    plan = draft_plan(world, office_lead)
    actions.submit_work_plan(plan, actor=office_lead)
    with pytest.raises(PermissionDenied):
        actions.approve_work_plan(plan, actor=office)


def test_a_draft_cannot_be_approved_before_it_is_submitted(world: World, office: User, office_lead: User) -> None:
    plan = draft_plan(world, office)
    with pytest.raises(TransitionNotAllowed):
        actions.approve_work_plan(plan, actor=office_lead)


def test_a_returned_plan_needs_a_reason_and_becomes_a_draft_when_edited(
    world: World, office: User, office_lead: User
) -> None:
    plan = draft_plan(world, office)
    actions.submit_work_plan(plan, actor=office)
    with pytest.raises(Conflict):
        actions.return_work_plan(plan, note=" ", actor=office_lead)
    actions.return_work_plan(plan, note="监督重点补充惠民政策落实。", actor=office_lead)
    assert plan.status == WorkPlan.Status.RETURNED
    with pytest.raises(TransitionNotAllowed):
        actions.submit_work_plan(plan, actor=office)
    actions.update_work_plan(plan, title=plan.title, focus=[*plan.focus, "BENEFIT"], actor=office)
    assert plan.status == WorkPlan.Status.DRAFT
    assert plan.focus == ["BENEFIT", "ASSETS", "FINANCE"]
    actions.submit_work_plan(plan, actor=office)
    assert _verbs(plan)[-3:] == ["planning.plan_returned", "planning.plan_updated", "planning.plan_submitted"]


def test_a_plan_without_focus_or_schedule_is_not_submitted(world: World, office: User) -> None:
    plan = draft_plan(world, office, focus=[], stages=[])
    with pytest.raises(Conflict, match="focus"):
        actions.submit_work_plan(plan, actor=office)
    actions.update_work_plan(plan, title=plan.title, focus=["PROJECT"], actor=office)
    with pytest.raises(Conflict, match="schedule"):
        actions.submit_work_plan(plan, actor=office)


def test_an_approved_plan_is_not_edited(world: World, office: User, office_lead: User) -> None:
    plan = approved_plan(world, office, office_lead)
    with pytest.raises(TransitionNotAllowed):
        actions.update_work_plan(plan, title="改", focus=["PROJECT"], actor=office)


def test_unknown_focus_and_a_second_plan_are_refused(world: World, office: User) -> None:
    with pytest.raises(Conflict):
        draft_plan(world, office, focus=["NOPE"])
    draft_plan(world, office)
    with pytest.raises(Conflict):
        draft_plan(world, office)
    round_plan = actions.draft_work_plan(world.round, actor=office)
    assert round_plan.assignment is None
    assert round_plan.title.endswith("工作方案")


@pytest.mark.parametrize("who", ["group_leader", "group_member", "leader", "township_user", "outsider"])
def test_only_the_office_drafts(world: World, who: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        draft_plan(world, request.getfixturevalue(who))
    assert not WorkPlan.objects.exists()
