"""Looking up a receipt code: the status and the date received, nothing else, and only so often per hour."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from xuncha.findings.actions import submit_public_petition
from xuncha.findings.models import Category, Petition
from xuncha.inspections.models import Assignment
from xuncha.public.models import SubmissionQuota
from xuncha.public.ratelimit import LOOKUPS_PER_HOUR

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

URL = reverse("public:receipt-lookup")
TEXT = "村集体鱼塘承包费去向不明，请巡察组核查。"
STAGE = 'data-testid="lookup-status">{}<'
RECEIVED_STAGE = STAGE.format("Received")


@pytest.fixture
def petition(stationed: Assignment) -> Petition:
    return submit_public_petition(stationed, category=Category.ASSETS, text=TEXT, name="韦秀英", phone="13877351234")


def look_up(client: Client, code: str) -> _MonkeyPatchedWSGIResponse:
    return client.post(URL, {"code": code})


def test_lookup_page_asks_for_the_code(client: Client, db: None) -> None:
    html = client.get(URL).content.decode()
    assert 'name="code"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_lookup_shows_the_status_and_date_only(client: Client, petition: Petition) -> None:
    """The resident sees the stage (Received) and the day; not the text, the names or the group."""
    response = look_up(client, petition.receipt_code)
    html = response.content.decode()
    assert response.status_code == 200
    assert RECEIVED_STAGE in html
    assert date_format(timezone.localdate(petition.received_at)) in html
    for private in (TEXT, "韦秀英", "13877351234", "甲一村", "第三巡察组", str(Category.ASSETS.label)):
        assert private not in html


def test_lookup_of_a_handled_petition_hides_the_handling(client: Client, petition: Petition) -> None:
    Petition.objects.filter(pk=petition.pk).update(
        status=Petition.Status.DISPOSED,
        disposition=Petition.Disposition.FORWARDED,
        disposition_note="转交乡镇纪委核查",
    )
    html = look_up(client, petition.receipt_code).content.decode()
    assert STAGE.format("Concluded") in html
    assert "转交乡镇纪委核查" not in html
    assert "Forwarded" not in html


@pytest.mark.parametrize("typed", ["{lower}", " {dashed} ", "{spaced}", "{fullwidth}"])
def test_codes_are_read_in_lower_case_with_spaces_and_dashes(client: Client, petition: Petition, typed: str) -> None:
    code = petition.receipt_code
    variants = {
        "lower": code.lower(),
        "dashed": f"{code[:5]}-{code[5:]}".lower(),
        "spaced": f"{code[:3]} {code[3:6]} {code[6:]}",
        "fullwidth": "".join(chr(ord(c) + 0xFEE0) for c in code),
    }
    html = look_up(client, typed.format(**variants)).content.decode()
    assert RECEIVED_STAGE in html


@pytest.mark.parametrize("code", ["ABCDEFGHJK", "23456789AB"])
def test_unknown_codes_get_a_neutral_answer(client: Client, petition: Petition, code: str) -> None:
    html = look_up(client, code).content.decode()
    assert 'data-testid="lookup-not-found"' in html
    assert RECEIVED_STAGE not in html


def test_a_code_of_the_wrong_shape_is_explained(client: Client, db: None) -> None:
    html = look_up(client, "ABC").content.decode()
    assert "10 letters and digits" in html
    assert 'data-testid="lookup-not-found"' not in html


def test_lookups_are_limited_per_client_and_hour(client: Client, petition: Petition, settings: Any) -> None:
    """Trying codes at random runs into 429 after the hour's lookups, even with the right code."""
    for _number in range(LOOKUPS_PER_HOUR):
        assert look_up(client, "ABCDEFGHJK").status_code == 200
    response = look_up(client, petition.receipt_code)
    assert response.status_code == 429
    assert RECEIVED_STAGE not in response.content.decode()
    assert SubmissionQuota.objects.filter(scope=SubmissionQuota.Scope.LOOKUP).count() == LOOKUPS_PER_HOUR
    assert look_up(Client(REMOTE_ADDR="10.9.8.7"), petition.receipt_code).status_code == 200


def test_lookups_and_petitions_have_separate_allowances(
    client: Client, stationed: Assignment, petition: Petition, settings: Any
) -> None:
    settings.XUNCHA_PETITIONS_PER_HOUR = 1
    for _number in range(3):
        look_up(client, petition.receipt_code)
    form = reverse("public:petition-form", args=[stationed.public_key])
    assert client.post(form, {"category": Category.ASSETS, "text": TEXT}).status_code == 302
