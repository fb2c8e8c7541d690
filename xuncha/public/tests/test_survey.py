"""A village's satisfaction survey on a resident's phone: three answers and a comment, once per phone, within the
survey's dates and the connection's hourly allowance."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from xuncha.audit.models import Event
from xuncha.conftest import World
from xuncha.public import devices, ratelimit
from xuncha.public.models import Disclosure, SubmissionQuota, Survey, SurveyAnswer
from xuncha.public.tests.conftest import PUBLIC_SUMMARY, survey_of

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

Rating = SurveyAnswer.Rating


def url(survey: Survey) -> str:
    return reverse("public:survey", args=[survey.public_key])


def answer(client: Client, survey: Survey, **fields: Any) -> _MonkeyPatchedWSGIResponse:
    return client.post(url(survey), {"rating": Rating.SATISFIED, "comment": "", **fields})


def html(response: _MonkeyPatchedWSGIResponse) -> str:
    return response.content.decode()


def phone(address: str = "127.0.0.1") -> Client:
    """A resident's phone: its own cookies, behind ``address``."""
    return Client(REMOTE_ADDR=address)


def test_the_survey_page_offers_three_answers_and_a_comment(client: Client, world: World, survey: Survey) -> None:
    response = client.get(url(survey))
    page = html(response)
    assert response.status_code == 200
    assert survey.title in page
    assert "甲镇 · 甲一村" in page
    assert page.count('type="radio"') == 3
    for label in ("Satisfied", "Fairly satisfied", "Dissatisfied"):
        assert f'<span class="xc-rating-label">{label}</span>' in page
    assert 'name="comment"' in page
    assert 'maxlength="300"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "style=" not in page and "<script" not in page


def test_the_page_recalls_the_villages_published_results(
    client: Client, world: World, survey: Survey, disclosure: Disclosure
) -> None:
    page = html(client.get(url(survey)))
    assert PUBLIC_SUMMARY in page
    assert reverse("public:disclosure", args=[world.village_a1.code]) in page


