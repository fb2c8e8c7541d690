"""The official documents through the API (/api/v1/documents/…): token or session, the same scope and access log
as the pages, JSON 404 for what the user may not see, and the downloads in the OpenAPI schema."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from rest_framework.test import APIClient

from xuncha.accounts.actions import issue_token
from xuncha.accounts.models import User
from xuncha.audit.models import AccessLog
from xuncha.conftest import World
from xuncha.documents.files import DOCX
from xuncha.findings.models import ImmediateFixNotice
from xuncha.findings.tests.factories import CLUE_SUBJECT, ClueFactory, NoticeFactory
from xuncha.rectification.models import Feedback, LedgerItem
from xuncha.rectification.tests.factories import publish, reported_round, village_person, visit

API = "/api/v1/documents"
OPENAPI_JSON = "application/vnd.oai.openapi+json"


def token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user, actor=user).key}")
    return client


def text_of(response: Any) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == DOCX
    document = Document(io.BytesIO(response.content))
    lines = [paragraph.text for paragraph in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


@pytest.fixture
def fed_back(world: World, office: User, group_leader: User) -> dict[str, Any]:
    """Round 4 reported, 甲一村 fed back, with a notice, a return visit and a sealed clue."""
    reported = reported_round(world)
    notice = NoticeFactory.create(problem=reported.of(world.village_a1)[0])
    clue = ClueFactory.create(assignment=world.assignment, registered_by=group_leader)
    feedback = publish(reported.round, world.village_a1, office)
    items = list(LedgerItem.objects.filter(village=world.village_a1))
    planned = visit(world.village_a1, items, office, planned_on=date(2024, 3, 5))
    return {"round": reported.round, "feedback": feedback, "notice": notice, "clue": clue, "visit": planned}


def test_url_names_are_stable(world: World) -> None:
    assert reverse("v1:document-feedback", args=[1]) == f"{API}/feedback/1.docx"
    assert reverse("v1:document-notice", args=[1]) == f"{API}/notices/1.docx"
    assert reverse("v1:document-round-report", args=[1]) == f"{API}/rounds/1/report.docx"
    assert reverse("v1:document-rectification", args=["450328100201"]) == (
        f"{API}/units/450328100201/rectification.docx"
    )
    assert reverse("v1:document-visit", args=[1]) == f"{API}/visits/1.docx"
    assert reverse("v1:document-clue", args=[1]) == f"{API}/clues/1.docx"


def test_anonymous_requests_are_refused_with_401(fed_back: dict[str, Any]) -> None:
    response = APIClient().get(f"{API}/feedback/{fed_back['feedback'].pk}.docx")
    assert response.status_code == 401


def test_a_village_downloads_its_feedback_with_a_token(
    fed_back: dict[str, Any], world: World, village_user: User
) -> None:
    feedback: Feedback = fed_back["feedback"]
    response = token_client(village_user).get(f"{API}/feedback/{feedback.pk}.docx", REMOTE_ADDR="10.9.8.7")
    assert "关于巡察甲镇甲一村的反馈意见" in text_of(response)
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    log = AccessLog.objects.get(user=village_user, action=AccessLog.Action.DOCUMENT)
    assert (log.object_type, log.object_id, log.ip_address) == ("rectification.feedback", str(feedback.pk), "10.9.8.7")


def test_a_client_asking_for_docx_gets_it_and_its_refusals_as_json(fed_back: dict[str, Any], office_lead: User) -> None:
    client = token_client(office_lead)
    response = client.get(f"{API}/feedback/{fed_back['feedback'].pk}.docx", HTTP_ACCEPT=DOCX)
    assert "反馈意见" in text_of(response)
    missing = client.get(f"{API}/feedback/{fed_back['feedback'].pk + 1000}.docx", HTTP_ACCEPT=DOCX)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found."}


def test_what_the_user_may_not_see_answers_a_json_404(
    fed_back: dict[str, Any], world: World, office: User, village_user: User
) -> None:
    other = publish(fed_back["round"], world.village_a2, office)
    client = token_client(village_user)
    for path in (
        f"feedback/{other.pk}.docx",
        f"clues/{fed_back['clue'].pk}.docx",
        f"units/{world.village_a2.code}/rectification.docx",
        f"units/{world.village_a1.code}/rectification.docx?round=abc",
    ):
        response = client.get(f"{API}/{path}")
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found."}
    village_a2 = token_client(village_person(world.village_a2, "village_a2"))
    notice: ImmediateFixNotice = fed_back["notice"]
    assert village_a2.get(f"{API}/notices/{notice.pk}.docx").status_code == 404


def test_every_document_downloads_for_the_director(fed_back: dict[str, Any], world: World, office_lead: User) -> None:
    """Each path answers a .docx in its own words; the clue form is logged as a clue read too."""
    client = token_client(office_lead)
    expected = {
        f"feedback/{fed_back['feedback'].pk}.docx": "反馈意见",
        f"notices/{fed_back['notice'].pk}.docx": "立行立改通知书",
        f"rounds/{fed_back['round'].pk}/report.docx": "问题线索已按规定程序移交0件",
        f"units/{world.township_a.code}/rectification.docx?round={fed_back['round'].pk}": "逐项整改情况",
        f"visits/{fed_back['visit'].pk}.docx": "拟核查整改事项2项",
        f"clues/{fed_back['clue'].pk}.docx": CLUE_SUBJECT,
    }
    for path, words in expected.items():
        assert words in text_of(client.get(f"{API}/{path}")), path
    assert AccessLog.objects.filter(user=office_lead, action=AccessLog.Action.DOCUMENT).count() == len(expected)
    assert AccessLog.objects.filter(user=office_lead, action=AccessLog.Action.CLUE_READ).count() == 1


def test_a_township_gets_no_clue_form_and_no_clue_count(
    fed_back: dict[str, Any], township_user: User, discipline: User
) -> None:
    client = token_client(township_user)
    assert client.get(f"{API}/clues/{fed_back['clue'].pk}.docx").status_code == 404
    report = text_of(client.get(f"{API}/rounds/{fed_back['round'].pk}/report.docx"))
    assert "问题线索" not in report
    assert CLUE_SUBJECT not in report
    # The discipline commission sees a clue only once transferred to it.
    assert token_client(discipline).get(f"{API}/clues/{fed_back['clue'].pk}.docx").status_code == 404


def test_the_downloads_are_in_the_schema(client: Client, office: User) -> None:
    client.force_login(office)
    response = client.get("/api/schema/", HTTP_ACCEPT=OPENAPI_JSON)
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for path in (
        "/api/v1/documents/feedback/{id}.docx",
        "/api/v1/documents/notices/{id}.docx",
        "/api/v1/documents/rounds/{id}/report.docx",
        "/api/v1/documents/units/{code}/rectification.docx",
        "/api/v1/documents/visits/{id}.docx",
        "/api/v1/documents/clues/{id}.docx",
    ):
        operation = paths[path]["get"]
        assert operation["operationId"].startswith("documents_")
        assert operation["responses"]["200"]["content"][DOCX]["schema"] == {"type": "string", "format": "binary"}
        assert {"401", "404"} <= set(operation["responses"])
    parameters = paths["/api/v1/documents/units/{code}/rectification.docx"]["get"]["parameters"]
    assert {parameter["name"] for parameter in parameters} == {"code", "round"}
