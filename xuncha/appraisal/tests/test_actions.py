"""Opening, filling and closing an appraisal through its actions."""

from __future__ import annotations

import pytest

from xuncha.accounts.models import User
from xuncha.appraisal import actions
from xuncha.appraisal.models import STANDARD_ITEMS, Appraisal, AppraisalAnswer, AppraisalForm, Rating
from xuncha.appraisal.tests.conftest import grades
from xuncha.audit.diff import changes
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.inspections.models import Round
from xuncha.rectification.tests.factories import event_of

pytestmark = pytest.mark.django_db
KEY = "a" * 64


def test_opening_makes_the_standard_items_then_one_per_cadre(appraisal: Appraisal, group_leader: User) -> None:
    items = list(appraisal.items.order_by("position"))
    assert [item.key for item in items[: len(STANDARD_ITEMS)]] == [key for key, _label in STANDARD_ITEMS]
    assert [str(item) for item in items[len(STANDARD_ITEMS) :]] == ["韦秀英（村党支部书记）", "潘德明（村委会主任）"]
    assert appraisal.status == Appraisal.Status.OPEN
    event = event_of(appraisal, "appraisal.opened")
    assert event.actor_id == group_leader.pk
    assert event.after is not None
    assert event.after["items"] == len(STANDARD_ITEMS) + 2


def test_only_members_of_the_group_open_one(world: World, office: User, leader: User) -> None:
    for user in (office, leader):
        with pytest.raises(PermissionDenied):
            actions.open_appraisal(world.assignment, world.village_a1, title="x", cadres=[], actor=user)
    assert not Appraisal.objects.exists()


def test_a_village_outside_the_assignment_is_refused(world: World, group_member: User) -> None:
    with pytest.raises(Conflict):
        actions.open_appraisal(world.assignment, world.village_a2, title="x", cadres=[], actor=group_member)


def test_one_open_appraisal_per_village(appraisal: Appraisal, world: World, group_member: User) -> None:
    with pytest.raises(Conflict):
        actions.open_appraisal(world.assignment, world.village_a1, title="again", cadres=[], actor=group_member)
    actions.close_appraisal(appraisal, actor=group_member)
    actions.open_appraisal(world.assignment, world.village_a1, title="again", cadres=[], actor=group_member)


def test_a_planned_round_opens_none(world: World, group_leader: User) -> None:
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.PLANNED)
    world.assignment.round.refresh_from_db()
    with pytest.raises(PermissionDenied):
        actions.open_appraisal(world.assignment, world.village_a1, title="x", cadres=[], actor=group_leader)


def test_one_form_per_phone(appraisal: Appraisal) -> None:
    actions.submit_phone_form(appraisal, respondent_kind="RESIDENT", ratings=grades(appraisal), device_key=KEY)
    with pytest.raises(Conflict, match="already answered"):
        actions.submit_phone_form(appraisal, respondent_kind="RESIDENT", ratings=grades(appraisal), device_key=KEY)
    actions.submit_phone_form(appraisal, respondent_kind="RESIDENT", ratings=grades(appraisal), device_key="b" * 64)
    assert AppraisalForm.objects.filter(appraisal=appraisal, channel="PHONE").count() == 2
    # Anonymous answers write no audit event (only the opening did).
    assert Event.objects.filter(object_id=str(appraisal.pk)).count() == 1


def test_a_form_grades_every_item(appraisal: Appraisal) -> None:
    partial = grades(appraisal)
    partial.popitem()
    with pytest.raises(Conflict, match="every item"):
        actions.submit_phone_form(appraisal, respondent_kind="RESIDENT", ratings=partial, device_key=KEY)
    with pytest.raises(Conflict, match="every item"):
        actions.submit_phone_form(
            appraisal, respondent_kind="RESIDENT", ratings=grades(appraisal, "BEST"), device_key=KEY
        )
    with pytest.raises(Conflict, match="Say who"):
        actions.submit_phone_form(appraisal, respondent_kind="MAYOR", ratings=grades(appraisal), device_key=KEY)
    assert not AppraisalForm.objects.exists()


def test_paper_forms_are_entered_as_a_pile(appraisal: Appraisal, group_member: User) -> None:
    forms = actions.enter_paper_forms(
        appraisal,
        respondent_kind="PARTY_MEMBER",
        ratings=grades(appraisal, Rating.AVERAGE),
        count=5,
        actor=group_member,
    )
    assert len(forms) == 5
    stored = AppraisalForm.objects.filter(appraisal=appraisal)
    assert {(f.channel, f.respondent_kind, f.device_key, f.entered_by_id) for f in stored} == {
        ("PAPER", "PARTY_MEMBER", "", group_member.pk)
    }
    assert AppraisalAnswer.objects.filter(form__appraisal=appraisal, rating="AVERAGE").count() == 5 * (
        len(STANDARD_ITEMS) + 2
    )
    event = event_of(appraisal, "appraisal.paper_entered")
    assert event.after == {"respondent_kind": "PARTY_MEMBER", "count": 5}


def test_paper_entry_is_for_the_group(appraisal: Appraisal, office: User) -> None:
    with pytest.raises(PermissionDenied):
        actions.enter_paper_forms(appraisal, respondent_kind="RESIDENT", ratings=grades(appraisal), actor=office)


def test_a_closed_appraisal_takes_no_form(appraisal: Appraisal, group_leader: User, group_member: User) -> None:
    actions.submit_phone_form(appraisal, respondent_kind="RESIDENT", ratings=grades(appraisal), device_key=KEY)
    actions.close_appraisal(appraisal, actor=group_member)
    assert appraisal.status == Appraisal.Status.CLOSED
    event = event_of(appraisal, "appraisal.closed")
    assert event.after is not None
    assert (event.after["forms"], event.after["forms_phone"], event.after["forms_paper"]) == (1, 1, 0)
    assert event.actor_id == group_member.pk
    with pytest.raises(TransitionNotAllowed):
        actions.submit_phone_form(appraisal, respondent_kind="RESIDENT", ratings=grades(appraisal), device_key="c" * 64)
    with pytest.raises(TransitionNotAllowed):
        actions.enter_paper_forms(appraisal, respondent_kind="RESIDENT", ratings=grades(appraisal), actor=group_leader)
    with pytest.raises(TransitionNotAllowed):
        actions.close_appraisal(appraisal, actor=group_leader)
    assert AppraisalForm.objects.count() == 1


def test_the_events_read_in_words(appraisal: Appraisal, group_member: User) -> None:
    """The auditor's log shows the recorded figures by their labels, never a code."""
    actions.enter_paper_forms(appraisal, respondent_kind="PARTY_MEMBER", ratings=grades(appraisal), actor=group_member)
    actions.close_appraisal(appraisal, actor=group_member)
    entered = changes(event_of(appraisal, "appraisal.paper_entered"))
    assert [(change.label, change.after) for change in entered] == [
        ("number of forms", "1"),
        ("respondents", "Party member"),
    ]
    closed = {change.label: change.after for change in changes(event_of(appraisal, "appraisal.closed"))}
    assert closed["status"] == "Closed"
    assert (closed["forms"], closed["forms on phones"], closed["paper forms"]) == ("1", "0", "1")