def test_the_first_visit_gives_the_phone_a_signed_token(client: Client, survey: Survey) -> None:
    """The cookie is signed, lasts two years and is hidden from scripts; a second visit keeps it."""
    response = client.get(url(survey))
    cookie = response.cookies[devices.COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 730 * 24 * 3600
    assert ":" in cookie.value
    assert devices.COOKIE_NAME not in client.get(url(survey)).cookies


def test_an_answer_is_recorded_and_thanked_for(client: Client, survey: Survey) -> None:
    """The answer is stored with its comment and a device key, never the cookie's token; the page then thanks."""
    client.get(url(survey))
    response = answer(client, survey, rating=Rating.FAIRLY_SATISFIED, comment="  路灯修好了，谢谢。 ")
    assert response.status_code == 302
    assert response["Location"] == url(survey)
    stored = SurveyAnswer.objects.get()
    assert stored.survey == survey
    assert stored.rating == Rating.FAIRLY_SATISFIED
    assert stored.comment == "路灯修好了，谢谢。"
    token = devices.device_token(client.get(url(survey)).wsgi_request)
    assert token is not None
    assert stored.device_key == devices.device_key(survey, token)
    assert len(stored.device_key) == 64
    assert token not in stored.device_key
    page = html(client.get(url(survey)))
    assert 'data-testid="answered"' in page
    assert 'data-testid="survey-form"' not in page


def test_a_phone_answers_once(client: Client, survey: Survey) -> None:
    """Posting the form again from the same phone (its cookie kept) is refused, and nothing more is stored."""
    client.get(url(survey))
    assert answer(client, survey).status_code == 302
    response = answer(client, survey, rating=Rating.DISSATISFIED, comment="再投一次")
    assert response.status_code == 409
    assert "already answered" in html(response)
    assert SurveyAnswer.objects.count() == 1
    assert SurveyAnswer.objects.get().rating == Rating.SATISFIED


def test_a_phone_without_the_cookie_gets_one_with_its_answer(client: Client, survey: Survey) -> None:
    """A form posted before any visit (no cookie yet) is answered, and the phone keeps the token it was given."""
    response = answer(client, survey)
    assert response.status_code == 302
    assert devices.COOKIE_NAME in response.cookies
    assert answer(client, survey).status_code == 409
    assert SurveyAnswer.objects.count() == 1


def test_another_phone_may_answer(client: Client, survey: Survey) -> None:
    assert answer(client, survey).status_code == 302
    assert answer(phone(), survey, rating=Rating.DISSATISFIED).status_code == 302
    assert sorted(SurveyAnswer.objects.values_list("rating", flat=True)) == [Rating.DISSATISFIED, Rating.SATISFIED]
    assert SurveyAnswer.objects.values("device_key").distinct().count() == 2


def test_a_forged_cookie_is_not_trusted(client: Client, survey: Survey) -> None:
    """A cookie whose signature does not hold counts as none: the phone gets a new token."""
    client.cookies[devices.COOKIE_NAME] = "made-up-token:forged-signature"
    response = client.get(url(survey))
    assert response.cookies[devices.COOKIE_NAME].value != "made-up-token:forged-signature"


def test_the_same_phone_may_answer_another_survey(client: Client, world: World, survey: Survey) -> None:
    """One answer per phone and survey: the phone's keys differ from one survey to the next."""
    other = survey_of(world.village_a2)
    assert answer(client, survey).status_code == 302
    assert answer(client, other).status_code == 302
    keys = set(SurveyAnswer.objects.values_list("device_key", flat=True))
    assert len(keys) == 2


def test_the_rating_is_required_and_the_comment_short(client: Client, survey: Survey) -> None:
    response = client.post(url(survey), {"comment": "没选"})
    assert response.status_code == 200
    assert "Choose one of the three answers." in html(response)
    assert answer(client, survey, rating="VERY_SATISFIED").status_code == 200
    assert answer(client, survey, comment="字" * 301).status_code == 200
    assert not SurveyAnswer.objects.exists()
    assert not SubmissionQuota.objects.exists()
    assert answer(client, survey, comment="字" * 300).status_code == 302


def test_a_comment_with_markup_is_kept_as_typed(client: Client, survey: Survey) -> None:
    response = answer(client, survey, rating="", comment="<script>alert(1)</script>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html(response)
    assert "<script>alert(1)" not in html(response)


def test_a_closed_survey_takes_no_answer(client: Client, survey: Survey) -> None:
    Survey.objects.filter(pk=survey.pk).update(closed_at=timezone.now())
    page = html(client.get(url(survey)))
    assert 'data-testid="survey-closed"' in page
    assert 'data-testid="survey-form"' not in page
    response = answer(client, survey)
    assert response.status_code == 409
    assert "closed" in html(response)
    assert not SurveyAnswer.objects.exists()


def test_a_survey_past_its_closing_date_takes_no_answer(client: Client, world: World) -> None:
    ended = survey_of(world.village_a1, opens=-30, closes=-1)
    assert 'data-testid="survey-closed"' in html(client.get(url(ended)))
    assert answer(client, ended).status_code == 409
    assert not SurveyAnswer.objects.exists()


def test_a_survey_not_yet_open_says_when_it_opens(client: Client, world: World) -> None:
    later = survey_of(world.village_a1, opens=2, closes=20)
    page = html(client.get(url(later)))
    assert 'data-testid="survey-not-open"' in page
    assert 'data-testid="survey-form"' not in page
    response = answer(client, later)
    assert response.status_code == 409
    assert "opens on" in html(response)
    assert not SurveyAnswer.objects.exists()


def test_the_last_day_still_counts(client: Client, world: World) -> None:
    today_only = survey_of(world.village_a1, opens=0, closes=0)
    assert answer(client, today_only).status_code == 302


def test_answers_are_limited_per_connection_and_hour(
    survey: Survey, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 3 answers an hour, a fourth phone behind the same address gets 429 and stores nothing; a phone
    elsewhere still answers. Refused answers do not count."""
    monkeypatch.setattr(ratelimit, "SURVEY_ANSWERS_PER_HOUR", 3)
    first = phone()
    assert answer(first, survey).status_code == 302
    assert answer(first, survey).status_code == 409
    for _number in range(2):
        assert answer(phone(), survey).status_code == 302
    response = answer(phone(), survey)
    assert response.status_code == 429
    assert "Please try again later" in html(response)
    assert "Many answers were sent from this connection" in html(response)
    assert SurveyAnswer.objects.count() == 3
    assert SubmissionQuota.objects.filter(scope=SubmissionQuota.Scope.SURVEY).count() == 3
    assert answer(phone("10.20.30.40"), survey).status_code == 302


def test_the_form_needs_its_csrf_token(survey: Survey) -> None:
    guarded = Client(enforce_csrf_checks=True)
    guarded.get(url(survey))
    assert answer(guarded, survey).status_code == 403
    assert not SurveyAnswer.objects.exists()


def test_answers_write_no_audit_event(client: Client, survey: Survey) -> None:
    """Answers are anonymous data: nothing of them enters the audit chain."""
    before = Event.objects.count()
    assert answer(client, survey, comment="满意").status_code == 302
    assert Event.objects.count() == before


def test_nothing_of_the_connection_or_the_token_is_stored(client: Client, survey: Survey) -> None:
    """Read straight from the tables: neither the address nor the cookie's token is kept."""
    client.get(url(survey))
    assert answer(client, survey).status_code == 302
    token = devices.device_token(client.get(url(survey)).wsgi_request)
    assert token is not None
    with connection.cursor() as cursor:
        rows: list[Any] = []
        for model in (SurveyAnswer, SubmissionQuota):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608
            rows.extend(cursor.fetchall())
    text = " ".join(str(value) for row in rows for value in row)
    assert token not in text
    assert "127.0.0.1" not in text


@pytest.mark.parametrize("path", ["/p/survey/6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f/", "/p/survey/1/"])
def test_unknown_surveys_are_not_found(client: Client, survey: Survey, path: str) -> None:
    assert client.get(path).status_code == 404
    assert client.get(f"/p/survey/{survey.pk}/").status_code == 404


def test_the_survey_page_runs_three_queries(
    client: Client, survey: Survey, disclosure: Disclosure, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The survey with its village and township; the village's published results; whether this phone answered."""
    client.get(url(survey))
    with django_assert_num_queries(3):
        assert client.get(url(survey)).status_code == 200


def test_an_answer_a_second_after_closing_time_is_refused(client: Client, survey: Survey) -> None:
    """The survey's dates are read afresh: an answer to a survey closed meanwhile is refused."""
    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    assert answer(client, survey).status_code == 409
