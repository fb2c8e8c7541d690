"""The rules of the deliverables: opened at feedback with their due dates, drafted from the ledger, signed and
submitted by the village, reviewed by the township, accepted by the office; a late one turns red and reminds."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Notification, User
from xuncha.audit.labels import verb_label
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core import workdays
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.core.uploads import UploadRefused
from xuncha.deliverables import actions
from xuncha.deliverables.labels import VERBS
from xuncha.deliverables.lights import light_q
from xuncha.deliverables.models import Deliverable
from xuncha.deliverables.tests.conftest import of
from xuncha.organisations.tests import factories as units
from xuncha.rectification import actions as rectification_actions
from xuncha.rectification.models import Feedback, LedgerItem, Light
from xuncha.rectification.tests.factories import FED_BACK_ON, photo, publish, reported_round
from xuncha.rectification.tests.test_handoffs import department_person

Status = Deliverable.Status
Kind = Deliverable.Kind


def _submitted(deliverable: Deliverable, village_user: User) -> Deliverable:
    actions.draft_deliverable(deliverable, actor=village_user)
    return actions.submit_deliverable(deliverable, actor=village_user, confirm=True)


def test_feedback_opens_the_three_deliverables_due_as_the_feedback_prints(feedback: Feedback) -> None:
    """The plan is due on the feedback's printed date (15 working days); the report and the leader's two months on."""
    rows = {d.kind: d for d in Deliverable.objects.filter(feedback=feedback)}
    assert set(rows) == set(Kind.values)
    assert rows[Kind.PLAN].due_on == feedback.plan_due == workdays.add_working_days(FED_BACK_ON, 15)
    assert rows[Kind.REPORT].due_on == workdays.add_months(FED_BACK_ON, 2) == rows[Kind.LEADER_REPORT].due_on
    assert all(d.status == Status.DUE and d.township == feedback.village.parent for d in rows.values())
    assert Event.objects.filter(verb="deliverables.opened").count() == 3


def test_due_dates_follow_the_settings(world: World, office: User, settings: object) -> None:
    settings.XUNCHA_PLAN_WORKING_DAYS = 10  # type: ignore[attr-defined]
    settings.XUNCHA_REPORT_MONTHS = 3  # type: ignore[attr-defined]
    settings.XUNCHA_LEADER_REPORT_MONTHS = 1  # type: ignore[attr-defined]
    feedback = publish(reported_round(world).round, world.village_a1, office)
    assert of(feedback, Kind.PLAN).due_on == feedback.plan_due == workdays.add_working_days(FED_BACK_ON, 10)
    assert of(feedback, Kind.REPORT).due_on == workdays.add_months(FED_BACK_ON, 3)
    assert of(feedback, Kind.LEADER_REPORT).due_on == workdays.add_months(FED_BACK_ON, 1)


def test_the_village_drafts_the_plan_from_its_ledger_items(plan: Deliverable, village_user: User) -> None:
    item = LedgerItem.objects.filter(feedback=plan.feedback).order_by("number").first()
    assert item is not None
    item.measures, item.responsible_leader = "召开两委会议，逐户核实。", "张书记"
    item.save()
    actions.draft_deliverable(plan, actor=village_user)
    assert plan.status == Status.DRAFT
    assert item.number in plan.text and "召开两委会议，逐户核实。" in plan.text and "责任人：张书记" in plan.text
    event = Event.objects.filter(verb="deliverables.drafted").get()
    assert event.after is not None and event.after["prefilled"] is True


def test_submitting_needs_the_secretarys_signature(plan: Deliverable, village_user: User, township_user: User) -> None:
    actions.draft_deliverable(plan, actor=village_user)
    with pytest.raises(Conflict):
        actions.submit_deliverable(plan, actor=village_user)
    actions.submit_deliverable(plan, actor=village_user, confirm=True)
    assert (plan.status, plan.signature, plan.signed_by) == (Status.SUBMITTED, "CONFIRMED", village_user)
    assert plan.submitted_on == timezone.localdate()
    assert Notification.objects.filter(user=township_user, kind="DELIVERABLE_REVIEW").exists()


def test_a_signed_scan_goes_through_the_upload_checks(plan: Deliverable, village_user: User) -> None:
    actions.draft_deliverable(plan, actor=village_user)
    with pytest.raises(UploadRefused):
        actions.submit_deliverable(plan, actor=village_user, scan=io.BytesIO(b"not a pdf"), scan_name="签字.pdf")
    handle, name, _size = photo("签字扫描件.png")
    actions.submit_deliverable(plan, actor=village_user, scan=handle, scan_name=name)
    assert plan.signature == "SCAN" and plan.signed_scan is not None and plan.signed_scan.original_name == name


def test_the_township_returns_with_a_reason_then_approves(
    plan: Deliverable, village_user: User, township_user: User
) -> None:
    _submitted(plan, village_user)
    with pytest.raises(Conflict):
        actions.review_deliverable(plan, approve=False, actor=township_user)
    actions.review_deliverable(plan, approve=False, reason="措施不具体。", actor=township_user)
    assert (plan.status, plan.return_reason) == (Status.RETURNED, "措施不具体。")
    assert Notification.objects.filter(user=village_user, kind="DELIVERABLE_RETURNED").exists()
    actions.submit_deliverable(plan, actor=village_user, confirm=True)
    actions.review_deliverable(plan, approve=True, actor=township_user)
    assert plan.status == Status.REVIEWED and plan.return_reason == ""


def test_the_office_accepts_only_what_the_township_approved(
    plan: Deliverable, village_user: User, township_user: User, office: User
) -> None:
    _submitted(plan, village_user)
    with pytest.raises(TransitionNotAllowed):
        actions.accept_deliverable(plan, accept=True, actor=office)
    actions.review_deliverable(plan, approve=True, actor=township_user)
    actions.accept_deliverable(plan, accept=True, actor=office)
    assert plan.status == Status.ACCEPTED and plan.accepted_on == timezone.localdate()
    assert plan.light() == Light.DONE
    with pytest.raises(TransitionNotAllowed):
        actions.accept_deliverable(plan, accept=False, reason="x", actor=office)


def test_each_role_does_only_its_part(
    plan: Deliverable, village_user: User, township_user: User, office: User, outsider: User
) -> None:
    with pytest.raises(PermissionDenied):
        actions.draft_deliverable(plan, actor=township_user)
    with pytest.raises(PermissionDenied):
        actions.draft_deliverable(plan, actor=outsider)
    _submitted(plan, village_user)
    with pytest.raises(PermissionDenied):
        actions.review_deliverable(plan, approve=True, actor=village_user)
    with pytest.raises(PermissionDenied):
        actions.review_deliverable(plan, approve=True, actor=office)
    actions.review_deliverable(plan, approve=True, actor=township_user)
    with pytest.raises(PermissionDenied):
        actions.accept_deliverable(plan, accept=True, actor=township_user)
    with pytest.raises(PermissionDenied):
        actions.open_deliverables(plan.round, plan.unit, starts_on=FED_BACK_ON, actor=office)


def test_a_late_report_turns_red_and_reminds_the_village_and_its_township(
    report: Deliverable, village_user: User, township_user: User, office: User
) -> None:
    """Yellow in the last working days, red once past due, with reminders to the village, its township and the
    office; submitted after its due date it stays red until accepted."""
    soon = report.due_on - timedelta(days=3)
    assert report.light(soon) == Light.YELLOW
    late = report.due_on + timedelta(days=1)
    assert report.light(late) == Light.RED
    assert Deliverable.objects.filter(light_q(Light.RED, late)).filter(pk=report.pk).exists()
    rectification_actions.send_reminders(actor=SYSTEM, today=late)
    reminded = set(
        Notification.objects.filter(kind="DELIVERABLE_OVERDUE", key=f"deliverable:{report.pk}").values_list(
            "user__username", flat=True
        )
    )
    assert {village_user.username, township_user.username, office.username} <= reminded
    _submitted(report, village_user)  # today: long after its due date of early 2024
    assert report.submitted_on is not None and report.submitted_on > report.due_on
    assert report.light() == Light.RED and report.timeliness == "LATE"


def test_a_plan_submitted_in_time_is_green_and_on_time(plan: Deliverable, village_user: User) -> None:
    with time_machine.travel(date(2023, 12, 15), tick=False):
        _submitted(plan, village_user)
    assert plan.submitted_on == date(2023, 12, 15)
    assert plan.light() == Light.GREEN and plan.timeliness == "ON_TIME"


def test_a_department_handed_items_owes_its_own_and_the_office_accepts_them(
    world: World, feedback: Feedback, office: User
) -> None:
    zhujian = units.department(world.county, "县住建局")
    dept_user = department_person(zhujian, "dept_zhujian")
    item = LedgerItem.objects.filter(feedback=feedback).first()
    assert item is not None
    rectification_actions.hand_off_item(item, unit=zhujian, request="负责恢复消火栓。", actor=office, on=FED_BACK_ON)
    plan = Deliverable.objects.get(unit=zhujian, kind=Kind.PLAN)
    assert plan.township is None and plan.feedback is None and plan.due_on == workdays.add_working_days(FED_BACK_ON, 15)
    actions.draft_deliverable(plan, actor=dept_user)
    assert item.number in plan.text
    actions.submit_deliverable(plan, actor=dept_user, confirm=True)
    assert Notification.objects.filter(user=office, kind="DELIVERABLE_ACCEPT").exists()
    actions.accept_deliverable(plan, accept=True, actor=office)
    assert plan.status == Status.ACCEPTED


def test_every_event_of_a_deliverable_reads_by_its_label(
    plan: Deliverable, village_user: User, township_user: User, office: User
) -> None:
    _submitted(plan, village_user)
    actions.review_deliverable(plan, approve=False, reason="补充材料。", actor=township_user)
    verbs = set(Event.objects.filter(verb__startswith="deliverables.").values_list("verb", flat=True))
    assert verbs == {"deliverables.opened", "deliverables.drafted", "deliverables.submitted", "deliverables.returned"}
    assert all(verb_label(verb) != verb for verb in VERBS)
