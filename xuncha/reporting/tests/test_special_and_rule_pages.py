"""The pages that draft a special report (专题报告) and set the county's feedback rule: who reaches them, what they
write through their actions, and where they are linked from."""

from __future__ import annotations

import pytest
from django.test import Client

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.findings.tests.factories import CLUE_SUBJECT, CLUE_SUMMARY
from xuncha.inspections.models import Round
from xuncha.reporting import queries
from xuncha.reporting.models import FeedbackRule, Report
from xuncha.reporting.tests.conftest import Scene

SPECIAL = Report.Kind.SPECIAL


def _special_url(scene: Scene) -> str:
    return f"/rounds/{scene.round.pk}/reports/special/"


def _rule_url(scene: Scene) -> str:
    return f"/rounds/{scene.round.pk}/feedback-rule/"


# Special reports --------------------------------------------------------------------------------------------------


def test_the_office_drafts_a_special_report_of_the_round(client: Client, scene: Scene, office: User) -> None:
    client.force_login(office)
    page = client.get(_special_url(scene))
    assert page.status_code == 200
    assert 'data-testid="special-report-form"' in page.content.decode()
    response = client.post(_special_url(scene), {"scope": "round", "title": "关于村级集体资产管理的专题报告"})
    report = Report.objects.get(kind=SPECIAL)
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert (report.round, report.assignment, report.title) == (scene.round, None, "关于村级集体资产管理的专题报告")
    assert report.drafted_by == office and report.version == 1 and report.versions.count() == 1
    assert report.clue_count == 1
    assert CLUE_SUBJECT not in report.text and CLUE_SUMMARY not in report.text
    assert Event.objects.filter(verb="reporting.report_drafted", object_id=str(report.pk)).exists()


def test_the_special_report_appears_on_the_round_page(client: Client, scene: Scene, office: User) -> None:
    client.force_login(office)
    client.post(_special_url(scene), {"scope": "round", "title": "关于集体经济发展的专题报告"})
    report = Report.objects.get(kind=SPECIAL)
    page = client.get(scene.round.get_absolute_url()).content.decode()
    assert f'data-testid="report-{report.pk}"' in page
    assert "关于集体经济发展的专题报告" in page


def test_without_a_title_the_special_report_is_named_from_the_data(client: Client, scene: Scene, office: User) -> None:
    client.force_login(office)
    client.post(_special_url(scene), {"scope": "round", "title": ""})
    assert Report.objects.get(kind=SPECIAL).title == "关于第四轮的专题报告"


def test_the_group_drafts_special_reports_of_its_assignment_beside_its_inspection_report(
    client: Client, scene: Scene, group_member: User
) -> None:
    """The inspection report exists already; special reports of the same assignment are drafted besides it, and
    the group cannot draft one of the whole round."""
    client.force_login(group_member)
    assignment = scene.world.assignment
    page = client.get(assignment.get_absolute_url()).content.decode()
    assert f"/rounds/{scene.round.pk}/reports/special/?assignment={assignment.pk}" in page
    form = client.get(f"{_special_url(scene)}?assignment={assignment.pk}").content.decode()
    assert 'value="round"' not in form
    for topic in ("专题一", "专题二"):
        client.post(_special_url(scene), {"scope": str(assignment.pk), "title": topic})
    assert list(Report.objects.filter(kind=SPECIAL).values_list("assignment", "title")) == [
        (assignment.pk, "专题一"),
        (assignment.pk, "专题二"),
    ]
    refused = client.post(_special_url(scene), {"scope": "round", "title": "全轮"})
    assert refused.status_code == 200
    assert not Report.objects.filter(title="全轮").exists()


