"""The spreadsheet downloads of the API: a token gets the same workbook as the page, whatever it says it accepts;
scope, 404 and the access log as on the pages; the endpoints documented as binary downloads."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from xuncha.accounts.actions import issue_token
from xuncha.accounts.models import User
from xuncha.audit.models import AccessLog
from xuncha.conftest import World
from xuncha.documents.exports import LEDGER_COLUMNS, PROBLEM_COLUMNS
from xuncha.documents.files import XLSX
from xuncha.findings.models import Problem
from xuncha.rectification.models import LedgerItem
from xuncha.rectification.tests.factories import confirmed_problem, ledger_item

OPENAPI_JSON = "application/vnd.oai.openapi+json"


def token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user, actor=user).key}")
    return client


def ledger_url(code: str) -> str:
    return reverse("v1:export-ledger", kwargs={"code": code})


def rows(content: bytes, title: str) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(content))[title].iter_rows(values_only=True))


@pytest.fixture
def items(world: World) -> list[LedgerItem]:
    return [ledger_item(world.round, village) for village in (world.village_a1, world.village_a2, world.village_b1)]


def test_a_token_downloads_the_ledger_and_the_export_is_logged(
    world: World, office: User, items: list[LedgerItem]
) -> None:
    response = token_client(office).get(ledger_url(world.county.code), {"round": world.round.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    table = rows(response.content, "整改台账")
    assert table[0] == LEDGER_COLUMNS
    assert len(table) == 4
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_id) == (office, AccessLog.Action.EXPORTED, str(world.county.pk))


def test_a_download_answers_whatever_the_client_accepts(world: World, office: User, items: list[LedgerItem]) -> None:
    client = token_client(office)
    for accept in (XLSX, "application/octet-stream", "application/json", "*/*"):
        response = client.get(ledger_url(world.county.code), HTTP_ACCEPT=accept)
        assert response.status_code == 200, accept
        assert response["Content-Type"] == XLSX


def test_a_township_token_gets_only_its_villages(world: World, township_user: User, items: list[LedgerItem]) -> None:
    response = token_client(township_user).get(ledger_url(world.township_a.code))
    villages = {row[2] for row in rows(response.content, "整改台账")[1:]}
    assert villages == {"甲一村", "甲二村"}


def test_the_problem_list_and_statistics_download(world: World, village_user: User, office: User) -> None:
    fed_back = confirmed_problem(world.round, world.village_a1, status=Problem.Status.FED_BACK)
    confirmed_problem(world.round, world.village_a1)
    url = reverse("v1:export-problems", kwargs={"pk": world.round.pk})
    response = token_client(village_user).get(url, {"village": world.village_a1.code})
    assert response.status_code == 200
    table = rows(response.content, "问题清单")
    assert table[0] == PROBLEM_COLUMNS
    assert [row[1] for row in table[1:]] == [fed_back.serial]
    response = token_client(office).get(reverse("v1:export-statistics", kwargs={"code": world.county.code}))
    assert response.status_code == 200
    assert "按乡镇" in load_workbook(io.BytesIO(response.content)).sheetnames
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORTED).count() == 2


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("outsider", lambda w: ledger_url(w.county.code)),
        ("village_user", lambda w: reverse("v1:export-statistics", kwargs={"code": w.township_a.code})),
        ("outsider", lambda w: reverse("v1:export-problems", kwargs={"pk": w.round.pk})),
        ("office", lambda w: f"{ledger_url(w.county.code)}?round=999999"),
        ("office", lambda w: reverse("v1:export-problems", kwargs={"pk": w.round.pk}) + "?village=450325100201"),
    ],
)
def test_outside_the_scope_answers_a_json_404(
    request: pytest.FixtureRequest, world: World, persona: str, url: Any
) -> None:
    user: User = request.getfixturevalue(persona)
    response = token_client(user).get(url(world), HTTP_ACCEPT=XLSX)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    assert not AccessLog.objects.exists()


def test_without_a_token_the_answer_is_401(world: World) -> None:
    assert APIClient().get(ledger_url(world.county.code)).status_code == 401


def test_the_downloads_are_documented_as_binary_with_their_errors(client: Client, office: User) -> None:
    client.force_login(office)
    response = client.get("/api/schema/", HTTP_ACCEPT=OPENAPI_JSON)
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for path, parameter in (
        ("/api/v1/documents/units/{code}/ledger.xlsx", "round"),
        ("/api/v1/documents/rounds/{id}/problems.xlsx", "village"),
        ("/api/v1/documents/units/{code}/statistics.xlsx", None),
    ):
        operation = paths[path]["get"]
        assert operation["responses"]["200"]["content"] == {XLSX: {"schema": {"type": "string", "format": "binary"}}}
        assert {"401", "404"} <= set(operation["responses"])
        names = {item["name"] for item in operation.get("parameters", [])}
        assert parameter is None or parameter in names
