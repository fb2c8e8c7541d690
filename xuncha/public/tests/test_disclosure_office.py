"""The office's page of a village's disclosure and surveys (/units/<code>/disclosure/): done items with the words to
publish, withdrawals, surveys with their counts, and refusals shown as messages."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.models import User
from xuncha.conftest import World
from xuncha.public import actions
from xuncha.public.models import Disclosure, Survey, SurveyAnswer
from xuncha.public.qr import qr_svg
from xuncha.public.tests.conftest import PUBLIC_RESULT, PUBLIC_SUMMARY, RAW_SUMMARY, REPORT, done_item, survey_of
from xuncha.rectification.models import LedgerItem

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

Status = LedgerItem.Status


def url(world: World) -> str:
    return reverse("disclosure:village", args=[world.village_a1.code])


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def page(client: Client, world: World) -> str:
    response = client.get(url(world))
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response: _MonkeyPatchedWSGIResponse) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_page_lists_done_items_with_words_to_publish(client: Client, world: World, office: User) -> None:
    """A closed item shows its summary and the village's last report beside an empty publish form (the office writes
    the public words; the ledger's may name people); an item still being worked on is not listed."""
    closed = done_item(world.village_a1)
    done_item(world.village_a1, status=Status.IN_PROGRESS, summary="尚在整改的问题。")
    html = page(signed_in(client, office), world)
    assert html.count('data-testid="disclosure-item"') == 1
    assert closed.number in html
    assert RAW_SUMMARY in html
    assert REPORT in html
    assert re.search(r'<textarea[^>]*name="summary"[^>]*></textarea>', html)
    assert re.search(r'<textarea[^>]*name="result"[^>]*></textarea>', html)
    assert "尚在整改的问题" not in html
    assert reverse("disclosure:publish", args=[world.village_a1.code, closed.pk]) in html
    assert "Not published" in html


def test_a_published_item_shows_its_words_and_a_withdraw_button(
    client: Client, world: World, office: User, disclosure: Disclosure
) -> None:
    html = page(signed_in(client, office), world)
    assert PUBLIC_SUMMARY in html
    assert PUBLIC_RESULT in html
    assert reverse("disclosure:withdraw", args=[world.village_a1.code, disclosure.pk]) in html
    assert ">Published<" in html


def test_a_reopened_published_item_stays_listed_to_be_withdrawn(
    client: Client, world: World, office: User, disclosure: Disclosure
) -> None:
    LedgerItem.objects.filter(pk=disclosure.item_id).update(status=Status.IN_PROGRESS)
    html = page(signed_in(client, office), world)
    assert "Reopened: not shown to residents" in html
    assert 'data-testid="publish-form"' not in html
    assert 'data-testid="withdraw-form"' in html


def test_the_page_shows_the_qr_codes_and_the_surveys(client: Client, world: World, office: User) -> None:
    running = survey_of(world.village_a1)
    for number, rating in enumerate([SurveyAnswer.Rating.SATISFIED] * 3 + [SurveyAnswer.Rating.DISSATISFIED]):
        actions.answer_survey(running, rating=rating, comment="", device_key=f"{number:064x}")
    html = page(signed_in(client, office), world)
    public_url = "http://testserver" + reverse("public:disclosure", args=[world.village_a1.code])
    survey_url = "http://testserver" + reverse("public:survey", args=[running.public_key])
    assert str(qr_svg(public_url)) in html
    assert str(qr_svg(survey_url)) in html
    assert "4 answers: 3 satisfied, 0 fairly satisfied, 1 dissatisfied (75.0% satisfied)" in html
    assert 'data-testid="open-survey-form"' not in html
    assert reverse("disclosure:survey-close", args=[world.village_a1.code, running.pk]) in html


def test_without_a_running_survey_the_page_offers_to_open_one(client: Client, world: World, office: User) -> None:
    html = page(signed_in(client, office), world)
    assert 'data-testid="open-survey-form"' in html
    assert "Satisfaction with the rectification of 甲一村" in html
    assert "style=" not in html


@pytest.mark.parametrize("persona", ["township_user", "village_user", "leader", "group_leader", "outsider", "nobody"])
def test_only_the_office_of_the_county_sees_the_page(
    request: pytest.FixtureRequest, client: Client, world: World, persona: str
) -> None:
    signed_in(client, request.getfixturevalue(persona))
    assert client.get(url(world)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, world: World) -> None:
    response = client.get(url(world))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("code", ["450328100000", "450328000000", "450328100999"])
def test_a_unit_that_is_no_visible_village_is_not_found(client: Client, world: World, office: User, code: str) -> None:
    signed_in(client, office)
    assert client.get(reverse("disclosure:village", args=[code])).status_code == 404


