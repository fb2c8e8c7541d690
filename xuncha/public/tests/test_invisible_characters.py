"""Bidirectional controls and zero-width characters are taken out of what residents type (petitions, survey
comments), so that a text cannot read differently on the office's screen than it is stored, nor hide words."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from xuncha.core.text import strip_invisible
from xuncha.findings.models import Category, Petition
from xuncha.inspections.models import Assignment
from xuncha.public.models import Survey, SurveyAnswer

CONTROLS = [
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
]


@pytest.mark.parametrize("control", CONTROLS)
def test_each_control_is_removed(control: str) -> None:
    assert strip_invisible(f"村{control}主任") == "村主任"


def test_a_petition_is_stored_without_them(client: Client, stationed: Assignment) -> None:
    text = "\u202e低保\u200b评定\ufeff不公开\u2066，村干部\u2069亲属优先。\u200f"
    response = client.post(
        reverse("public:petition-form", args=[stationed.public_key]),
        {"category": Category.BENEFIT, "text": text, "name": "王\u200d秀英", "phone": "139\u200b0773\u20601234"},
    )
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.text == "低保评定不公开，村干部亲属优先。"
    assert petition.is_anonymous is False


def test_a_text_of_controls_alone_is_empty(client: Client, stationed: Assignment) -> None:
    response = client.post(
        reverse("public:petition-form", args=[stationed.public_key]),
        {"category": Category.BENEFIT, "text": "\u202e\u200b \u2066"},
    )
    assert response.status_code == 200
    assert not Petition.objects.exists()


def test_a_survey_comment_is_stored_without_them(client: Client, survey: Survey) -> None:
    response = client.post(
        reverse("public:survey", args=[survey.public_key]),
        {"rating": SurveyAnswer.Rating.SATISFIED, "comment": "路灯\u202e修好了\u200b，谢谢。"},
    )
    assert response.status_code == 302
    assert SurveyAnswer.objects.get().comment == "路灯修好了，谢谢。"