@pytest.mark.parametrize("persona", ["township_user", "village_user", "leader", "discipline"])
def test_readers_of_the_round_are_refused_the_special_report(
    client: Client, scene: Scene, request: pytest.FixtureRequest, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(scene.round.get_absolute_url()).status_code in (200, 404)
    assert client.get(_special_url(scene)).status_code in (403, 404)
    response = client.post(_special_url(scene), {"scope": "round", "title": "x"})
    assert response.status_code in (403, 404)
    assert not Report.objects.filter(kind=SPECIAL).exists()


def test_township_and_village_see_the_round_but_get_403(
    client: Client, scene: Scene, township_user: User, village_user: User
) -> None:
    for user in (township_user, village_user):
        client.force_login(user)
        assert client.get(scene.round.get_absolute_url()).status_code == 200
        assert client.post(_special_url(scene), {"scope": "round"}).status_code == 403


def test_outsiders_get_404(client: Client, scene: Scene, outsider: User) -> None:
    client.force_login(outsider)
    assert client.get(_special_url(scene)).status_code == 404
    assert client.get(_rule_url(scene)).status_code == 404


def test_a_closed_round_takes_no_special_report(client: Client, scene: Scene, office: User) -> None:
    Round.objects.filter(pk=scene.round.pk).update(status=Round.Status.CLOSED)
    client.force_login(office)
    assert 'data-testid="special-closed"' in client.get(_special_url(scene)).content.decode()
    page = client.post(_special_url(scene), {"scope": "round", "title": "x"}, follow=True).content.decode()
    assert "Reports are drafted from stationing until the round closes" in page
    assert not Report.objects.filter(kind=SPECIAL).exists()


def test_the_api_drafts_a_special_report_with_its_title(client: Client, scene: Scene, office: User) -> None:
    client.force_login(office)
    body = {"round": scene.round.pk, "kind": "SPECIAL", "title": "关于惠民资金发放的专题报告"}
    response = client.post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "关于惠民资金发放的专题报告" and response.json()["kind"] == "SPECIAL"


# The county's feedback rule ---------------------------------------------------------------------------------------


def test_the_director_sees_and_sets_the_feedback_rule(client: Client, scene: Scene, office_lead: User) -> None:
    county = scene.round.term.county
    client.force_login(office_lead)
    round_page = client.get(scene.round.get_absolute_url()).content.decode()
    assert 'data-testid="feedback-rule"' in round_page and _rule_url(scene) in round_page
    page = client.get(_rule_url(scene)).content.decode()
    assert 'name="needs_approved_report"' in page and "checked" in page  # the instance's default: True
    response = client.post(_rule_url(scene), {})  # the box unticked
    assert response.status_code == 302 and response["Location"] == scene.round.get_absolute_url()
    rule = FeedbackRule.objects.get(county=county)
    assert rule.needs_approved_report is False and queries.needs_approved_report(county) is False
    event = Event.objects.get(verb="reporting.feedback_rule_set", object_id=str(rule.pk))
    assert event.actor == office_lead
    assert "checked" not in client.get(_rule_url(scene)).content.decode().split('name="needs_approved_report"')[1][:40]
    client.post(_rule_url(scene), {"needs_approved_report": "on"})
    rule.refresh_from_db()
    assert rule.needs_approved_report is True
    assert Event.objects.filter(verb="reporting.feedback_rule_set").count() == 2


@pytest.mark.parametrize("persona", ["office", "township_user", "village_user", "group_leader", "leader"])
def test_only_the_director_sets_the_feedback_rule(
    client: Client, scene: Scene, request: pytest.FixtureRequest, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_rule_url(scene)).status_code == 403
    assert client.post(_rule_url(scene), {}).status_code == 403
    assert not FeedbackRule.objects.exists()
    assert _rule_url(scene) not in client.get(scene.round.get_absolute_url()).content.decode()


def test_the_office_clerk_reads_the_rule_on_the_round_page(client: Client, scene: Scene, office: User) -> None:
    FeedbackRule.objects.create(county=scene.round.term.county, needs_approved_report=False)
    client.force_login(office)
    page = client.get(scene.round.get_absolute_url()).content.decode()
    rule = page.split('data-testid="feedback-rule"')[1].split("</div>")[0]
    assert "without waiting for the report" in rule
