"""The pages and the API of the report chain: who sees what, the .docx opened back, the panels, query budgets."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document
from pytest_django import DjangoAssertNumQueries

from xuncha.accounts.models import User
from xuncha.audit.models import AccessLog
from xuncha.findings.tests.factories import CLUE_SUBJECT, CLUE_SUMMARY
from xuncha.reporting import actions
from xuncha.reporting.models import Gate, Report
from xuncha.reporting.tests.conftest import Scene

PASS = Gate.Decision.PASSED


def _approve(report: Report, group_leader: User, office: User) -> None:
    for kind, actor in [
        (Gate.Kind.GROUP_MEETING, group_leader),
        (Gate.Kind.OFFICE_REVIEW, office),
        (Gate.Kind.LEADING_GROUP, office),
        (Gate.Kind.SECRETARY, office),
    ]:
        actions.record_gate(report, kind, decision=PASS, held_on=timezone.localdate(), minutes="纪要", actor=actor)


def _get(client: Client, user: User, url: str) -> int:
    client.force_login(user)
    return client.get(url).status_code


@pytest.mark.parametrize(
    "persona",
    ["township_user", "village_user", "other_leader", "leader", "sysadmin", "auditor", "discipline", "nobody"],
)
def test_a_draft_report_is_hidden_from_everyone_but_the_group_and_the_office(
    client: Client, scene: Scene, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    pk = scene.report.pk
    for url in (f"/reports/{pk}/", f"/reports/{pk}/docx/", f"/reports/{pk}/diff/?from=1&to=1"):
        assert _get(client, user, url) == 404, url
    assert client.get(f"/api/v1/reports/{pk}/").status_code == 404
    assert client.get(f"/api/v1/reports/{pk}/versions/").status_code == 404
    assert client.get("/api/v1/reports/").json()["count"] == 0


@pytest.mark.parametrize("persona", ["group_leader", "group_member", "office", "office_lead"])
def test_the_group_and_the_office_read_the_draft(
    client: Client, scene: Scene, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    assert _get(client, user, f"/reports/{scene.report.pk}/") == 200
    assert client.get(f"/api/v1/reports/{scene.report.pk}/versions/").status_code == 200


def test_county_leaders_read_only_the_approved_report(
    client: Client, scene: Scene, leader: User, group_leader: User, office: User
) -> None:
    _approve(scene.report, group_leader, office)
    client.force_login(leader)
    page = client.get(f"/reports/{scene.report.pk}/").content.decode()
    assert 'data-testid="report-text"' in page and 'data-testid="gate-list"' not in page
    assert client.get(f"/api/v1/reports/{scene.report.pk}/").status_code == 200
    assert client.get(f"/api/v1/reports/{scene.report.pk}/versions/").status_code == 404
    assert client.get(f"/api/v1/reports/{scene.report.pk}/gates/").status_code == 404


def test_the_docx_holds_the_text_and_clues_only_as_a_count(client: Client, scene: Scene, office: User) -> None:
    client.force_login(office)
    response = client.get(f"/reports/{scene.report.pk}/docx/")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert scene.report.title in text
    assert "问题线索1件" in text
    assert CLUE_SUBJECT not in text and CLUE_SUMMARY not in text
    assert AccessLog.objects.filter(user=office, action=AccessLog.Action.DOCUMENT).exists()


def test_the_gate_is_recorded_through_the_page_and_refused_out_of_order(
    client: Client, scene: Scene, office: User, group_leader: User
) -> None:
    client.force_login(office)
    today = timezone.localdate().isoformat()
    body = {"kind": "OFFICE_REVIEW", "decision": "PASSED", "held_on": today, "minutes": "审核"}
    page = client.post(f"/reports/{scene.report.pk}/gate/", body, follow=True).content.decode()
    assert "cannot be held before it" in page
    assert not scene.report.gates.exists()
    client.force_login(group_leader)
    body["kind"] = "GROUP_MEETING"
    client.post(f"/reports/{scene.report.pk}/gate/", body)
    assert Report.objects.get(pk=scene.report.pk).status == Report.Status.OFFICE_REVIEW


def test_a_version_is_saved_and_compared_through_the_pages(client: Client, scene: Scene, group_member: User) -> None:
    client.force_login(group_member)
    text = scene.report.text + "\n五、其他\n补充内容。"
    client.post(f"/reports/{scene.report.pk}/save/", {"version": 1, "text": text, "note": "补充"})
    assert Report.objects.get(pk=scene.report.pk).version == 2
    diff = client.get(f"/reports/{scene.report.pk}/diff/?from=1&to=2").content.decode()
    assert 'data-line="added"' in diff and "补充内容。" in diff


def test_the_api_records_gates_as_posts(client: Client, scene: Scene, office: User, group_leader: User) -> None:
    client.force_login(office)
    url = f"/api/v1/reports/{scene.report.pk}/gate/"
    body = {"kind": "LEADING_GROUP", "decision": "PASSED", "held_on": timezone.localdate().isoformat(), "minutes": "x"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 409
    comment = client.post(
        f"/api/v1/reports/{scene.report.pk}/comment/", {"version": 1, "text": "请修改"}, content_type="application/json"
    )
    assert comment.status_code == 201
    client.force_login(group_leader)
    body["kind"] = "GROUP_MEETING"
    assert client.post(url, body, content_type="application/json").status_code == 201
    gates = client.get(f"/api/v1/reports/{scene.report.pk}/gates/").json()
    assert [gate["kind"] for gate in gates] == ["GROUP_MEETING"]


def test_the_round_and_assignment_pages_show_the_report_and_its_gates(
    client: Client, scene: Scene, office: User, township_user: User
) -> None:
    client.force_login(office)
    for url in (scene.round.get_absolute_url(), scene.world.assignment.get_absolute_url()):
        page = client.get(url).content.decode()
        assert 'data-testid="report-panel"' in page
        assert scene.report.title in page
        assert 'data-gate="awaited"' in page


def test_the_report_page_costs_the_same_whatever_its_history(
    client: Client,
    scene: Scene,
    office: User,
    group_leader: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client.force_login(office)
    url = f"/reports/{scene.report.pk}/"
    actions.comment_on_version(scene.report.versions.get(number=1), text="意见", actor=office)
    client.get(url)
    with django_assert_num_queries(13) as one:
        client.get(url)
    for number in range(2, 5):
        actions.save_report_version(
            scene.report, text=scene.report.text + "。" * number, expected_version=number - 1, actor=group_leader
        )
        actions.comment_on_version(scene.report.versions.get(number=number), text="意见", actor=office)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_the_api_list_costs_the_same_whatever_the_number_of_reports(
    client: Client,
    scene: Scene,
    office: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client.force_login(office)
    client.get("/api/v1/reports/")
    with django_assert_num_queries(6) as one:
        client.get("/api/v1/reports/")
    actions.draft_report(scene.round, actor=office)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get("/api/v1/reports/").json()["count"] == 2
