"""The residents' questionnaire under /p/: one form per phone, nothing once closed, no tallies shown, no identity or
address stored, and the hourly allowance per connection."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.appraisal import actions, views
from xuncha.appraisal.models import Appraisal, AppraisalAnswer, AppraisalForm
from xuncha.appraisal.tests.conftest import fill
from xuncha.public.models import SubmissionQuota

pytestmark = pytest.mark.django_db


def url_of(appraisal: Appraisal) -> str:
    return reverse("appraisal:public", args=[appraisal.public_key])


def answers(appraisal: Appraisal, grade: str = "GOOD", kind: str = "PARTY_MEMBER") -> dict[str, str]:
    return {"respondent_kind": kind} | {f"item_{item.pk}": grade for item in appraisal.items.all()}


def test_a_phone_answers_once(client: Client, appraisal: Appraisal) -> None:
    html = client.get(url_of(appraisal)).content.decode()
    assert 'data-testid="appraisal-form"' in html
    assert "韦秀英（村党支部书记）" in html
    response = client.post(url_of(appraisal), answers(appraisal))
    assert response.status_code == 302
    form = AppraisalForm.objects.get()
    assert (form.channel, form.respondent_kind, form.entered_by_id) == ("PHONE", "PARTY_MEMBER", None)
    assert re.fullmatch(r"[0-9a-f]{64}", form.device_key)
    assert AppraisalAnswer.objects.filter(form=form).count() == appraisal.items.count()

    html = client.get(url_of(appraisal)).content.decode()
    assert 'data-testid="answered"' in html and 'data-testid="appraisal-form"' not in html
    response = client.post(url_of(appraisal), answers(appraisal, "POOR"))
    assert response.status_code == 409
    assert "already answered" in response.content.decode()
    assert AppraisalForm.objects.count() == 1

    # Another phone (its own cookie) answers too.
    assert Client().post(url_of(appraisal), answers(appraisal)).status_code == 302
    assert AppraisalForm.objects.count() == 2


def test_a_closed_appraisal_refuses(client: Client, appraisal: Appraisal, group_leader: User) -> None:
    client.get(url_of(appraisal))
    actions.close_appraisal(appraisal, actor=group_leader)
    html = client.get(url_of(appraisal)).content.decode()
    assert 'data-testid="appraisal-closed"' in html and 'data-testid="appraisal-form"' not in html
    response = client.post(url_of(appraisal), answers(appraisal))
    assert response.status_code == 409
    assert not AppraisalForm.objects.exists()


def test_an_incomplete_form_comes_back(client: Client, appraisal: Appraisal) -> None:
    data = answers(appraisal)
    data.pop("respondent_kind")
    response = client.post(url_of(appraisal), data)
    assert response.status_code == 400
    assert "Say who answers" in response.content.decode()
    assert not AppraisalForm.objects.exists()


def test_the_page_reveals_no_tallies(client: Client, appraisal: Appraisal) -> None:
    fill(appraisal)
    html = client.get(url_of(appraisal)).content.decode()
    for secret in ("forms-total", "satisfaction", "items-table", "data-chart", "%"):
        assert secret not in html
    assert "<script" not in html and "style=" not in html


def test_no_address_or_time_of_day_is_stored(client: Client, appraisal: Appraisal) -> None:
    client.post(url_of(appraisal), answers(appraisal), REMOTE_ADDR="203.0.113.7")
    form = AppraisalForm.objects.get()
    stored = " ".join(str(getattr(form, field.attname)) for field in AppraisalForm._meta.concrete_fields)
    assert "203.0.113.7" not in stored
    assert not any(field.get_internal_type() == "DateTimeField" for field in AppraisalForm._meta.concrete_fields)
    assert "203.0.113.7" not in " ".join(SubmissionQuota.objects.values_list("key", flat=True))


def test_forms_are_limited_per_connection(
    client: Client, appraisal: Appraisal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "APPRAISAL_FORMS_PER_HOUR", 2)
    for _phone in range(2):
        assert Client().post(url_of(appraisal), answers(appraisal)).status_code == 302
    assert Client().post(url_of(appraisal), answers(appraisal)).status_code == 429
    assert AppraisalForm.objects.count() == 2


def test_the_form_needs_its_csrf_token(appraisal: Appraisal) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url_of(appraisal), answers(appraisal)).status_code == 403
    assert not AppraisalForm.objects.exists()


def test_an_unknown_key_is_not_found(client: Client, appraisal: Appraisal) -> None:
    assert client.get("/p/appraisal/00000000-0000-0000-0000-000000000000/").status_code == 404
