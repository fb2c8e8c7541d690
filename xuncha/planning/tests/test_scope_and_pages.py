"""Who reads plans, enquiries and leads (pages, documents, API): 404 for everyone outside, drafts hidden from leaders
and groups until approved; the documents opened back; the list's query budget."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.models import AccessLog
from xuncha.conftest import World
from xuncha.findings.models import Category
from xuncha.inspections.tests.factories import GroupFactory, assign, member
from xuncha.planning import actions
from xuncha.planning.documents import PLAN_SECTIONS
from xuncha.planning.models import Enquiry, WorkPlan
from xuncha.planning.tests.factories import approved_plan, draft_plan, enquiry

pytestmark = pytest.mark.django_db

JSON = "application/json"
OUTSIDERS = ["township_user", "village_user", "discipline", "nobody", "other_group", "sysadmin", "auditor", "outsider"]


@pytest.fixture
def other_group(world: World) -> User:
    """A member of another group of the same round."""
    group = GroupFactory.create(round=world.round, number=5)
    assign(group, [world.village_b1])
    user = UserFactory.create(username="other_group")
    grant(user, Role.GROUP_MEMBER, world.county)
    member(group, user)
    return user


def _get(client: Client, user: User, url: str) -> Any:
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("who", [*OUTSIDERS, "leader", "group_member"])
def test_a_draft_plan_is_read_by_the_office_only(
    client: Client, world: World, office: User, who: str, request: pytest.FixtureRequest
) -> None:
    plan = draft_plan(world, office)
    reader = request.getfixturevalue(who)
    for url in (plan.get_absolute_url(), f"/planning/plans/{plan.pk}/docx/", f"/api/v1/work-plans/{plan.pk}/"):
        assert _get(client, reader, url).status_code == 404, url
    assert _get(client, office, plan.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("who", OUTSIDERS)
def test_an_approved_plan_stays_hidden_outside_the_office_leaders_and_its_group(
    client: Client, world: World, office: User, office_lead: User, who: str, request: pytest.FixtureRequest
) -> None:
    plan = approved_plan(world, office, office_lead)
    reader = request.getfixturevalue(who)
    assert _get(client, reader, plan.get_absolute_url()).status_code == 404
    assert _get(client, reader, "/api/v1/work-plans/").json()["count"] == 0


def test_once_approved_the_leader_and_the_group_read_the_plan(
    client: Client, world: World, office: User, office_lead: User, leader: User, group_member: User
) -> None:
    plan = approved_plan(world, office, office_lead)
    for reader in (leader, group_member, office_lead):
        assert _get(client, reader, plan.get_absolute_url()).status_code == 200
    page = _get(client, group_member, world.assignment.get_absolute_url()).content.decode()
    assert plan.get_absolute_url() in page


@pytest.mark.parametrize("who", [*OUTSIDERS, "leader", "group_member", "group_leader"])
def test_enquiries_are_the_offices_alone(
    client: Client, world: World, office: User, who: str, request: pytest.FixtureRequest
) -> None:
    letter = enquiry(world, office)
    reader = request.getfixturevalue(who)
    for url in (letter.get_absolute_url(), f"/planning/enquiries/{letter.pk}/docx/", f"/api/v1/enquiries/{letter.pk}/"):
        assert _get(client, reader, url).status_code == 404, url


@pytest.mark.parametrize("who", OUTSIDERS)
def test_leads_are_seen_by_the_office_and_the_group_given_them(
    client: Client, world: World, office: User, group_member: User, who: str, request: pytest.FixtureRequest
) -> None:
    letter = enquiry(world, office)
    actions.record_reply(letter, replied_on=date(2023, 9, 5), text="复函", actor=office)
    lead = actions.mark_lead(letter, text="关注危房改造补助。", assignment=world.assignment, actor=office)
    assert _get(client, request.getfixturevalue(who), f"/api/v1/leads/{lead.pk}/").status_code == 404
    assert _get(client, group_member, f"/api/v1/leads/{lead.pk}/").json()["text"] == "关注危房改造补助。"
    page = _get(client, group_member, world.assignment.get_absolute_url()).content.decode()
    assert "关注危房改造补助。" in page
    response = client.post(f"/api/v1/leads/{lead.pk}/close/", {"status": "DROPPED", "note": "查无实据"}, JSON)
    assert (response.status_code, response.json()["status"]) == (200, "DROPPED")


def test_the_plan_document_has_its_title_and_sections(
    client: Client, world: World, office: User, office_lead: User
) -> None:
    plan = approved_plan(world, office, office_lead)
    response = _get(client, office, f"/planning/plans/{plan.pk}/docx/")
    assert response.status_code == 200
    document = docx.Document(BytesIO(response.content))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert document.core_properties.title == plan.title
    assert texts[0] == plan.title
    assert [text for text in texts if text in PLAN_SECTIONS] == list(PLAN_SECTIONS)
    with translation.override("zh-hans"):
        focus = [f"（一）{Category.ASSETS.label}", f"（二）{Category.FINANCE.label}"]
    assert [text for text in texts if text.startswith("（")][:2] == focus
    assert any("一次一授权" in text for text in texts)
    stages = [row.cells[1].text for row in document.tables[0].rows[1:]]
    assert stages == ["进驻及召开动员会", "个别谈话", "撰写巡察报告"]
    assert AccessLog.objects.filter(user=office, action=AccessLog.Action.DOCUMENT).count() == 1


def test_the_enquiry_letter_is_addressed_to_the_body_and_never_carries_the_reply(
    client: Client, world: World, office: User
) -> None:
    letter = enquiry(world, office)
    actions.record_reply(letter, replied_on=date(2023, 9, 5), text="村主任张某违规", actor=office)
    response = _get(client, office, f"/planning/enquiries/{letter.pk}/docx/")
    texts = [paragraph.text for paragraph in docx.Document(BytesIO(response.content)).paragraphs]
    assert "关于征求" in texts[1] and texts[1].endswith("意见的函")
    assert "县纪委监委：" in texts
    assert not any("张某" in text for text in texts)


def test_the_director_approves_through_the_api_and_the_drafter_is_refused(
    client: Client, world: World, office: User, office_lead: User
) -> None:
    plan = draft_plan(world, office_lead)
    client.force_login(office_lead)
    assert client.post(f"/api/v1/work-plans/{plan.pk}/submit/").status_code == 200
    assert client.post(f"/api/v1/work-plans/{plan.pk}/approve/", {}, JSON).status_code == 403
    second = draft_plan(world, office, assignment=None)
    actions.submit_work_plan(second, actor=office)
    assert client.post(f"/api/v1/work-plans/{second.pk}/return/", {}, JSON).status_code == 400
    response = client.post(f"/api/v1/work-plans/{second.pk}/approve/", {"note": "同意"}, JSON)
    assert (response.status_code, response.json()["status"]) == (200, "APPROVED")
    assert [stage["kind"] for stage in response.json()["stages"]] == ["STATIONING", "TALKS", "REPORT"]


def test_the_pages_carry_the_workflow(
    client: Client, world: World, office: User, office_lead: User, group_member: User
) -> None:
    client.force_login(office)
    response = client.post(f"/planning/rounds/{world.round.pk}/plans/", {"assignment": world.assignment.pk})
    plan = WorkPlan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    assert plan.stages.count() == 5
    form = {
        "title": "甲一村巡察工作方案",
        "focus": ["FINANCE", "PROJECT"],
        "authorisation": "谈话、调阅、走访。",
        "from_STATIONING": "2023-09-01",
        "until_STATIONING": "2023-09-01",
    }
    client.post(f"/planning/plans/{plan.pk}/edit/", form)
    client.post(f"/planning/plans/{plan.pk}/submit/")
    plan.refresh_from_db()
    assert (plan.title, plan.status, plan.stages.count()) == ("甲一村巡察工作方案", "SUBMITTED", 1)
    client.force_login(office_lead)
    assert "decision-form" in client.get(plan.get_absolute_url()).content.decode()
    client.post(f"/planning/plans/{plan.pk}/approve/", {"note": ""})
    plan.refresh_from_db()
    assert plan.status == "APPROVED"
    client.force_login(group_member)
    round_page = client.get(world.round.get_absolute_url()).content.decode()
    assert "round-preparation" in round_page
    client.post(f"/planning/rounds/{world.round.pk}/declaration/", {"no_ties": "on"})
    client.force_login(office)
    page = client.get(f"/planning/rounds/{world.round.pk}/").content.decode()
    assert "Signed: no ties" in page


def test_the_round_page_lists_who_has_not_signed(
    client: Client, world: World, office: User, group_leader: User, group_member: User
) -> None:
    actions.sign_declaration(world.round, no_ties=True, actor=group_member)
    page = _get(client, office, f"/planning/rounds/{world.round.pk}/").content.decode()
    assert page.count("Not signed") == 1
    assert 'data-testid="unsigned-assignments"' in page
    assert _get(client, office, world.round.get_absolute_url()).content.decode().count("1 of 2 members signed") == 1


@pytest.mark.parametrize("who", ["township_user", "village_user", "sysadmin", "auditor", "outsider", "nobody"])
def test_the_round_planning_page_is_not_theirs(
    client: Client, world: World, who: str, request: pytest.FixtureRequest
) -> None:
    assert _get(client, request.getfixturevalue(who), f"/planning/rounds/{world.round.pk}/").status_code == 404


def test_the_plan_list_costs_the_same_whatever_the_number_of_plans(
    client: Client, world: World, office: User, django_assert_num_queries: Any
) -> None:
    draft_plan(world, office)
    client.force_login(office)
    client.get("/planning/plans/")
    # session, user, grants, memberships, the page's frame (notices), plans
    with django_assert_num_queries(6):
        response = client.get("/planning/plans/")
    actions.draft_work_plan(world.round, actor=office)
    other = assign(GroupFactory.create(round=world.round, number=6), [world.village_b1])
    draft_plan(world, office, assignment=other)
    with django_assert_num_queries(6):
        response = client.get("/planning/plans/")
    assert response.content.decode().count('href="/planning/plans/') == 3


def test_the_office_records_a_reply_with_its_scan_and_gives_a_lead_through_the_pages(
    client: Client, world: World, office: User, group_member: User, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(office)
    client.post(
        f"/planning/rounds/{world.round.pk}/enquiries/",
        {"body": "PETITIONS", "matters": "请提供信访情况。", "sent_on": "2023-08-25", "reply_by": "2023-09-10"},
    )
    letter = Enquiry.objects.get()
    scan = SimpleUploadedFile("复函.pdf", b"%PDF-1.4\n%reply\n", content_type="application/pdf")
    client.post(f"/planning/enquiries/{letter.pk}/reply/", {"replied_on": "2023-09-05", "attachments": scan})
    letter.refresh_from_db()
    assert letter.status == Enquiry.Status.REPLIED
    evidence = letter.reply_files.get()
    download = client.get(f"/planning/enquiries/{letter.pk}/files/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4\n%reply\n"  # type: ignore[attr-defined]
    client.post(f"/planning/enquiries/{letter.pk}/leads/", {"assignment": world.assignment.pk, "text": "关注低保"})
    assert _get(client, group_member, f"/planning/enquiries/{letter.pk}/files/{evidence.pk}/").status_code == 404
    assert "关注低保" in _get(client, group_member, world.assignment.get_absolute_url()).content.decode()