def test_the_page_runs_the_same_queries_whatever_the_village_holds(
    client: Client, world: World, office: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Session, user, grants and group memberships; the village; its surveys with their counts and latest comments;
    its done items with their disclosures and last reports; the notification bell: the same nine queries for one
    item as for many."""
    signed_in(client, office)
    done_item(world.village_a1)
    closed = survey_of(world.village_a1, opens=-60, closes=-30)
    Survey.objects.filter(pk=closed.pk).update(closed_at=timezone.now())
    with django_assert_num_queries(9):
        assert client.get(url(world)).status_code == 200
    for _number in range(4):
        item = done_item(world.village_a1, status=Status.ONGOING)
        Disclosure.objects.create(item=item, summary="问题。", result="结果。")
    survey = survey_of(world.village_a1)
    for number in range(3):
        SurveyAnswer.objects.create(
            survey=survey, rating=SurveyAnswer.Rating.SATISFIED, comment="好。", device_key=f"device-{number}"
        )
    with django_assert_num_queries(9):
        html = client.get(url(world)).content.decode()
    assert html.count('data-testid="disclosure-item"') == 5
    assert html.count('data-testid="survey-row"') == 2


# Acting from the page --------------------------------------------------------------------------------------------


def test_publishing_from_the_page(client: Client, world: World, office: User) -> None:
    item = done_item(world.village_a1)
    signed_in(client, office)
    response = client.post(
        reverse("disclosure:publish", args=[world.village_a1.code, item.pk]),
        {"summary": PUBLIC_SUMMARY, "result": PUBLIC_RESULT},
    )
    assert response.status_code == 302
    assert response["Location"] == url(world) + f"#item-{item.pk}"
    disclosure = Disclosure.objects.get()
    assert (disclosure.summary, disclosure.result, disclosure.published_by) == (PUBLIC_SUMMARY, PUBLIC_RESULT, office)
    assert "is published" in messages_of(response)[0]
    assert PUBLIC_SUMMARY in client.get(reverse("public:disclosure", args=[world.village_a1.code])).content.decode()


def test_a_refused_publication_is_shown_as_a_message(client: Client, world: World, office: User) -> None:
    item = done_item(world.village_a1, status=Status.SUBMITTED)
    signed_in(client, office)
    publish_url = reverse("disclosure:publish", args=[world.village_a1.code, item.pk])
    response = client.post(publish_url, {"summary": PUBLIC_SUMMARY, "result": PUBLIC_RESULT})
    assert response.status_code == 302
    assert "Only closed or long-term items are published" in messages_of(response)[0]
    response = client.post(publish_url, {"summary": "", "result": PUBLIC_RESULT})
    assert messages_of(response)
    assert not Disclosure.objects.exists()


def test_an_item_of_another_village_is_not_found(client: Client, world: World, office: User) -> None:
    """The item must belong to the village of the address."""
    other = done_item(world.village_a2)
    signed_in(client, office)
    response = client.post(
        reverse("disclosure:publish", args=[world.village_a1.code, other.pk]),
        {"summary": PUBLIC_SUMMARY, "result": PUBLIC_RESULT},
    )
    assert response.status_code == 404
    assert not Disclosure.objects.exists()


def test_withdrawing_from_the_page(client: Client, world: World, office: User, disclosure: Disclosure) -> None:
    signed_in(client, office)
    response = client.post(reverse("disclosure:withdraw", args=[world.village_a1.code, disclosure.pk]))
    assert response.status_code == 302
    disclosure.refresh_from_db()
    assert disclosure.is_withdrawn
    response = client.post(reverse("disclosure:withdraw", args=[world.village_a1.code, disclosure.pk]))
    assert "already withdrawn" in messages_of(response)[-1]


def test_opening_and_closing_a_survey_from_the_page(client: Client, world: World, office: User) -> None:
    signed_in(client, office)
    today = timezone.localdate()
    open_url = reverse("disclosure:survey-open", args=[world.village_a1.code])
    data = {"title": "甲一村测评", "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=10)).isoformat()}
    response = client.post(open_url, data)
    assert response["Location"] == url(world) + "#surveys"
    survey = Survey.objects.get()
    assert (survey.title, survey.created_by) == ("甲一村测评", office)
    response = client.post(open_url, data)
    assert "already has a survey running" in messages_of(response)[-1]
    response = client.post(reverse("disclosure:survey-close", args=[world.village_a1.code, survey.pk]))
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.is_closed


def test_the_forms_take_posts_only(client: Client, world: World, office: User, survey: Survey) -> None:
    signed_in(client, office)
    assert client.get(reverse("disclosure:survey-close", args=[world.village_a1.code, survey.pk])).status_code == 405
    assert client.post(url(world)).status_code == 405


@pytest.mark.parametrize("persona", ["township_user", "leader", "outsider"])
def test_others_cannot_act_through_the_page(
    request: pytest.FixtureRequest, client: Client, world: World, disclosure: Disclosure, persona: str
) -> None:
    signed_in(client, request.getfixturevalue(persona))
    code = world.village_a1.code
    assert client.post(reverse("disclosure:withdraw", args=[code, disclosure.pk])).status_code == 404
    assert client.post(reverse("disclosure:survey-open", args=[code]), {}).status_code == 404
    disclosure.refresh_from_db()
    assert not disclosure.is_withdrawn


def test_the_office_reads_the_residents_latest_comments(client: Client, world: World, office: User) -> None:
    """Beside a survey's counts, the comments residents left, the latest first; answers without one are not listed."""
    survey = survey_of(world.village_a1)
    for number, comment in enumerate(["路灯修好了。", "", "希望再增设宣传栏。"]):
        SurveyAnswer.objects.create(
            survey=survey, rating=SurveyAnswer.Rating.SATISFIED, comment=comment, device_key=f"device-{number}"
        )
    html = page(signed_in(client, office), world)
    comments = html.split('data-testid="survey-comments"')[1].split("</details>")[0]
    assert "2 latest comments" in comments
    assert comments.index("希望再增设宣传栏。") < comments.index("路灯修好了。")
