"""The office's actions on the residents' side (publish and withdraw results, open and close surveys) and the
resident's answer: state, audit event, and refusals by role and state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from xuncha.accounts.actors import Actor
from xuncha.accounts.models import User
from xuncha.audit.actions import WITHHELD
from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.core.exceptions import Conflict, PermissionDenied, TransitionNotAllowed
from xuncha.public import actions
from xuncha.public.devices import device_key
from xuncha.public.models import Disclosure, Survey, SurveyAnswer
from xuncha.public.tests.conftest import PUBLIC_RESULT, PUBLIC_SUMMARY, done_item, survey_of
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.tests.factories import after_of, before_of, event_of

Status = LedgerItem.Status
Rating = SurveyAnswer.Rating
KEY = "a" * 64


def publish(item: LedgerItem, actor: Actor) -> Disclosure:
    return actions.publish_disclosure(item, summary=f"  {PUBLIC_SUMMARY}\n", result=PUBLIC_RESULT, actor=actor)


def open_survey(world: World, actor: Actor, **fields: object) -> Survey:
    today = timezone.localdate()
    values: dict[str, object] = {
        "title": "甲一村整改满意度测评",
        "opens_on": today,
        "closes_on": today + timedelta(days=30),
        **fields,
    }
    return actions.open_survey(world.village_a1, actor=actor, **values)  # type: ignore[arg-type]


# Publishing and withdrawing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["office", "office_lead"])
def test_the_office_publishes_a_closed_item(
    request: pytest.FixtureRequest, closed_item: LedgerItem, persona: str
) -> None:
    actor = request.getfixturevalue(persona)
    disclosure = publish(closed_item, actor)
    assert disclosure.item == closed_item
    assert disclosure.summary == PUBLIC_SUMMARY
    assert disclosure.result == PUBLIC_RESULT
    assert disclosure.published_by == actor
    assert disclosure.withdrawn_at is None
    event = event_of(disclosure, "public.disclosure_published")
    assert event.actor == actor
    assert event.unit == closed_item.village
    assert event.before is None
    assert after_of(event)["summary"] == WITHHELD


def test_a_long_term_item_may_be_published(world: World, office: User) -> None:
    item = done_item(world.village_a1, status=Status.ONGOING)
    assert publish(item, office).item == item


@pytest.mark.parametrize(
    "status", [Status.OPEN, Status.IN_PROGRESS, Status.SUBMITTED, Status.REVIEWED, Status.RETURNED]
)
def test_an_item_not_done_is_refused(world: World, office: User, status: str) -> None:
    item = done_item(world.village_a1, status=status)
    with pytest.raises(TransitionNotAllowed, match="Only closed or long-term items are published"):
        publish(item, office)
    assert not Disclosure.objects.exists()
    assert not Event.objects.filter(verb="public.disclosure_published").exists()


@pytest.mark.parametrize("persona", ["township_user", "village_user", "leader", "group_leader", "outsider", "nobody"])
def test_others_may_not_publish(request: pytest.FixtureRequest, closed_item: LedgerItem, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        publish(closed_item, request.getfixturevalue(persona))
    assert not Disclosure.objects.exists()


def test_blank_words_are_refused(closed_item: LedgerItem, office: User) -> None:
    with pytest.raises(Conflict):
        actions.publish_disclosure(closed_item, summary="  ", result=PUBLIC_RESULT, actor=office)
    with pytest.raises(Conflict):
        actions.publish_disclosure(closed_item, summary=PUBLIC_SUMMARY, result="\n", actor=office)
    assert not Disclosure.objects.exists()


def test_publishing_again_replaces_the_words_and_brings_back_a_withdrawn_result(
    closed_item: LedgerItem, office: User, office_lead: User
) -> None:
    first = publish(closed_item, office)
    actions.withdraw_disclosure(first, actor=office)
    again = actions.publish_disclosure(
        closed_item, summary="新的问题表述。", result="新的整改结果。", actor=office_lead
    )
    assert again.pk == first.pk
    assert again.summary == "新的问题表述。"
    assert again.withdrawn_at is None
    assert again.published_by == office_lead
    events = Event.objects.filter(verb="public.disclosure_published", object_id=str(first.pk)).order_by("seq")
    assert events.count() == 2
    last = events.last()
    assert last is not None
    assert before_of(last)["summary"] == WITHHELD
    assert before_of(last)["withdrawn_at"] is not None
    assert after_of(last)["summary"] == WITHHELD


def test_the_office_withdraws_a_result(disclosure: Disclosure, office: User) -> None:
    actions.withdraw_disclosure(disclosure, actor=office)
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is not None
    event = event_of(disclosure, "public.disclosure_withdrawn")
    assert event.actor == office
    assert before_of(event)["withdrawn_at"] is None
    assert after_of(event)["withdrawn_at"] is not None
    with pytest.raises(TransitionNotAllowed, match="already withdrawn"):
        actions.withdraw_disclosure(disclosure, actor=office)


@pytest.mark.parametrize("persona", ["township_user", "village_user", "leader", "outsider"])
def test_others_may_not_withdraw(request: pytest.FixtureRequest, disclosure: Disclosure, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.withdraw_disclosure(disclosure, actor=request.getfixturevalue(persona))
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is None


# Opening and closing surveys -------------------------------------------------------------------------------------


def test_the_office_opens_a_survey(world: World, office: User) -> None:
    survey = open_survey(world, office, title="  甲一村整改满意度测评 ")
    assert survey.village == world.village_a1
    assert survey.title == "甲一村整改满意度测评"
    assert survey.created_by == office
    assert survey.takes_answers()
    event = event_of(survey, "public.survey_opened")
    assert event.actor == office
    assert event.unit == world.village_a1
    assert after_of(event)["closes_on"] == str(timezone.localdate() + timedelta(days=30))


@pytest.mark.parametrize("persona", ["township_user", "village_user", "leader", "group_member", "outsider"])
def test_others_may_not_open_a_survey(request: pytest.FixtureRequest, world: World, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        open_survey(world, request.getfixturevalue(persona))
    assert not Survey.objects.exists()


def test_a_survey_is_of_a_village(world: World, office: User) -> None:
    today = timezone.localdate()
    with pytest.raises(Conflict, match="villages and communities"):
        actions.open_survey(
            world.township_a, title="镇测评", opens_on=today, closes_on=today + timedelta(days=5), actor=office
        )


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [(5, 1, "closes on or after"), (-10, -1, "closing date has passed")],
)
def test_dates_out_of_order_or_past_are_refused(
    world: World, office: User, opens: int, closes: int, message: str
) -> None:
    today = timezone.localdate()
    with pytest.raises(Conflict, match=message):
        open_survey(world, office, opens_on=today + timedelta(days=opens), closes_on=today + timedelta(days=closes))
    with pytest.raises(Conflict, match="title"):
        open_survey(world, office, title=" ")


def test_one_survey_at_a_time(world: World, office: User) -> None:
    """A village with a survey running, or yet to open, gets no second one until it is closed."""
    running = open_survey(world, office)
    with pytest.raises(Conflict, match="already has a survey running"):
        open_survey(world, office)
    actions.close_survey(running, actor=office)
    later = open_survey(world, office, opens_on=timezone.localdate() + timedelta(days=3))
    with pytest.raises(Conflict):
        open_survey(world, office)
    assert Survey.objects.filter(closed_at__isnull=True).get() == later


def test_a_survey_past_its_date_is_closed_when_the_next_opens(world: World, office: User) -> None:
    lapsed = survey_of(world.village_a1, opens=-40, closes=-10)
    survey = open_survey(world, office)
    lapsed.refresh_from_db()
    assert lapsed.closed_at is not None
    assert lapsed.closed_by == office
    assert "Closed after its closing date" in event_of(lapsed, "public.survey_closed").note
    assert survey.takes_answers()


def test_other_villages_surveys_do_not_count(world: World, office: User) -> None:
    survey_of(world.village_a2)
    assert open_survey(world, office).village == world.village_a1


def test_the_office_closes_a_survey_and_the_event_keeps_the_counts(survey: Survey, office_lead: User) -> None:
    for number, rating in enumerate([Rating.SATISFIED, Rating.SATISFIED, Rating.DISSATISFIED]):
        actions.answer_survey(survey, rating=rating, comment="", device_key=f"{number:064x}")
    actions.close_survey(survey, actor=office_lead)
    survey.refresh_from_db()
    assert survey.is_closed
    assert survey.closed_by == office_lead
    event = event_of(survey, "public.survey_closed")
    assert event.actor == office_lead
    figures = after_of(event)["figures"]
    assert figures["answers"] == 3
    assert figures["satisfied"] == 2
    assert figures["dissatisfied"] == 1
    with pytest.raises(TransitionNotAllowed, match="already closed"):
        actions.close_survey(survey, actor=office_lead)


@pytest.mark.parametrize("persona", ["township_user", "village_user", "leader", "outsider"])
def test_others_may_not_close_a_survey(request: pytest.FixtureRequest, survey: Survey, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.close_survey(survey, actor=request.getfixturevalue(persona))
    survey.refresh_from_db()
    assert not survey.is_closed


# A resident's answer ---------------------------------------------------------------------------------------------


def test_an_answer_is_stored_without_an_event(survey: Survey) -> None:
    before = Event.objects.count()
    stored = actions.answer_survey(survey, rating=Rating.SATISFIED, comment=" 好 ", device_key=KEY)
    assert (stored.rating, stored.comment, stored.device_key) == (Rating.SATISFIED, "好", KEY)
    assert Event.objects.count() == before


def test_one_answer_per_device(survey: Survey) -> None:
    actions.answer_survey(survey, rating=Rating.SATISFIED, comment="", device_key=KEY)
    with pytest.raises(Conflict, match="already answered"):
        actions.answer_survey(survey, rating=Rating.DISSATISFIED, comment="", device_key=KEY)
    assert SurveyAnswer.objects.count() == 1
    actions.answer_survey(survey, rating=Rating.DISSATISFIED, comment="", device_key="b" * 64)
    assert SurveyAnswer.objects.count() == 2


@pytest.mark.parametrize(
    ("rating", "comment", "key"),
    [
        ("VERY", "", KEY),
        (Rating.SATISFIED, "字" * 301, KEY),
        (Rating.SATISFIED, "", "token"),
        (Rating.SATISFIED, "", ""),
    ],
)
def test_bad_answers_are_refused(survey: Survey, rating: str, comment: str, key: str) -> None:
    with pytest.raises(Conflict):
        actions.answer_survey(survey, rating=rating, comment=comment, device_key=key)
    assert not SurveyAnswer.objects.exists()


def test_answers_outside_the_dates_or_after_closing_are_refused(world: World, office: User) -> None:
    later = survey_of(world.village_a1, opens=1, closes=10)
    with pytest.raises(TransitionNotAllowed, match="opens on"):
        actions.answer_survey(later, rating=Rating.SATISFIED, comment="", device_key=KEY)
    actions.close_survey(later, actor=office)
    with pytest.raises(TransitionNotAllowed, match="closed"):
        actions.answer_survey(later, rating=Rating.SATISFIED, comment="", device_key=KEY)
    ended = survey_of(world.village_a2, opens=-10, closes=-1)
    with pytest.raises(TransitionNotAllowed, match="closed"):
        actions.answer_survey(ended, rating=Rating.SATISFIED, comment="", device_key=KEY)
    assert not SurveyAnswer.objects.exists()


def test_the_device_key_depends_on_the_survey(world: World, survey: Survey) -> None:
    other = survey_of(world.village_a2)
    assert device_key(survey, "token") != device_key(other, "token")
    assert device_key(survey, "token") == device_key(survey, "token")
    assert device_key(survey, "token") != device_key(survey, "other token")
