"""The appraisal API: the group's and the office's appraisals, their tallies; forms are never listed."""

from __future__ import annotations

import pytest
from django.test import Client

from xuncha.accounts.models import User
from xuncha.appraisal import actions
from xuncha.appraisal.models import STANDARD_ITEMS, Appraisal
from xuncha.appraisal.tests.conftest import fill

pytestmark = pytest.mark.django_db
API = "/api/v1"


def test_the_group_lists_and_reads_its_appraisals(client: Client, appraisal: Appraisal, group_member: User) -> None:
    client.force_login(group_member)
    listed = client.get(f"{API}/appraisals/", {"status": "OPEN"}).json()["results"]
    assert [row["id"] for row in listed] == [appraisal.pk]
    assert listed[0]["village"] == appraisal.village.code
    assert "public_key" not in listed[0]
    assert client.get(f"{API}/appraisals/", {"status": "CLOSED"}).json()["results"] == []
    assert client.get(f"{API}/appraisals/{appraisal.pk}/").json()["title"] == "甲一村民主测评"


def test_the_tallies(client: Client, appraisal: Appraisal, office: User) -> None:
    fill(appraisal)
    client.force_login(office)
    body = client.get(f"{API}/appraisals/{appraisal.pk}/tallies/").json()
    assert (body["forms"], body["phone"], body["paper"], body["satisfaction"]) == (10, 6, 4, "55.0")
    assert {row["kind"]: row["total"] for row in body["kinds"]} == {
        "PARTY_MEMBER": 3,
        "REPRESENTATIVE": 4,
        "CADRE": 0,
        "RESIDENT": 3,
    }
    assert len(body["items"]) == len(STANDARD_ITEMS) + 2
    first = body["items"][0]
    assert first["key"] == "SECRETARY"
    assert [(g["rating"], g["count"], g["share"]) for g in first["grades"]] == [
        ("GOOD", 7, "70.0"),
        ("FAIRLY_GOOD", 2, "20.0"),
        ("AVERAGE", 1, "10.0"),
        ("POOR", 0, "0.0"),
    ]
    assert first["satisfaction"] == "90.0"


def test_the_list_costs_the_same_whatever_its_length(
    client: Client, appraisal: Appraisal, group_member: User, django_assert_num_queries: pytest.FixtureRequest
) -> None:
    client.force_login(group_member)
    client.get(f"{API}/appraisals/")
    with django_assert_num_queries(6) as one:  # type: ignore[operator]
        client.get(f"{API}/appraisals/")
    actions.close_appraisal(appraisal, actor=group_member)
    actions.open_appraisal(appraisal.assignment, appraisal.village, title="再测", cadres=[], actor=group_member)
    with django_assert_num_queries(len(one.captured_queries)):  # type: ignore[operator]
        assert len(client.get(f"{API}/appraisals/").json()["results"]) == 2
